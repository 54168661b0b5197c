"""build-dataset: labelled records -> train.jsonl / test.jsonl TRL preference pairs.

    twinscore-build-dataset records.csv --out data/my-dataset
    twinscore-build-dataset --toy 2000 --out data/toy     # generated toy records

The output folder loads with ``datasets.load_dataset(<folder>)`` (splits from the file
names), which is what ``twinscore-train --dataset_name <folder>`` does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .dataset import deduplicate, split, write_pairs
from .merge import merge_into_base
from .records import RecordsError, read_records
from .toy import toy_records


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="twinscore-build-dataset", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", help="labelled record files: .csv .tsv .jsonl .json .parquet")
    p.add_argument("--out", required=True, help="output folder for train.jsonl and test.jsonl")
    p.add_argument("--text_column", default="text", help="column holding the record (CSV/JSONL/parquet)")
    p.add_argument("--label_column", default="label", help="column holding correct/wrong (also 正确/错误, 1/0, true/false)")
    p.add_argument("--test_size", type=float, default=0.2, help="fraction of records held out for evaluation")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--margin", type=float, default=None, help="add a constant 'margin' column to every pair")
    p.add_argument("--toy", type=int, default=0, metavar="N", help="add N generated toy records (for tests and demos)")
    p.add_argument("--base", metavar="FOLDER", help="an existing dataset folder to merge into (its records keep their split)")
    p.add_argument("--corrections", nargs="+", default=[], metavar="JSONL",
                   help="reviewed corrections exported from the app, oldest first: later decisions win")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.inputs and not args.toy and not args.base and not args.corrections:
        print("build-dataset: give at least one input file, --toy N, --base or --corrections", file=sys.stderr)
        return 2
    try:
        records = [r for path in args.inputs for r in read_records(path, args.text_column, args.label_column)]
    except RecordsError as e:
        print(f"build-dataset: {e}", file=sys.stderr)
        return 1
    records += toy_records(args.toy, seed=args.seed)
    kept, duplicates, conflicts = deduplicate(records)
    if conflicts:
        print(f"build-dataset: dropped {len(conflicts)} record(s) labelled both correct and wrong, e.g. {conflicts[0]!r}", file=sys.stderr)
    if args.base or args.corrections:
        try:
            train, test, report = merge_into_base(args.base, kept, args.corrections, args.test_size, args.seed)
        except RecordsError as e:
            print(f"build-dataset: {e}", file=sys.stderr)
            return 1
        kept = train + test
        print(f"build-dataset: merged: {report}")
    else:
        train, test = split(kept, args.test_size, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_pairs(out / "train.jsonl", train, args.margin)
    write_pairs(out / "test.jsonl", test, args.margin)
    n_correct = sum(r.correct for r in kept)
    print(
        f"build-dataset: {len(records)} read, {duplicates} exact duplicates dropped, "
        f"{len(kept)} kept ({n_correct} correct / {len(kept) - n_correct} wrong) -> "
        f"{out}/train.jsonl ({len(train)}), {out}/test.jsonl ({len(test)})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
