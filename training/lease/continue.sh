#!/usr/bin/env bash
# Second call, right after train.sh on the same machine (a warm one is given back after
# 30 s idle): continues train.sh's best run (by validation accuracy) at LR for MINUTES;
# the data and the wheels are still in /tmp there. Hands back $OUT/C2.tar.
#   run  command: OUT=$OUT MINUTES=3.6 BATCH=1024 LR=1e-3 bash training/lease/continue.sh   carry: .whl .gpu
WHEELS_INSTALLED=1  # by train.sh, the call before
source "$(dirname "$0")/common.sh"
BEST=$($PYBIN -c 'import json,glob; r={p.split("/")[-2]: json.load(open(p))["eval_accuracy"] for p in glob.glob("/tmp/runs/*/eval_results.json") if "/C2" not in p}; print(max(r, key=r.get))') || exit 1
echo "best $BEST" | tee -a "$OUT/train.log"
GPU=$($PYBIN -c 'import torch; print(int(torch.cuda.is_available()))')
if [ "$GPU" = 1 ]; then PREC="--bf16 True"; W=4; NP=16; else PREC="--bf16 False"; W=0; NP=1; fi
HF_DATASETS_CACHE=/tmp/hfcache/C2 $PYBIN -m twinscore.train --model_name_or_path /tmp/runs/$BEST --dataset_name /tmp/devdata --dataset_test_split validation \
  --output_dir /tmp/runs/C2 --max_length 128 --max_steps 200000 --max_train_minutes ${MINUTES:-2} \
  --per_device_train_batch_size ${BATCH:-256} --per_device_eval_batch_size 512 --learning_rate ${LR:-3e-4} \
  --warmup_steps 50 --lr_scheduler_type cosine --weight_decay 0.01 --logging_steps 200 \
  --eval_strategy no --save_strategy no --report_to none --seed 3 --disable_tqdm True \
  --dataloader_num_workers $W --dataset_num_proc $NP $PREC 2>&1 | grep --line-buffered -v "examples/s" >> "$OUT/train.log"
echo "[$(( $(date +%s) - T0 ))s] C2 $(tr -d '\n ' < /tmp/runs/C2/eval_results.json)" | tee -a "$OUT/train.log"
cd /tmp/runs/C2 && tar cf "$OUT/C2.tar" model.safetensors config.json tokenizer.json tokenizer_config.json chat_template.jinja eval_results.json trainer_state.json
ls -la "$OUT"
