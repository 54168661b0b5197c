#!/usr/bin/env bash
# Rebuild the small toy model (public/models/twin-tiny-toy; fast, for tests of big files
# and as a second model to switch to) from scratch with
# our own pipeline: toy records -> TRL pairs -> RewardTrainer (tiny Qwen2) -> ONNX.
# Usage: training/bootstrap-model.sh [python]   (python defaults to .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
export PYTHONPATH=training
NAME=twin-tiny-toy
"$PY" -m twinscore.dataset --toy 4000 --seed 7 --out data/$NAME
"$PY" -m twinscore.model --dataset_name data/$NAME --output_dir runs/$NAME --tiny \
  --num_train_epochs 6 --per_device_train_batch_size 16 --learning_rate 2e-3 \
  --eval_strategy epoch --save_strategy no --report_to none --logging_steps 50 --seed 7 --max_length 256
"$PY" -m twinscore.export --model_dir runs/$NAME --dataset data/$NAME --name $NAME
