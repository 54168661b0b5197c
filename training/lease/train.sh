#!/usr/bin/env bash
# On a lent GPU machine (the device tool; training/GPU.md), after training/lease/pack.py here:
#   run  command: OUT=$OUT MINUTES=7 bash training/lease/train.sh   carry: .whl .gpu   timeout_s: 595
# Trains CONFIGS (name:hidden:layers:heads:lr:batch[:tokenizer], the tokenizer tok or
# tok-groups from pack.py, default tok) side by side from random initialisation, each for
# MINUTES of training (--max_train_minutes fits the cosine schedule to the steps that
# fit), and hands their weights back as a split tar ($OUT/models.tar.part-*).
# The default model is L1024's configuration; e.g. CONFIGS="P:128:4:4:2e-3:1024
# G:128:4:4:2e-3:1024:tok-groups" puts the digit groups against it.
# GENERATE=N (after pack.py --generate_there) writes N fresh training records there
# instead of reading them from .gpu/records.xz (seeds SEED.., default 7000).
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
MINUTES=${MINUTES:-7}
PYBIN=${PYBIN:-python3}
T0=$(date +%s)
log() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$OUT/train.log"; }
if [ -z "${SKIP_WHEELS:-}" ]; then
  $PYBIN -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}training PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
$PYBIN -c 'import torch, transformers, trl, datasets; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-", "transformers", transformers.__version__, "trl", trl.__version__)' 2>&1 | tee -a "$OUT/train.log" || exit 1
mkdir -p /tmp/tokx && tar xJf .gpu/tok.txz -C /tmp/tokx || exit 1
DATA=/tmp/devdata; mkdir -p $DATA
GENERATED=()
if [ -n "${GENERATE:-}" ]; then  # pack.py --generate_there: fresh training records, 8 generators at once
  mkdir -p /tmp/ref /tmp/gen && tar xJf .gpu/reference.txz -C /tmp/ref || exit 1
  for k in 0 1 2 3 4 5 6 7; do
    TWINSCORE_NODE_MODULES=/tmp/ref/nm $PYBIN -m twinscore.generate --n $(( GENERATE / 8 )) --seed $(( ${SEED:-7000} + k )) --out /tmp/gen/$k.jsonl &
  done
  wait
  GENERATED=(--generated /tmp/gen/*.jsonl)
  log "generated"
fi
$PYBIN training/lease/unpack.py $DATA ${LIMIT:+--limit $LIMIT} "${GENERATED[@]}" 2>&1 | tee -a "$OUT/train.log"
[ -s $DATA/train.jsonl ] || exit 1
log "data ready"
GPU=$($PYBIN -c 'import torch; print(int(torch.cuda.is_available()))')
if [ "$GPU" = 1 ]; then PREC="--bf16 True"; WORKERS=3; NPROC=${NPROC:-8}; else PREC="--bf16 False"; WORKERS=0; NPROC=1; fi
# name hidden layers heads lr batch
CONFIGS=${CONFIGS:-"L256:128:4:4:1e-3:256 L1024:128:4:4:2e-3:1024"}
for c in $CONFIGS; do
  IFS=: read -r name hidden layers heads lr batch tok <<<"$c"
  log "start $name hidden=$hidden layers=$layers heads=$heads lr=$lr batch=$batch"
  HF_DATASETS_CACHE=/tmp/hfcache/$name $PYBIN -m twinscore.train --dataset_name $DATA --dataset_test_split validation \
    --output_dir /tmp/runs/$name --tiny --tiny_tokenizer /tmp/tokx/${tok:-tok} --tiny_hidden_size $hidden --tiny_layers $layers \
    --tiny_heads $heads --max_length 128 --max_steps 200000 --max_train_minutes $MINUTES \
    --per_device_train_batch_size $batch --per_device_eval_batch_size 512 --learning_rate $lr \
    --warmup_steps 200 --lr_scheduler_type cosine --weight_decay 0.01 --logging_steps 200 \
    --eval_strategy no --save_strategy no --report_to none --seed 1 --disable_tqdm True \
    --dataloader_num_workers $WORKERS --dataset_num_proc $NPROC $PREC 2>&1 | grep --line-buffered -v "examples/s" | sed -u "s/^/[$name] /" >> "$OUT/train.log" &
done
wait
log "all runs ended"
for c in $CONFIGS; do n=${c%%:*}; echo "$n $(cat /tmp/runs/$n/eval_results.json 2>/dev/null | tr -d '\n ')" | tee -a "$OUT/train.log"; done
cd /tmp/runs && tar cf /tmp/models.tar --exclude=base-tiny --exclude='checkpoint-*' $(for c in $CONFIGS; do echo ${c%%:*}; done) && split -b 15M -d /tmp/models.tar "$OUT/models.tar.part-" && sha256sum /tmp/models.tar | tee -a "$OUT/train.log"
log "done"
ls -la "$OUT"
