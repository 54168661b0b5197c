#!/usr/bin/env bash
# All three suites, in the order the data flows:
#   pytest (training -> export of a fresh tiny model into tests/.artifacts/models)
#   vitest unit (prompt/token/score parity for the committed and the fresh models, CLI)
#   vitest e2e (the built app in Debian's Chromium, WASM and WebGPU)
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf tests/.artifacts
echo "== pytest"; .venv/bin/python -m pytest -q tests/python
echo "== type check"; npx svelte-check --tsconfig ./tsconfig.json --threshold error
echo "== vitest unit"; npx vitest run --project unit
echo "== build"; npx vite build
echo "== vitest e2e"; npx vitest run --project e2e
