#!/usr/bin/env bash
# Regenerate the data and retrain the app's default model (public/models/twin-default)
# from scratch with our own pipeline, then evaluate it against the rule baseline and
# write its MODEL_CARD.md:
#   generate + build-dataset (split by entity) -> train (TRL RewardTrainer, Qwen2 from
#   random init) -> export (ONNX, int8, parity, threshold on validation) -> evaluate
#   (test split, per error class, vs baseline) -> model card.
# Usage: bash training/train-default-model.sh        (after bash scripts/setup.sh)
# On a CPU it runs one intra-op thread: with more, PyTorch's threads spin against
# anything else on the machine and a shared 2-core box trains several times slower.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=${NAME:-twin-default}
# Steps and batch are those of the shipped model, trained on one H200 (about 11 minutes
# there). On a CPU the same recipe takes days; the trainer picks CUDA when present.
STEPS=${STEPS:-6039}
STEPS2=${STEPS2:-4592}
BATCH=${BATCH:-1024}
DATA=data/$NAME
RUN=runs/$NAME
export PYTHONPATH=training
PY=.venv/bin/python
if "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
  LOADERS="--dataloader_num_workers 2 --dataset_num_proc $(nproc)"
else
  export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
  LOADERS="--dataset_num_proc 1"
fi

# The shipped weights were trained and tested on this command's records before two changes to
# the generator (the wider names, and wrong area codes half of them from the same province):
# rerun now, it draws today's records, and the shipped model scores 97.3 % on its test split
# (training/default-model-notes.md).
"$PY" -m twinscore.build_dataset --generate 600000 --val_size 0.01 --test_size 0.02 --seed 20261125 --strict --out "$DATA"
rm -rf "$RUN-phase1" "$RUN-phase2"
# Phase 1: from random initialisation, with every place name one token (the shipped
# weights; --tiny_digit_groups, an area code and a postcode's province digits one token
# each too, is the next thing to try: training/GPU.md). Hidden 128 x 4 layers: as good
# as hidden 256 in an earlier sweep at a third of the browser cost. Batch 1024 at 2e-3
# beat batch 256 at 1e-3 side by side in the same seven GPU minutes, on 2.7 times the
# records (training/default-model-notes.md).
"$PY" -m twinscore.train --dataset_name "$DATA" --dataset_test_split validation --output_dir "$RUN-phase1" --tiny \
  --tiny_place_tokens --tiny_vocab_size 8000 --tiny_hidden_size 128 --tiny_layers 4 --tiny_heads 4 --max_length 128 \
  --max_steps "$STEPS" --per_device_train_batch_size "$BATCH" --per_device_eval_batch_size 512 \
  --learning_rate 2e-3 --warmup_steps 200 --lr_scheduler_type cosine --weight_decay 0.01 \
  --logging_steps 100 --eval_strategy no --save_strategy steps --save_steps 500 --save_total_limit 2 \
  --report_to none --seed 1 $LOADERS
# Phase 2: phase 1's weights at a lower rate, once its cosine had run out while the loss
# was still falling (validation accuracy 92.3 % -> 95.4 %).
"$PY" -m twinscore.train --model_name_or_path "$RUN-phase1" --dataset_name "$DATA" --dataset_test_split validation \
  --output_dir "$RUN-phase2" --max_length 128 \
  --max_steps "$STEPS2" --per_device_train_batch_size "$BATCH" --per_device_eval_batch_size 512 \
  --learning_rate 1e-3 --warmup_steps 50 --lr_scheduler_type cosine --weight_decay 0.01 \
  --logging_steps 100 --eval_strategy no --save_strategy steps --save_steps 500 --save_total_limit 2 \
  --report_to none --seed 3 $LOADERS
# Fine-tuning rounds on fresh records weighted towards the classes phase 2 still missed
# (the lookups, duplicated segments), none of them in the validation or test splits
# (--exclude). Each round starts from the last one's weights with a short cosine
# schedule at a tenth of phase 2's rate. The shipped model ran them on a 2-core CPU
# (60 minutes for the second). Its phases 1 and 2 and its first round saw the generator's names
# before they were widened (training/default-model-notes.md); from scratch every
# phase sees the wider names.
# tune FROM TO DATA STEPS LR TRAIN_SEED WARMUP BATCH [TRAIN OPTIONS...]: a short cosine
# schedule from FROM's weights (options after the eighth override it), without gradient
# checkpointing (a model this small does not need it; on a CPU it cost 4.7 s a step
# against 2.75).
tune() {
  rm -rf "$2"
  "$PY" -m twinscore.train --model_name_or_path "$1" --dataset_name "$3" --output_dir "$2" \
    --max_length 128 --max_steps "$4" --per_device_train_batch_size "$8" --learning_rate "$5" \
    --warmup_steps "$7" --lr_scheduler_type cosine --weight_decay 0.01 --gradient_checkpointing false \
    --logging_steps 100 --eval_strategy no --save_strategy steps --save_steps 1000 --save_total_limit 1 \
    --report_to none --seed "$6" $LOADERS "${@:9}"
}
finetune() {  # finetune FROM TO DATA_SEED FOCUS STEPS LR TRAIN_SEED: a round on 300,000 fresh records
  "$PY" -m twinscore.build_dataset --generate 300000 --focus "$4" --exclude "$DATA" \
    --val_size 0 --test_size 0 --seed "$3" --strict --out "$DATA-$2"
  tune "$1" "$RUN-$2" "$DATA-$2" "$5" "$6" "$7" 30 256
}
finetune "$RUN-phase2" focus1 20261126 area_code_city=4,district_not_in_city=4,postcode_region=4 1000 2e-4 5
finetune "$RUN-focus1" focus2 20261127 area_code_city=3,district_not_in_city=4,postcode_region=3,duplicated_segment=2 1300 1.5e-4 7
# The lease phase: round 2's weights on 960,000 fresh records at batch 1024, on a GPU
# (the shipped model: one H100 lent for ten minutes, training/lease/finetune.sh, 330 s
# and then 102 s of training). A million distinct records seen three times did what the
# CPU rounds could not: district 71.5 -> 95.0 %, area code 82.6 -> 91.1 % on the test
# split. Its records came from 16 generator processes (seeds 8000-8015, each less any
# record like a held-out one); here one build-dataset run draws the same mix.
"$PY" -m twinscore.build_dataset --generate 960000 --wrong_share 0.45 \
  --focus area_code_city=2,district_not_in_city=3,postcode_region=2 --exclude "$DATA" \
  --val_size 0 --test_size 0 --seed 8000 --strict --out "$DATA-lease"
# 1e-3 beat 4e-4 side by side (validation 98.5 % against 98.1 %); the second run goes on
# at a fifth of the rate on the same records (98.7 %).
tune "$RUN-focus2" "$RUN-lease" "$DATA-lease" 2973 1e-3 5 100 "$BATCH"
tune "$RUN-lease" "$RUN-lease2" "$DATA-lease" 1640 2e-4 6 20 "$BATCH"
# The area code as one token (training/GPU.md): the lease's weights knew a code's province
# (its first digits) but not its city, 6 % of codes from the record's own province caught.
# Its tokenizer has every area code as a token; twinscore.regroup puts that split back and
# starts each code's row from its city's. Then three rounds, on a 2-core CPU for the
# shipped model, on records with each wrong one's correct twin beside it (--twins: for a
# wrong area code, the same record with the city's own), the area code weighed 5 and 8:
# a cosine round, a constant one, and one held at 3e-4 that decays over its last 900 steps.
"$PY" -m twinscore.regroup --model_dir "$RUN-lease2" --out "$RUN-regrouped"
twins() {  # twins SEED N WRONG_SHARE FOCUS: N fresh records, each wrong one followed by its twin
  "$PY" -m twinscore.build_dataset --generate "$2" --twins --wrong_share "$3" --focus "$4" \
    --exclude "$DATA" --val_size 0 --test_size 0 --seed "$1" --strict --out "$DATA-twins$1"
}
LOOKUPS=district_not_in_city=2,postcode_region=2,duplicated_segment=2
twins 9100 360000 0.55 "area_code_city=5,$LOOKUPS"
tune "$RUN-regrouped" "$RUN-twins1" "$DATA-twins9100" 2000 4e-4 11 30 256
twins 9200 180000 0.55 "area_code_city=5,$LOOKUPS"
tune "$RUN-twins1" "$RUN-twins2" "$DATA-twins9200" 700 3e-4 13 20 256 --lr_scheduler_type constant_with_warmup
twins 9300 520000 0.55 "area_code_city=8,$LOOKUPS"
tune "$RUN-twins2" "$RUN-twins3" "$DATA-twins9300" 2800 3e-4 9301 30 256 \
  --lr_scheduler_type warmup_stable_decay --lr_scheduler_kwargs '{"num_decay_steps": 900}'
# Two repair rounds at a third of that rate for what the regrouping cost (phone length,
# the district, postcode region): 600 steps on the 55 % wrong mix with those weighed 3-4,
# then 1,500 on a 45 % wrong one, which gave back the false alarms the first had added.
REPAIR=phone_length=4,district_not_in_city=3,postcode_region=3,duplicated_segment=2
twins 9400 150000 0.55 "area_code_city=4,$REPAIR"
tune "$RUN-twins3" "$RUN-twins4" "$DATA-twins9400" 600 1e-4 9401 20 256
twins 9500 260000 0.45 "area_code_city=3,$REPAIR,digits_in_address=2"
tune "$RUN-twins4" "$RUN-twins5" "$DATA-twins9500" 1500 1e-4 9501 30 256
# Hard wrong area codes (twinscore.mine_area_codes): the repaired model knew most of the
# 96,380 (city, another city's code) pairs and passed a few of them everywhere (0996 in
# 275 cities' records), so uniform draws spent its area-code records on pairs it knew.
# Each round probes every pair once, draws wrong records weighed by the model's
# P(correct) on them (at least 0.01), each with its twin, and trains on them beside fresh
# --twins records that keep the other classes (the ones the first round let slip weighed
# more in the second).
hard() {  # hard FROM TO MINE_SEED N TWINS_SEED TWINS_N FOCUS STEPS LR TRAIN_SEED
  "$PY" -m twinscore.mine_area_codes --model_dir "$1" --n "$4" --seed "$3" --exclude "$DATA" --out "$DATA-hard$3/hard.jsonl"
  twins "$5" "$6" 0.45 "$7"
  "$PY" -m twinscore.build_dataset "$DATA-hard$3/hard.jsonl" "$DATA-twins$5/records/train.jsonl" \
    --val_size 0 --test_size 0 --seed "$3" --out "$DATA-hard$3"
  tune "$1" "$2" "$DATA-hard$3" "$8" "$9" "${10}" 30 256
}
hard "$RUN-twins5" "$RUN-hard1" 5150 120000 9800 240000 \
  "area_code_city=2,phone_length=3,district_not_in_city=3,postcode_region=3,duplicated_segment=2,digits_in_address=2" 1200 1.5e-4 5151
hard "$RUN-hard1" "$RUN-hard2" 5252 80000 9900 300000 \
  "phone_length=3,district_not_in_city=3,postcode_region=3,duplicated_segment=3,digits_in_address=2,postcode_length=2" 1000 1e-4 5252
# The second lease phase (one H200, 7.6 minutes of training in a lease of 13;
# training/lease/finetune.sh with pack.py --extra): hard-2's weights on 1,159,000 records
# from 16 generator processes (seeds 20000-20015, each wrong record with its twin, the
# weakest classes weighed 2-3) and 120,000 wrong area codes mined from hard-2 beside
# them, at batch 1024: 2,700 steps at 2.5e-4 (1e-4 side by side: validation 99.19
# against 99.35 %), then 3,000 at 5e-5 on the same records (99.37 %).
LEASE5=phone_length=2,district_not_in_city=3,postcode_region=3,duplicated_segment=3,digits_in_address=2,postcode_length=2
"$PY" -m twinscore.mine_area_codes --model_dir "$RUN-hard2" --n 60000 --seed 5353 --exclude "$DATA" --out "$DATA-lease5/mined.jsonl"
for k in $(seq 0 15); do
  "$PY" -m twinscore.generate --n 50000 --seed $(( 20000 + k )) --twins --wrong_share 0.45 --focus "$LEASE5" \
    --out "$DATA-lease5/gen-$k.jsonl"
done
"$PY" -m twinscore.build_dataset "$DATA-lease5"/gen-*.jsonl "$DATA-lease5/mined.jsonl" --exclude "$DATA" \
  --val_size 0 --test_size 0 --seed 20000 --out "$DATA-lease5"
tune "$RUN-hard2" "$RUN-lease5" "$DATA-lease5" 2700 2.5e-4 5 100 "$BATCH"
tune "$RUN-lease5" "$RUN-lease5b" "$DATA-lease5" 3000 5e-5 7 50 "$BATCH"
# The records it gets wrong or only just right (twinscore.mine_hard; CPU, 35 minutes):
# its false alarms were mostly names and towns holding 码, 号, 邮 or 乡. 200,000 fresh
# records (two seeds, 30 % wrong, with twins) scored by lease5b; every record of an entity
# holding a correct record under 0.95 or a wrong one over 0.2 (2,327 entities, 6,470
# records), beside 60,000 of the others; 560 steps of 256 at 3e-5. The shipped run's
# scores came from two threads, these from one: a record at a bound may fall the other way.
for k in 0 1; do
  "$PY" -m twinscore.generate --n 100000 --seed $(( 30000 + k )) --twins --wrong_share 0.3 --out "$DATA-minehard/gen-$k.jsonl"
done
"$PY" -m twinscore.mine_hard "$DATA-minehard"/gen-0.jsonl "$DATA-minehard"/gen-1.jsonl --model_dir "$RUN-lease5b" \
  --replay 60000 --seed 30000 --exclude "$DATA" --out "$DATA-minehard/mined.jsonl"
"$PY" -m twinscore.build_dataset "$DATA-minehard/mined.jsonl" --exclude "$DATA" --val_size 0 --test_size 0 \
  --seed 30000 --out "$DATA-minehard"
tune "$RUN-lease5b" "$RUN-minehard" "$DATA-minehard" 560 3e-5 30001 20 256
# mined FROM DIR SEED AREA_SEED [AREA_N REPLAY]: the two sets the last round and the lease
# phases trained on, into DIR: mined.jsonl, the records FROM gets wrong or only just right
# of 100,000 fresh ones with their twins (30 % wrong, seeds SEED and SEED+1) and REPLAY
# (40,000) of the rest replayed; area.jsonl, AREA_N (20,000) wrong area codes drawn by
# FROM's P(correct), each with its twin and a correct record of the code's own city.
mined() {
  for k in 0 1; do
    "$PY" -m twinscore.generate --n 50000 --seed $(( $3 + k )) --twins --wrong_share 0.3 --out "$2/hard-$k.jsonl"
  done
  "$PY" -m twinscore.mine_hard "$2"/hard-0.jsonl "$2"/hard-1.jsonl --model_dir "$1" --replay "${6:-40000}" --seed "$3" \
    --exclude "$DATA" --out "$2/mined.jsonl"
  "$PY" -m twinscore.mine_area_codes --model_dir "$1" --n "${5:-20000}" --seed "$4" --owners --exclude "$DATA" \
    --out "$2/area.jsonl"
}
# A last round, halved with the weights it began from (a model soup; CPU, 45 minutes): the
# records minehard gets wrong or only just right (130,000 fresh ones with their twins, 30 %
# wrong: 1,308 entities and 40,000 replayed) beside 20,000 mined wrong area codes, each with
# its twin and a correct record of the code's own city (--owners); 400 steps of 256 at 2e-5.
# The round alone caught more wrong codes and flagged more correct landlines; the mean of
# its weights and minehard's kept the one and gave back the other (on 20,000 fresh records:
# wrong codes missed 9 -> 6 of 1,042, false alarms 26 -> 20 of 13,921). The shipped round
# started from minehard's weights as unexported from the model it shipped (twinscore.unexport,
# bit for bit).
mined "$RUN-minehard" "$DATA-soup" 40000 6464
"$PY" -m twinscore.build_dataset "$DATA-soup/mined.jsonl" "$DATA-soup/area.jsonl" --exclude "$DATA" --val_size 0 \
  --test_size 0 --seed 40000 --out "$DATA-soup"
tune "$RUN-minehard" "$RUN-soupround" "$DATA-soup" 400 2e-5 40001 20 256
"$PY" -m twinscore.average "$RUN-minehard" "$RUN-soupround" --out "$RUN-soup"
# The shipped weights were regrouped with the first area-code pattern, which also cut the
# middle group of a mobile written 189-0477-0977 and read another city's code there (a
# quarter of the false alarms on fresh records); `twinscore.regroup --recut` gave the soup
# the mended pattern, no training (default-model-notes.md). This script's regroup above
# writes the mended pattern from the start, so its rounds train on it and need no recut.

# The third lease phase (one H200, 6.6 minutes of training in a lease of 12.9;
# training/lease/finetune.sh with pack.py --extra, then finetune-more.sh): the soup's
# weights on 1,120,000 records from 16 generator processes (seeds 30000-30015, 40 % wrong,
# each wrong record with its twin, the classes still under the baseline on fresh records
# weighed 2-3) beside the two sets a CPU round had mined from the soup: the records it
# gets wrong or only just right, and 20,000 wrong area codes, each with its twin and a
# correct record of the code's own city. At batch 1024: 3,000 steps at 3e-4 (1.5e-4 side
# by side: validation 99.53 against 99.58 %), then 1,500 at 5e-5 on the same records
# (99.63 %). On 100,000 fresh records false alarms 65 -> 32 and wrong records passed
# 276 -> 217; halving it with the soup, as the last CPU round was, gave some of that back.
mined "$RUN-soup" "$DATA-lease6" 40004 6666
LEASE6=area_code_city=3,phone_length=2,phone_letters=2,district_not_in_city=2,postcode_region=2,duplicated_segment=2
for k in $(seq 0 15); do
  "$PY" -m twinscore.generate --n 50000 --seed $(( 30000 + k )) --twins --wrong_share 0.4 --focus "$LEASE6" \
    --out "$DATA-lease6/gen-$k.jsonl"
done
"$PY" -m twinscore.build_dataset "$DATA-lease6"/gen-*.jsonl "$DATA-lease6/mined.jsonl" "$DATA-lease6/area.jsonl" \
  --exclude "$DATA" --val_size 0 --test_size 0 --seed 30000 --out "$DATA-lease6"
tune "$RUN-soup" "$RUN-lease6" "$DATA-lease6" 3000 3e-4 5 100 "$BATCH"
tune "$RUN-lease6" "$RUN-lease6b" "$DATA-lease6" 1500 5e-5 6 50 "$BATCH"
FINAL=$RUN-lease6b

# Two rounds on a 2-core CPU after it (no GPU was lent; 25 minutes of training each), each
# averaged with the weights it began from. The lease's model passed 1.5 % of the 7-digit
# postcodes written first (0.13 % elsewhere; that layout is about 3 % of postcode records)
# and 0.27 % of the 96,380 wrong (city, code) pairs. Each round: the records that begin
# with the postcode among 600,000 fresh ones (half wrong, postcode length weighed 20, with
# their twins; generate --lead postcode: 23,000), 30,000 wrong area codes mined from the
# round's start with their twins and owners, and 60,000 fresh records of the natural mix
# with their twins; 700 steps of 256 at 3e-5. Three quarters of the first round with a
# quarter of its start, then half and half of the second and its start: on a fresh probe
# of 7,248 wrong area codes passed 28 -> 16 -> 14, of 686 seven-digit postcodes written
# first 10 -> 4 -> 2, false alarms on 20,000 fresh records 3 -> 3 -> 4 (default-model-notes.md).
cpu_round() {  # cpu_round FROM TO GEN_SEED MINE_SEED ROUND_SHARE START_SHARE
  mkdir -p "$DATA-$2"
  "$PY" -m twinscore.generate --n 600000 --seed "$3" --wrong_share 0.5 --twins --focus postcode_length=20 \
    --lead postcode --out "$DATA-$2/pc-first.jsonl"
  "$PY" -m twinscore.generate --n 60000 --seed $(( $3 + 1 )) --wrong_share 0.3 --twins --out "$DATA-$2/gen.jsonl"
  "$PY" -m twinscore.mine_area_codes --model_dir "$1" --n 30000 --seed "$4" --owners --exclude "$DATA" \
    --out "$DATA-$2/area.jsonl"
  "$PY" -m twinscore.build_dataset "$DATA-$2/pc-first.jsonl" "$DATA-$2/area.jsonl" "$DATA-$2/gen.jsonl" \
    --exclude "$DATA" --val_size 0 --test_size 0 --seed $(( $3 + 2 )) --out "$DATA-$2"
  tune "$1" "$RUN-$2-round" "$DATA-$2" 700 3e-5 $(( $3 + 3 )) 20 256
  "$PY" -m twinscore.average "$RUN-$2-round" "$1" --weights "$5" "$6" --out "$RUN-$2"
}
cpu_round "$RUN-lease6b" postfirst1 91003 80808 0.75 0.25
cpu_round "$RUN-postfirst1" postfirst2 91013 80811 0.5 0.5

# Three rounds on the junk symbols' embedding rows alone (CPU; 8, 16 and 16 minutes; row_rounds below). The
# tokenizer merged 1,398 runs of junk symbols into single tokens, most of them rare in
# records whose junk is drawn 1-4 symbols at a time, and postfirst2 passed 2.8 % of junk
# records made of the rarest against none of those made of tokens seen ten times.
# --train_only_token_rows junk_symbols trains those rows and nothing else: a correct
# record holds none of them and scores exactly as before, and pairs without one are
# dropped. First on 60,000 records whose junk is one of those tokens, each as likely
# (generate --junk_from, junk weighed 30, with twins) beside 60,000 of the natural mix
# (whose junk records hold such tokens too), 300 steps of 256 at 3e-4; then twice on the
# junk records the last round still passes at P > 0.001 among 150,000 fresh ones (597-1,085,
# with the other record of their entity; each written 8 times) beside 30,000 of the rest,
# 600 steps at 3e-4. On fresh probes of 7,867 such records passed 26 -> 8 -> 2 -> 2, of
# 15,000 whose junk is a whole town's name (宁晋县|$#镇) 42 -> 21 -> 5 -> 4.
# row_rounds FROM TO CLASS SEED ROUNDS MINED_N MINED_STEPS [GENERATE_ARGS...]: rounds on
# CLASS's token rows alone (--train_only_token_rows CLASS). The first on 60,000 records with
# CLASS weighed 30 (with twins) beside 60,000 of the natural mix, 300 steps of 256 at 3e-4;
# then ROUNDS more, each on the CLASS records the round before still passes at P > 0.001
# among MINED_N fresh ones (with their entity's other record, written 8 times) beside
# 30,000 of the rest, MINED_STEPS steps at 3e-4. GENERATE_ARGS go to every generate that
# draws CLASS; the seeds follow from SEED.
row_rounds() {
  local from=$1 to=$2 class=$3 seed=$4 rounds=$5 n=$6 steps=$7 k
  shift 7
  mkdir -p "$DATA-$to"
  "$PY" -m twinscore.generate --n 60000 --seed $(( seed + 1 )) --wrong_share 0.5 --twins --focus "$class=30" \
    "$@" --out "$DATA-$to/$class.jsonl"
  "$PY" -m twinscore.generate --n 60000 --seed $(( seed + 2 )) --wrong_share 0.3 --twins --out "$DATA-$to/gen.jsonl"
  "$PY" -m twinscore.build_dataset "$DATA-$to/$class.jsonl" "$DATA-$to/gen.jsonl" --exclude "$DATA" --val_size 0 \
    --test_size 0 --seed "$seed" --out "$DATA-$to"
  tune "$from" "$RUN-$to-0" "$DATA-$to" 300 3e-4 $(( seed + 5 )) 20 256 --train_only_token_rows "$class"
  for (( k = 1; k <= rounds; k++ )); do  # round k's seeds: SEED+3+10(k-1) and the three after it
    local s=$(( seed + 3 + 10 * (k - 1) )) mined="$DATA-$to-mined$k"
    mkdir -p "$mined"
    "$PY" -m twinscore.generate --n "$n" --seed "$s" --wrong_share 1 --focus "$class=100000" "$@" --out "$mined/gen.jsonl"
    "$PY" -m twinscore.mine_hard "$mined/gen.jsonl" --model_dir "$RUN-$to-$(( k - 1 ))" --wrong_above 0.001 \
      --correct_below 0.5 --replay 30000 --seed $(( s + 1 )) --exclude "$DATA" --out "$mined/hard.jsonl" \
      --replay_out "$mined/replay.jsonl"
    "$PY" -m twinscore.build_dataset "$mined/hard.jsonl" "$mined/replay.jsonl" --repeat "$mined/hard.jsonl=8" \
      --exclude "$DATA" --val_size 0 --test_size 0 --seed $(( s + 2 )) --out "$mined"
    tune "$RUN-$to-$(( k - 1 ))" "$RUN-$to-$k" "$mined" "$steps" 3e-4 $(( s + 3 )) 20 256 --train_only_token_rows "$class"
  done
}
row_rounds "$RUN-postfirst2" junkrows junk_symbols 92000 2 150000 600 --junk_from "$RUN-postfirst2/tokenizer.json"

# Two rounds on the rows of the tokens with a Latin letter (CPU; 10 and 14 minutes), the
# same way (row_rounds): a correct record spells letters only in the label Tel, and the tokens holding
# Tel (and the prompt's own, "user", "assistant") are left out, so only a phone of letters
# holds a trained token and a correct record scores exactly as before. First on 60,000
# records (phones of letters weighed 30, with twins) beside 60,000 of the natural mix, 300
# steps of 256 at 3e-4; then on the phones of letters it still passes at P > 0.001 among
# 50,000 fresh ones (445), each with its entity's other record written 8 times, beside
# 30,000 of the rest, 400 steps at 3e-4.
row_rounds "$RUN-junkrows-2" letterrows phone_letters 95000 1 50000 400

# An anchored round (CPU; 28 minutes). The aimed pairs train as before; beside them
# 100,000 fresh natural records are held where the round's starting model scores them
# (--anchor_dataset: a frozen copy of it, the squared distance of the two rewards) instead
# of replayed under the pairwise loss, which widens every margin and had traded false
# alarms for the aimed class in each earlier CPU round. It aims at postcodes of 7 digits written first (each with its twin;
# the ones the model still passes at P > 0.001 written 8 times) and 20,000 wrong area codes
# mined from it (with twins and owners). A second round aimed at the area codes alone was
# worse and is not run (training/default-model-notes.md).
A=$DATA-anchored
mkdir -p "$A"
"$PY" -m twinscore.generate --n 1500000 --seed 96200 --wrong_share 1 --focus postcode_length=1000 --lead postcode \
  --twins --out "$A/postcode-first.jsonl"
"$PY" -m twinscore.pick_twins "$A/postcode-first.jsonl" --error_class postcode_length --span_length 7 \
  --model_dir "$RUN-letterrows-1" --wrong_above 0.001 --exclude "$DATA" --out "$A/seven.jsonl" --hard_out "$A/seven-hard.jsonl"
"$PY" -m twinscore.mine_area_codes --model_dir "$RUN-letterrows-1" --n 20000 --seed 96100 --owners --exclude "$DATA" \
  --out "$A/area-1.jsonl"
"$PY" -m twinscore.build_dataset "$A/area-1.jsonl" "$A/seven.jsonl" "$A/seven-hard.jsonl" --repeat "$A/seven-hard.jsonl=8" \
  --val_size 0 --test_size 0 --out "$A/aimed-1"
"$PY" -m twinscore.generate --n 100000 --seed 96300 --out "$A/natural-1.jsonl"
"$PY" -m twinscore.build_dataset "$A/natural-1.jsonl" --val_size 0 --test_size 0 --out "$A/anchors-1"
tune "$RUN-letterrows-1" "$RUN-anchored-1" "$A/aimed-1" 600 1e-4 96400 20 256 --weight_decay 0 \
  --anchor_dataset "$A/anchors-1" --anchor_weight 1

# Two more rounds on the letter tokens' rows (CPU; 8 and 22 minutes), with a phone's letters
# drawn as one of the tokenizer's letter tokens a phone can hold, each as likely
# (--letters_from): drawn a letter at a time, the records reach a two-letter token (za, qj)
# a few times in half a million, and the anchored model passed 12.5 % of phones holding
# such a token. Only letter tokens' rows train, so every record without one scores exactly
# as before. First as row_rounds' first step (300 steps of 256 at 3e-4); then on 200,000
# phones of letters alone, 150,000 of them drawn by token, 800 steps at 1e-3.
# letter_tokens_round FROM TO SEED STEPS: the second of those rounds, into $RUN-TO: 150,000
# phones whose letters are a token of FROM's vocabulary (seed SEED; the rounds on rows leave
# the tokenizer as it was) and 50,000 drawn a letter at a time (SEED+1), STEPS steps of 256
# at 1e-3; further arguments go to the draw by token.
letter_tokens_round() {
  local from=$1 to=$2 seed=$3 steps=$4 d=$DATA-$2
  shift 4
  mkdir -p "$d"
  "$PY" -m twinscore.generate --n 150000 --seed "$seed" --wrong_share 1 --focus phone_letters=100000 \
    --letters_from "$RUN-$from/tokenizer.json" "$@" --out "$d/tokens.jsonl"
  "$PY" -m twinscore.generate --n 50000 --seed $(( seed + 1 )) --wrong_share 1 --focus phone_letters=100000 \
    --out "$d/letters.jsonl"
  "$PY" -m twinscore.build_dataset "$d/tokens.jsonl" "$d/letters.jsonl" --exclude "$DATA" --val_size 0 --test_size 0 \
    --seed $(( seed + 2 )) --out "$d"
  tune "$RUN-$from" "$RUN-$to" "$d" "$steps" 1e-3 $(( seed + 5 )) 20 256 --train_only_token_rows phone_letters
}
row_rounds "$RUN-anchored-1" lettertokens phone_letters 97500 0 0 0 --letters_from "$RUN-anchored-1/tokenizer.json"
letter_tokens_round lettertokens-0 lettertokens-1 97800 800
FINAL=$RUN-lettertokens-1

# The sixth lease phase (one H200, 11.3 minutes of device time; training/lease/finetune.sh
# with pack.py --extra, then finetune-more.sh): the weights above on 700,000 records from 16
# generator processes (seeds 40000-40015, 40 % wrong with their twins, the counting classes
# and the area code weighed 3) beside three sets made here: mined from them (mined():
# 30,000 wrong area codes with twins and owners; the records they get wrong or only just
# right among 130,000 fresh ones, and 30,000 replayed), and 450,000 records whose entity
# carries one of the 1,859 tokens the first split holds rarely (generate --rare_from, half
# wrong, with twins), a dose no CPU round could give. 3,000 steps at 3e-4 (6e-4 side by
# side: 99.58 against 99.50 % of validation pairs), then 1,500 at 5e-5 (99.65 %).
L7=$DATA-lease7
mined "$FINAL" "$L7" 41100 41000 30000 30000
"$PY" -m twinscore.generate --n 300000 --seed 42000 --twins --wrong_share 0.5 \
  --focus area_code_city=3,postcode_length=2,phone_length=2,phone_letters=2 --rare_from "$FINAL/tokenizer.json" \
  --rare_in "$DATA/records/train.jsonl" --out "$L7/rare.jsonl"
LEASE7=area_code_city=3,postcode_length=3,phone_length=3,phone_letters=2,postcode_region=2,duplicated_segment=2
for k in $(seq 0 15); do
  "$PY" -m twinscore.generate --n 31250 --seed $(( 40000 + k )) --twins --wrong_share 0.4 --focus "$LEASE7" \
    --out "$L7/gen-$k.jsonl"
done
"$PY" -m twinscore.build_dataset "$L7"/gen-*.jsonl "$L7/mined.jsonl" "$L7/area.jsonl" "$L7/rare.jsonl" \
  --exclude "$DATA" --val_size 0 --test_size 0 --seed 40000 --out "$L7"
tune "$FINAL" "$RUN-lease7" "$L7" 3000 3e-4 5 100 "$BATCH"
tune "$RUN-lease7" "$RUN-lease7b" "$L7" 1500 5e-5 6 50 "$BATCH"

# The lease moved every weight, so the letter tokens' rows train once more as the last step
# before it did (CPU; 29 minutes): fresh phones of letters passed by token 267 -> 96 of 12,000.
letter_tokens_round lease7b lettertokens-2 43800 800

# And once more with the tokens a phone label's colon makes with the phone's first letters
# (--letters_after_label; CPU, 40 minutes): the byte-level pre-tokenizer cuts 联系电话：lo2-…
# as ：lo, 598 of the vocabulary's letter tokens are such, and the draw above never wrote one
# whole. Fresh phones whose letters open them passed 237 -> 92 of 3,139 (seed 44900).
letter_tokens_round lettertokens-2 lettertokens-3 44800 400 --letters_after_label

# Then the colon cut off the letters instead (regroup --detach_colon keeps every weight): a
# phone's first letters are the same tokens as letters anywhere else in it, ：| lo, which
# the letter rounds trained; no correct record is cut differently. The round after it trains
# the letter rows where they now stand, after a bare colon (CPU, about 55 minutes).
"$PY" -m twinscore.regroup --detach_colon --model_dir "$RUN-lettertokens-3" --out "$RUN-detached"
letter_tokens_round detached lettertokens-4 45800 400 --letters_after_label

# Last, the tokens that swing a verdict from a person's name, where any character is valid
# (twinscore.swing_tokens; about an hour of a 2-core CPU, no training): each of the vocabulary's
# 2,951 hanzi put in the name of 160 validation records. One token, 预, let wrong records
# pass (its row takes the label's attention); its embedding row is reset to the mean row of
# the frequent hanzi. Those that only fail correct records (rare place characters) are
# reported and kept: a reset loses what they say in their own towns.
"$PY" -m twinscore.swing_tokens --model_dir "$RUN-lettertokens-4" --records "$DATA/records/validation.jsonl" \
  --train_records "$DATA/records/train.jsonl" --report "$RUN-lettertokens-4/swing.json" --out "$RUN-swing"
FINAL=$RUN-swing

# The threshold is chosen on the whole validation split, and is 0.5 unless another cut is
# clearly better there: the plain best cut fell at 0.77 for hard-2 on the first 3,000
# records, where validation accuracy is nearly flat, and the test split lost 0.2 points to
# false alarms; at 0.69-0.91 for five candidates of the CPU rounds above on all 6,047, each
# then worse on fresh records than at 0.5. The 6,047 records' fp32 rewards differ from PyTorch's
# by up to 1.4e-4 (float32 rounding on rewards up to 12), over the default 1e-4.
"$PY" -m twinscore.export --model_dir "$FINAL" --dataset "$DATA" --split validation --max_eval 100000 --atol 2e-4 \
  --max_length 128 --name "$NAME" --default
npx tsx src/cli/evaluate.ts --data "$DATA/records/test.jsonl" --model "public/models/$NAME" --out "$FINAL/eval.json"
# 20,000 fresh records beside the test split (a quarter of the wrong ones area codes): the
# last round's soups were compared on them, and at the tail (a few errors in hundreds) they
# say more than the 375 codes of the test split do.
"$PY" -m twinscore.generate --n 20000 --seed 77777 --wrong_share 0.3 --focus area_code_city=3 --out "$DATA-fresh/records.jsonl"
npx tsx src/cli/evaluate.ts --data "$DATA-fresh/records.jsonl" --model "public/models/$NAME" --out "$FINAL/eval-fresh.json"
# 12,000 phones whose letters are a token drawn from the whole vocabulary (the last rounds' probe)
"$PY" -m twinscore.generate --n 12000 --seed 97700 --wrong_share 1 --focus phone_letters=100000 \
  --letters_from "$RUN-anchored-1/tokenizer.json" --out "$DATA-letters-probe/records.jsonl"
npx tsx src/cli/evaluate.ts --data "$DATA-letters-probe/records.jsonl" --model "public/models/$NAME" --out "$FINAL/eval-letters.json"
# 12,000 more, a quarter of them with the letters opening the phone after the label's colon (：lo)
"$PY" -m twinscore.generate --n 12000 --seed 44900 --wrong_share 1 --focus phone_letters=100000 \
  --letters_from "$FINAL/tokenizer.json" --letters_after_label --out "$DATA-colon-probe/records.jsonl"
npx tsx src/cli/evaluate.ts --data "$DATA-colon-probe/records.jsonl" --model "public/models/$NAME" --out "$FINAL/eval-colon.json"
# 6,000 real towns of another city written under the record's own (right) district, each
# with its twin: the rules call them district_not_in_city, the generator's default mix never
# writes one, and no round above trained on them (generate --foreign_towns)
"$PY" -m twinscore.generate --n 6000 --seed 98400 --wrong_share 1 --focus district_not_in_city=100000 --foreign_towns 1 \
  --twins --out "$DATA-towns-probe/records.jsonl"
npx tsx src/cli/evaluate.ts --data "$DATA-towns-probe/records.jsonl" --model "public/models/$NAME" --out "$FINAL/eval-towns.json"
# The records holding 预 among 449,561 drawn by the training split's rare tokens, with twins
# (seed 46300; 265 of them): the character whose row took the label's attention until
# swing_tokens reset it
"$PY" -m twinscore.generate --n 300000 --seed 46300 --wrong_share 0.5 --twins --rare_from "$FINAL/tokenizer.json" \
  --rare_in "$DATA/records/train.jsonl" --rare_below 100 --out "$DATA-rare/records.jsonl"
mkdir -p "$DATA-yu-probe" && grep 预 "$DATA-rare/records.jsonl" > "$DATA-yu-probe/records.jsonl"
npx tsx src/cli/evaluate.ts --data "$DATA-yu-probe/records.jsonl" --model "public/models/$NAME" --out "$FINAL/eval-yu.json"
"$PY" -m twinscore.model_card --model "public/models/$NAME" --eval "$FINAL/eval.json" --dataset "$DATA" \
  --command "bash training/train-default-model.sh" --notes "$(cat training/default-model-notes.md 2>/dev/null || true)" \
  --also "20,000 fresh records (twinscore.generate --seed 77777)=$FINAL/eval-fresh.json" \
  --also "12,000 phones with letters drawn by token (twinscore.generate --letters_from, seed 97700)=$FINAL/eval-letters.json" \
  --also "12,000 phones with letters drawn by token, the label's colon joined too (--letters_after_label, seed 44900)=$FINAL/eval-colon.json" \
  --also "6,000 towns of another city under the record's own district, with twins (twinscore.generate --foreign_towns 1, seed 98400)=$FINAL/eval-towns.json" \
  --also "The 265 records holding 预 of 449,561 drawn by rare tokens, with twins (twinscore.generate --rare_from, seed 46300)=$FINAL/eval-yu.json"
# the demo sample (issue 7): generated records of entities unseen in training
"$PY" -m twinscore.generate --n 400 --seed 99 --out public/samples/demo.csv
