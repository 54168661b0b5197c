#!/usr/bin/env bash
# On a lent GPU machine (the device tool; training/GPU.md), after pack.py --generate_there here:
#   run  command: OUT=$OUT MINUTES=5 GENERATE=1200000 bash training/lease/finetune.sh   carry: .whl .gpu   timeout_s: 590
# Fine-tunes the shipped default model on fresh records instead of training from random
# initialisation: its weights are recovered from the tracked fp32 ONNX file
# (twinscore.unexport), which travels with the working tree anyway, where a second copy
# of them would not fit in the call's 64 MiB. The generator writes GENERATE records there
# (seeds SEED.., FOCUS, WRONG_SHARE and FOREIGN_TOWNS as for twinscore-generate, TWINS=1 for --twins);
# the records pack.py --extra carried (.gpu/extra.xz: hard negatives mined here) join
# them; unpack.py drops any like a validation or test record; and the candidates in
# CONFIGS (name:lr) train side by side from the same weights for MINUTES each, at batch
# BATCH. MAX_STEPS sets the cosine schedule's length (by default so long that the rate
# hardly falls: set it to the steps MINUTES allow). Their weights come back as $OUT/<name>.tar. REGROUP=1 first gives the recovered model the area code as one token
# (twinscore.regroup), for an INIT whose weights have never read that digit group; the
# shipped model already has it, and regroup refuses it (the script stops).
source "$(dirname "$0")/common.sh"
MINUTES=${MINUTES:-5}
WORK=${WORK:-/tmp/ft}
GPU_DIR=${GPU_DIR:-.gpu}  # what pack.py --generate_there wrote
mkdir -p $WORK/ref $WORK/gen $WORK/data && tar xJf $GPU_DIR/reference.txz -C $WORK/ref || exit 1
$PYBIN -m twinscore.unexport --model ${INIT:-public/models/twin-default} --out $WORK/init 2>&1 | grep -v shards | tee -a "$OUT/train.log"
[ -s $WORK/init/model.safetensors ] || exit 1
if [ -n "${REGROUP:-}" ]; then
  $PYBIN -m twinscore.regroup --model_dir $WORK/init --out $WORK/regrouped 2>&1 | grep -v shards | tee -a "$OUT/train.log"
  [ -s $WORK/regrouped/model.safetensors ] || exit 1
  rm -rf $WORK/init && mv $WORK/regrouped $WORK/init
fi
NGEN=${NGEN:-$(nproc)}
# Each generator's records become preference pairs in the same process slot (unpack.py
# is one core's work, a minute for a million records), then the parts are joined.
for k in $(seq 0 $(( NGEN - 1 ))); do
  ( TWINSCORE_NODE_MODULES=$WORK/ref/nm $PYBIN -m twinscore.generate --n $(( ${GENERATE:-1000000} / NGEN )) --seed $(( ${SEED:-8000} + k )) \
      ${FOCUS:+--focus $FOCUS} ${WRONG_SHARE:+--wrong_share $WRONG_SHARE} ${TWINS:+--twins} \
      ${FOREIGN_TOWNS:+--foreign_towns $FOREIGN_TOWNS} --out $WORK/gen/$k.jsonl > /dev/null &&
    $PYBIN training/lease/unpack.py $WORK/parts/$k --packed $GPU_DIR/records.xz --generated $WORK/gen/$k.jsonl > $WORK/gen/$k.log ) &
done
if [ -f $GPU_DIR/extra.xz ]; then
  $PYBIN training/lease/unpack.py $WORK/parts/extra --packed $GPU_DIR/records.xz --extra $GPU_DIR/extra.xz > $WORK/extra.log &&
    grep '^carried' $WORK/extra.log | tee -a "$OUT/train.log" &
fi
wait
awk '/^generated/ {g += $2; d += $3} END {print "generated", g, "records,", d, "dropped as like a held-out record"}' $WORK/gen/*.log | tee -a "$OUT/train.log"
cat $WORK/parts/*/train.jsonl > $WORK/data/train.jsonl && cp $WORK/parts/0/validation.jsonl $WORK/data/ || exit 1
echo "train $(wc -l < $WORK/data/train.jsonl) $(sha256sum < $WORK/data/train.jsonl | cut -c1-16), validation $(wc -l < $WORK/data/validation.jsonl)" | tee -a "$OUT/train.log"
[ -s $WORK/data/train.jsonl ] || exit 1
log "data ready"
EXTRA=$(device_args $(echo ${CONFIGS:-A:4e-4} | wc -w))
# The call's limit kills everything, the weights too. Tokenizing is the one step whose
# time is not known beforehand, so checkpoints are kept and, at DEADLINE seconds, the
# newest of each run still going is handed back instead.
# Its output goes to the log alone, so no stray process holds the caller's pipe open.
( sleep $(( ${DEADLINE:-100000} - ($(date +%s) - T0) )) 2>/dev/null & echo $! > $WORK/watchdog.sleep; wait $!
  for d in $WORK/runs/*/; do
    name=$(basename $d); ck=$(ls -d $d/checkpoint-* 2>/dev/null | sort -t- -k2 -n | tail -1)
    [ -f $d/eval_results.json ] || [ -z "$ck" ] || { log "deadline: $name handed back at $(basename $ck)"; (cd $ck && tar cf "$OUT/$name-ckpt.tar" model.safetensors config.json trainer_state.json); }
  done ) > /dev/null 2>&1 &
WATCHDOG=$!
for c in ${CONFIGS:-A:4e-4}; do
  IFS=: read -r name lr <<<"$c"
  HF_DATASETS_CACHE=$WORK/cache/$name $PYBIN -m twinscore.train --model_name_or_path $WORK/init --dataset_name $WORK/data \
    --dataset_test_split validation --output_dir $WORK/runs/$name --max_length 128 --max_steps ${MAX_STEPS:-1000000} \
    --max_train_minutes $MINUTES --per_device_train_batch_size ${BATCH:-1024} --per_device_eval_batch_size 1024 \
    --learning_rate $lr --warmup_steps ${WARMUP:-100} --lr_scheduler_type cosine --weight_decay 0.01 --logging_steps 100 \
    --eval_strategy no --save_strategy steps --save_steps ${SAVE_STEPS:-1000} --save_total_limit 1 --report_to none --seed 5 --disable_tqdm True $EXTRA ${TRAIN_ARGS:-} \
    2>&1 | grep --line-buffered -v "examples/s" | sed -u "s/^/[$name] /" >> "$OUT/train.log" &
done
wait $(jobs -p | grep -v "^$WATCHDOG$")
kill $WATCHDOG $(cat $WORK/watchdog.sleep 2>/dev/null) 2>/dev/null
log "all runs ended"
for c in ${CONFIGS:-A:4e-4}; do
  name=${c%%:*}
  [ -f $WORK/runs/$name/eval_results.json ] || { log "$name wrote no eval_results.json"; continue; }
  log "$name $(tr -d '\n ' < $WORK/runs/$name/eval_results.json) steps $($PYBIN -c "import json; print(json.load(open('$WORK/runs/$name/trainer_state.json'))['global_step'])")"
  (cd $WORK/runs/$name && tar cf "$OUT/$name.tar" model.safetensors config.json tokenizer.json tokenizer_config.json eval_results.json trainer_state.json $(ls chat_template.jinja 2>/dev/null))
done
log "done"
ls -la "$OUT"
