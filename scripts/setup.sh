#!/usr/bin/env bash
# Install everything the app, the training pipeline and the tests need. Idempotent:
# each step is skipped when what it installs is already there.
#   - Debian's chromium (browser tests drive /usr/bin/chromium; no browser download)
#     and fonts-noto-cjk (Chinese text in headless screenshots)
#   - node_modules from package-lock.json (npm ci)
#   - a Python venv with training/ installed (TRL, PyTorch, onnxruntime ...), kept
#     outside the clone and keyed by the PyTorch pin so a second clone or CI run
#     on the same machine reuses it; .venv links to it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's headless Chromium has no CJK fonts: without fonts-noto-cjk the Chinese records
# in the screenshots (docs/) render as empty boxes.
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || apt_missing+=(fonts-noto-cjk)
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "setup: installing ${apt_missing[*]} (apt)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${apt_missing[@]}"
fi

lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.lock-hash
fi

# The venv is keyed by the Python version and the PyTorch pin (the slow part to install);
# any other change to training/pyproject.toml is applied to it in place by pip.
venv_key=$( (python3 --version; grep -E '"torch==' training/pyproject.toml) | sha256sum | cut -c1-16)
venv="${TWINSCORE_VENV:-$HOME/.cache/twinscore/venv-$venv_key}"
if [ ! -f "$venv/.complete" ]; then
  echo "setup: python venv at $venv (first time: PyTorch, TRL, onnxruntime; several minutes)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip setuptools
  touch "$venv/.complete"
fi
py_hash=$(sha256sum training/pyproject.toml | cut -c1-16)
if [ "$(cat "$venv/.pyproject-hash" 2>/dev/null)" != "$py_hash" ]; then
  echo "setup: pip install ./training[dev]"
  "$venv/bin/pip" install -q -e "./training[dev]"
  echo "$py_hash" > "$venv/.pyproject-hash"
fi
# Editable, so the venv runs this clone's training code, whichever clone made the venv.
"$venv/bin/pip" install -q --no-deps --no-build-isolation -e ./training
ln -sfn "$venv" .venv
echo "setup: ready (python: .venv -> $venv)"
