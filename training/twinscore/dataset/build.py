"""build-dataset: labelled records -> train.jsonl / test.jsonl TRL preference pairs.

    twinscore-build-dataset records.csv --out data/my-dataset
    twinscore-build-dataset --toy 2000 --out data/toy     # generated toy records
    twinscore-build-dataset --generate 200000 --val_size 0.05 --test_size 0.05 --out data/twin
        # realistic records with the error taxonomy (generate.py), split by entity

Before writing, it prints diagnostics (duplicates, records labelled both ways, balance,
per-class counts, lengths, diversity) and writes them to diagnostics.json; a dataset
too uniform to learn from gets a warning, or with --strict is refused.

The output folder loads with ``datasets.load_dataset(<folder>)`` (splits from the file
names), which is what ``twinscore-train --dataset_name <folder>`` does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import json

from .pairs import deduplicate, split, split_by_group, write_pairs
from .diagnostics import diagnose
from .merge import merge_into_base
from .read import RecordsError, read_records
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
    p.add_argument("--generate", type=int, default=0, metavar="N", help="add N realistic generated records (twinscore-generate), split by entity")
    p.add_argument("--focus", default="", metavar="CLASS=W,...", help="with --generate: weigh these error classes (others weigh 1), e.g. district_not_in_city=4")
    p.add_argument("--wrong_share", type=float, default=0.5, help="with --generate: the share of wrong records (the rest are correct)")
    p.add_argument("--twins", action="store_true", help="with --generate: add each wrong record's correct twin, the same record without its error (twinscore-generate --twins)")
    p.add_argument("--hold_out", default="", metavar="STYLE,...",
                   help="with --generate: write no record in these writing styles (twinscore-generate --hold_out), to measure a model on styles it never saw")
    p.add_argument("--exclude", nargs="+", default=[], metavar="FOLDER",
                   help="drop every record whose text is in these dataset folders' validation/test splits, "
                        "so a fine-tuning set of fresh records never holds an evaluation record")
    p.add_argument("--val_size", type=float, default=0.0, help="fraction held out as validation.jsonl (the export picks the threshold on it); splits by entity")
    p.add_argument("--strict", action="store_true", help="refuse (exit 1) when the diagnostics find the data too uniform to learn from")
    p.add_argument("--base", metavar="FOLDER", help="an existing dataset folder to merge into (its records keep their split)")
    p.add_argument("--repeat", action="append", default=[], metavar="FILE=K",
                   help="write the training pairs of this input's records K times (a few hundred mined hard records "
                        "beside a replay of tens of thousands); other splits and the diagnostics count each record once")
    p.add_argument("--corrections", nargs="+", default=[], metavar="JSONL",
                   help="reviewed corrections exported from the app, oldest first: later decisions win")
    return p


def held_out_texts(folders: list[str]) -> set[str]:
    """The texts of the validation and test splits of dataset folders made by build-dataset."""
    texts: set[str] = set()
    for folder in map(Path, folders):
        files = [folder / f"{s}.jsonl" for s in ("validation", "test") if (folder / f"{s}.jsonl").exists()]
        if not files:
            raise RecordsError(f"--exclude {folder}: no validation.jsonl or test.jsonl there (a folder made by twinscore-build-dataset)")
        texts.update(r.text for f in files for r in read_records(f))
    return texts


def parse_repeat(specs: list[str], inputs: list[str]) -> dict[str, int]:
    """--repeat FILE=K options as {input path: K}; FILE must be one of the inputs, K a whole number >= 1."""
    repeat: dict[str, int] = {}
    for spec in specs:
        path, eq, count = spec.rpartition("=")
        if not eq or not path:
            raise ValueError(f"--repeat {spec}: expected FILE=K, e.g. hard.jsonl=8")
        if path not in inputs:
            raise ValueError(f"--repeat {spec}: {path} is not one of the input files ({', '.join(inputs) or 'none given'})")
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"--repeat {spec}: K must be a whole number of copies, 1 or more, not {count!r}")
        repeat[path] = int(count)
    return repeat


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.inputs and not args.toy and not args.generate and not args.base and not args.corrections:
        print("build-dataset: give at least one input file, --toy N, --generate N, --base or --corrections", file=sys.stderr)
        return 2
    focus: dict[str, float] = {}
    if args.generate:
        from ..records.generate import parse_focus, parse_styles

        try:
            focus = parse_focus(args.focus)
            args.hold_out = parse_styles(args.hold_out, "--hold_out")
            if not 0 < args.wrong_share < 1:
                raise ValueError(f"--wrong_share must lie strictly between 0 and 1, got {args.wrong_share:g}")
        except ValueError as e:
            print(f"build-dataset: {e}", file=sys.stderr)
            return 2
    try:
        args.repeat = parse_repeat(args.repeat, args.inputs)
    except ValueError as e:
        print(f"build-dataset: {e}", file=sys.stderr)
        return 2
    try:  # an unreadable input, --exclude or --base folder: say which, write nothing
        return build(args, focus)
    except RecordsError as e:
        print(f"build-dataset: {e}", file=sys.stderr)
        return 1


def repeated(train: list, copies: dict[str, int], seed: int) -> list:
    """Each training record `copies[text]` times (once when absent), shuffled with `seed` so
    that the copies of a record do not sit side by side in the file."""
    import random

    out = [r for r in train for _ in range(copies.get(r.text, 1))]
    print(f"build-dataset: --repeat: {len(out) - len(train)} extra training pairs "
          f"({sum(r.text in copies for r in train)} records repeated)")
    random.Random(seed).shuffle(out)
    return out


def build(args: argparse.Namespace, focus: dict[str, float]) -> int:
    by_input = {path: read_records(path, args.text_column, args.label_column) for path in args.inputs}
    records = [r for path in args.inputs for r in by_input[path]]
    records += toy_records(args.toy, seed=args.seed)
    meta: dict[str, dict] = {}
    if args.generate:
        from ..records.generate import generate
        from .read import LabelledRecord

        for g in generate(args.generate, seed=args.seed, wrong_share=args.wrong_share, focus=focus, twins=args.twins,
                          hold_out=args.hold_out):
            records.append(LabelledRecord(text=g.text, correct=g.correct, where=f"generated record (entity {g.entity})"))
            meta.setdefault(g.text, {"error_class": g.error_class, "error_span": g.error_span, "kind": g.kind, "entity": g.entity,
                                     "styles": g.styles})
    if args.exclude:
        held_out = held_out_texts(args.exclude)
        before = len(records)
        records = [r for r in records if r.text not in held_out]
        print(f"build-dataset: --exclude: dropped {before - len(records)} of {before} record(s) found in the held-out splits of {', '.join(args.exclude)}")
    diagnostics = diagnose([r.text for r in records], [r.correct for r in records], [meta.get(r.text, {}).get("error_class") for r in records] if meta else None)
    print("build-dataset: diagnostics\n  " + diagnostics.report().replace("\n", "\n  "))
    for problem in diagnostics.problems():
        print(f"build-dataset: {'ERROR' if args.strict else 'warning'}: {problem}", file=sys.stderr)
    if args.strict and diagnostics.problems():
        return 1
    kept, duplicates, conflicts = deduplicate(records)
    if conflicts:
        print(f"build-dataset: dropped {len(conflicts)} record(s) labelled both correct and wrong, e.g. {conflicts[0]!r}", file=sys.stderr)
    validation: list = []
    if args.base or args.corrections:
        train, test, report = merge_into_base(args.base, kept, args.corrections, args.test_size, args.seed)
        kept = train + test
        print(f"build-dataset: merged: {report}")
    elif args.val_size or meta:
        # by entity: a generated record's group is its person/address; a file's record is its own
        groups = [f"entity-{meta[r.text]['entity']}" if r.text in meta else r.text for r in kept]
        parts = split_by_group(kept, groups, {"train": 1 - args.val_size - args.test_size, "validation": args.val_size, "test": args.test_size}, args.seed)
        train, validation, test = parts["train"], parts["validation"], parts["test"]
    else:
        train, test = split(kept, args.test_size, args.seed)
    if args.repeat:
        train = repeated(train, {r.text: k for path, k in args.repeat.items() for r in by_input[path]}, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_pairs(out / "train.jsonl", train, args.margin)
    splits = {"train": train}
    if test or args.test_size:  # --test_size 0 (a training-only set, e.g. fresh records to fine-tune on) writes no empty split
        write_pairs(out / "test.jsonl", test, args.margin)
        splits["test"] = test
    if validation:
        write_pairs(out / "validation.jsonl", validation, args.margin)
        splits["validation"] = validation
    if meta:  # per-record metadata (error class, span, entity) for evaluation by class
        (out / "records").mkdir(exist_ok=True)
        for name, rs in splits.items():
            with (out / "records" / f"{name}.jsonl").open("w", encoding="utf-8") as f:
                for r in rs:
                    f.write(json.dumps({"text": r.text, "label": "correct" if r.correct else "wrong", **meta.get(r.text, {})}, ensure_ascii=False) + "\n")
    (out / "diagnostics.json").write_text(json.dumps(diagnostics.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    n_correct = sum(r.correct for r in kept)
    print(
        f"build-dataset: {len(records)} read, {duplicates} exact duplicates dropped, "
        f"{len(kept)} kept ({n_correct} correct / {len(kept) - n_correct} wrong) -> "
        f"{out}/train.jsonl ({len(train)}), " + (f"{out}/validation.jsonl ({len(validation)}), " if validation else "") + (f"{out}/test.jsonl ({len(test)})" if "test" in splits else "no test split")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
