# Sourced by the lease scripts (train.sh, continue.sh, finetune.sh) on a lent GPU machine:
# the repository root as the working directory, $OUT and its train.log, the wheels the
# call carries in .whl/ installed once into /tmp/site (SKIP_WHEELS=1 uses the Python at
# hand, as the CPU tests do), and the versions that will train written to the log.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
PYBIN=${PYBIN:-python3}
T0=$(date +%s)
log() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$OUT/train.log"; }
if [ -z "${SKIP_WHEELS:-}" ]; then
  # a second call on the warm machine finds them installed by the first
  if [ -z "${WHEELS_INSTALLED:-}" ]; then
    $PYBIN -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  fi
  export PYTHONPATH=/tmp/site
fi
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}training PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_DATASETS_DISABLE_PROGRESS_BARS=1
$PYBIN -c 'import torch, transformers, trl, datasets; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-", "transformers", transformers.__version__, "trl", trl.__version__)' 2>&1 | tee -a "$OUT/train.log" || exit 1
# The trainer's precision and loader options for RUNS runs side by side: bf16 and a share
# of the cores each where there is a GPU, fp32 on a CPU (the tests' dry runs).
device_args() {
  if $PYBIN -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    local procs=$(( $(nproc) / $1 ))
    echo "--bf16 True --dataloader_num_workers 2 --dataset_num_proc $(( procs > 0 ? procs : 1 ))"
  else
    echo "--bf16 False"
  fi
}
