#!/usr/bin/env bash
# Train several candidate models from random initialisation side by side, each for the
# same wall-clock budget, and compare them on the validation split. On one GPU the small
# models here leave most of it idle, so four at once cost little more than one.
#
#   DATA=data/twin-default MINUTES=6 bash training/sweep.sh C:128:4:4:1e-3:256 B:256:4:8:5e-4:256
#
# A candidate is name:hidden:layers:heads:learning_rate:batch[:tokenizer], the last a
# tokenizer folder for --tiny_tokenizer (default: one trained on the data). Each trains with
# twinscore-train --tiny --max_train_minutes MINUTES (the schedule fits the steps that fit)
# into $RUNS/<name>; the validation accuracy of each is printed and written with its
# step count to $RUNS/summary.json. Logs go to $RUNS/sweep.log, one line prefix per run.
# TRAIN_ARGS is added to every run's command line, e.g. TRAIN_ARGS=--tiny_place_tokens
# (the default model's tokenizer), or --tiny_tokenizer DIR where the reference data that
# option reads is not at hand (a lent GPU machine).
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-data/twin-default}
RUNS=${RUNS:-runs/sweep}
MINUTES=${MINUTES:-6}
PY=${PY:-.venv/bin/python}
[ $# -gt 0 ] || { echo "sweep: name candidates as name:hidden:layers:heads:lr:batch" >&2; exit 2; }
[ -f "$DATA/validation.jsonl" ] || { echo "sweep: $DATA/validation.jsonl is missing: candidates are compared on it (twinscore-build-dataset --val_size)" >&2; exit 2; }
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}training TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
mkdir -p "$RUNS"
if "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
  # The dataset is tokenized by every run at once: share the cores out.
  EXTRA="--bf16 True --dataloader_num_workers 2 --dataset_num_proc $(( $(nproc) / $# > 0 ? $(nproc) / $# : 1 ))"
else
  EXTRA="--bf16 False"
fi
for c in "$@"; do
  IFS=: read -r name hidden layers heads lr batch tokenizer <<<"$c"
  [ -n "$batch" ] || { echo "sweep: $c is not name:hidden:layers:heads:lr:batch[:tokenizer]" >&2; exit 2; }
  [ -z "$tokenizer" ] || [ -f "$tokenizer/tokenizer.json" ] || { echo "sweep: $c: $tokenizer has no tokenizer.json" >&2; exit 2; }
  # A cache per run: concurrent runs building one datasets cache wait on each other's locks.
  HF_DATASETS_CACHE=$RUNS/.cache/$name "$PY" -m twinscore.train --dataset_name "$DATA" --dataset_test_split validation \
    --output_dir "$RUNS/$name" --tiny --tiny_vocab_size 8000 --tiny_hidden_size "$hidden" --tiny_layers "$layers" \
    --tiny_heads "$heads" --max_length 128 --max_steps 1000000 --max_train_minutes "$MINUTES" \
    --per_device_train_batch_size "$batch" --per_device_eval_batch_size 512 --learning_rate "$lr" \
    --warmup_steps 200 --lr_scheduler_type cosine --weight_decay 0.01 --logging_steps 100 \
    --eval_strategy no --save_strategy no --report_to none --seed 1 --disable_tqdm True $EXTRA ${tokenizer:+--tiny_tokenizer "$tokenizer"} ${TRAIN_ARGS:-} \
    2>&1 | sed -u "s/^/[$name] /" >> "$RUNS/sweep.log" &
done
wait
"$PY" - "$RUNS" "$@" <<'PY'
import json, sys
from pathlib import Path
runs, summary = Path(sys.argv[1]), {}
for c in sys.argv[2:]:
    name = c.split(":")[0]
    ev, st = runs / name / "eval_results.json", runs / name / "trainer_state.json"
    if not ev.exists():
        print(f"sweep: {name} ({c}) wrote no eval_results.json, see {runs / 'sweep.log'}")
        continue
    summary[name] = {"candidate": c, **json.loads(ev.read_text()),
                     "global_step": json.loads(st.read_text())["global_step"] if st.exists() else None}
    print(f"sweep: {name} ({c}) validation accuracy {summary[name]['eval_accuracy']:.4f} after {summary[name]['global_step']} steps")
(runs / "summary.json").write_text(json.dumps(summary, indent=1))
sys.exit(0 if summary else 1)
PY
