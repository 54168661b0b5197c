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
# instead of reading them from .gpu/records.xz (seeds SEED.., default 7000); FOCUS weighs
# error classes there as generate --focus does (e.g. FOCUS=district_not_in_city=4).
source "$(dirname "$0")/common.sh"
MINUTES=${MINUTES:-7}
mkdir -p /tmp/tokx && tar xJf .gpu/tok.txz -C /tmp/tokx || exit 1
DATA=/tmp/devdata; mkdir -p $DATA
GENERATED=()
if [ -n "${GENERATE:-}" ]; then  # pack.py --generate_there: fresh training records, 8 generators at once
  mkdir -p /tmp/ref /tmp/gen && tar xJf .gpu/reference.txz -C /tmp/ref || exit 1
  for k in 0 1 2 3 4 5 6 7; do
    TWINSCORE_NODE_MODULES=/tmp/ref/nm $PYBIN -m twinscore.generate --n $(( GENERATE / 8 )) --seed $(( ${SEED:-7000} + k )) ${FOCUS:+--focus $FOCUS} --out /tmp/gen/$k.jsonl &
  done
  wait
  GENERATED=(--generated /tmp/gen/*.jsonl)
  log "generated"
fi
$PYBIN training/lease/unpack.py $DATA ${LIMIT:+--limit $LIMIT} "${GENERATED[@]}" 2>&1 | tee -a "$OUT/train.log"
[ -s $DATA/train.jsonl ] || exit 1
log "data ready"
# name:hidden:layers:heads:lr:batch[:tok or tok-groups], trained side by side by sweep.sh
CONFIGS=${CONFIGS:-"L256:128:4:4:1e-3:256 L1024:128:4:4:2e-3:1024"}
CANDIDATES=()
for c in $CONFIGS; do
  IFS=: read -r name hidden layers heads lr batch tok <<<"$c"
  CANDIDATES+=("$name:$hidden:$layers:$heads:$lr:$batch:/tmp/tokx/${tok:-tok}")
done
log "start ${CANDIDATES[*]}"
DATA=$DATA RUNS=/tmp/runs MINUTES=$MINUTES PY=$PYBIN bash training/sweep.sh "${CANDIDATES[@]}" 2>&1 | tee -a "$OUT/train.log"
grep -v "examples/s" /tmp/runs/sweep.log >> "$OUT/train.log"
log "all runs ended"
cd /tmp/runs && tar cf /tmp/models.tar --exclude=base-tiny --exclude='checkpoint-*' summary.json $(for c in $CONFIGS; do echo ${c%%:*}; done) && split -b 15M -d /tmp/models.tar "$OUT/models.tar.part-" && sha256sum /tmp/models.tar | tee -a "$OUT/train.log"
log "done"
ls -la "$OUT"
