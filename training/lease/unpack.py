"""On the lent machine: rebuild the preference JSONL with the pipeline's own to_pair/pair_line.

    python training/lease/unpack.py OUT_DIR [--limit N] [--generated a.jsonl b.jsonl ...] [--extra .gpu/extra.xz]

The training split comes from .gpu/records.xz, or, with --generated and --extra, from
records the generator wrote there (pack.py --generate_there) and records carried from
here (pack.py --extra: mined ones), less any whose text hashes like a validation or
test record's, so the held-out splits stay unseen. Prints each file's SHA-256.
"""
import argparse, hashlib, json, lzma
from pathlib import Path
from twinscore.dataset import to_pair, pair_line
from pack import held_out_key  # training/lease/pack.py, beside this script

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--limit", type=int, help="records per split (local dry runs)")
ap.add_argument("--generated", nargs="*", default=[])
ap.add_argument("--packed", default=".gpu/records.xz", help="records.xz written by pack.py")
ap.add_argument("--extra", help="extra.xz written by pack.py --extra: compact [text, label] lines")
args = ap.parse_args()
out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
packed = json.loads(lzma.open(args.packed).read().decode())
splits = {k: [json.loads(line) for line in v.splitlines()] for k, v in packed.items() if k != "held_out"}
if args.generated or args.extra:
    held_out = set(packed["held_out"].split())
    # finetune.sh sums the "generated" lines of its generator processes and logs the "carried" one
    sources = []
    if args.generated:
        generated = [json.loads(line) for f in args.generated for line in open(f, encoding="utf-8")]
        sources.append(("generated {}", [[r["text"], r["label"]] for r in generated]))
    if args.extra:
        sources.append(("carried {} records (pack.py --extra)", [json.loads(line) for line in lzma.open(args.extra, "rt", encoding="utf-8")]))
    splits["train"] = []
    for what, rows in sources:
        kept = [r for r in rows if held_out_key(r[0]) not in held_out]
        print(f"{what.format(len(rows))}, {len(rows) - len(kept)} dropped as like a held-out record")
        splits["train"] += kept
for split, rows in splits.items():
    rows = rows[:args.limit]
    with (out / f"{split}.jsonl").open("w", encoding="utf-8") as f:
        for record, label in rows:
            f.write(pair_line(to_pair(record, label == "correct")) + "\n")
    print(split, len(rows), hashlib.sha256((out / f"{split}.jsonl").read_bytes()).hexdigest())
