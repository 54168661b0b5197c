#!/usr/bin/env bash
# Second call, right after finetune.sh on the same warm machine (given back after 30 s
# idle): the best of finetune.sh's runs (by validation accuracy) goes on alone at LR for
# MAX_STEPS (cosine, from warmup to zero), on the same records, still in /tmp there.
# Hands back $OUT/$NAME.tar.
#   run  command: OUT=$OUT LR=5e-5 MAX_STEPS=1500 MINUTES=1.7 bash training/lease/finetune-more.sh   timeout_s: 230
# (fifth lease: B went on 1,500 steps at 5e-5, 102 s at 14.6 steps/s alone, in a call of 199 s)
WHEELS_INSTALLED=1  # by finetune.sh, the call before
source "$(dirname "$0")/common.sh"
WORK=${WORK:-/tmp/ft}
NAME=${NAME:-C}
BEST=$($PYBIN - "$WORK/runs" "$NAME" <<'PY'
import glob, json, sys
runs, name = sys.argv[1:]
# sorted: a tie in accuracy picks the same run every time
r = {p.split("/")[-2]: json.load(open(p))["eval_accuracy"] for p in sorted(glob.glob(f"{runs}/*/eval_results.json"))}
r.pop(name, None)
if not r:
    print(f"finetune-more: no finished run in {runs} (finetune.sh, the call before, on this machine, writes them)")
    sys.exit(1)
print(max(r, key=r.get))
PY
) || { log "$BEST"; exit 1; }
log "best $BEST, on at ${LR:=5e-5} for ${MAX_STEPS:=1500} steps as $NAME"
EXTRA=$(device_args 1)
# The run's own cache folder, where datasets finds the records it tokenized, if it can.
HF_DATASETS_CACHE=$WORK/cache/$BEST $PYBIN -m twinscore.train --model_name_or_path $WORK/runs/$BEST --dataset_name $WORK/data \
  --dataset_test_split validation --output_dir $WORK/runs/$NAME --max_length 128 --max_steps $MAX_STEPS \
  --max_train_minutes ${MINUTES:-2} --per_device_train_batch_size ${BATCH:-1024} --per_device_eval_batch_size 1024 \
  --learning_rate $LR --warmup_steps ${WARMUP:-50} --lr_scheduler_type cosine --weight_decay 0.01 --logging_steps 500 \
  --eval_strategy no --save_strategy no --report_to none --seed 6 --disable_tqdm True $EXTRA ${TRAIN_ARGS:-} \
  2>&1 | grep --line-buffered -v "examples/s" | sed -u "s/^/[$NAME] /" >> "$OUT/train.log"
[ -f $WORK/runs/$NAME/eval_results.json ] || { log "$NAME wrote no eval_results.json"; exit 1; }
log "$NAME $(tr -d '\n ' < $WORK/runs/$NAME/eval_results.json)"
# chat_template.jinja too: without it the weights score nothing here (apply_chat_template
# refuses), which the fifth lease's hand-typed second call left out.
(cd $WORK/runs/$NAME && tar cf "$OUT/$NAME.tar" model.safetensors config.json tokenizer.json tokenizer_config.json \
  eval_results.json trainer_state.json $(ls chat_template.jinja 2>/dev/null))
ls -la "$OUT"
