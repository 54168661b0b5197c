"""Records a trained model gets wrong or only just right, with their entity's other records.

At 99.5 % on the test split the default model's errors are few and not spread evenly:
most of its false alarms are correct records with a given name or a town that reads like
a field (龙肖码, 付待邮, 朱码街道, 邮亭圩镇: 码, 号, 邮, 乡 are address and label
words), and most of its misses a few lookup classes. A fresh uniform round spends nearly
all its records on what the model already knows. This scores generated records (files
twinscore-generate wrote, each record with its ``entity``) and keeps:

- every record of an entity holding a hard record: a correct record under
  --correct_below, or a wrong one over --wrong_above. The entity's other records are
  the contrast: the same name and address, correct and with errors (with --twins, a
  wrong record's twin differs from it by the error alone), so a round learns that the
  name or the town is not the error;
- --replay records drawn at random from the other entities, so the round keeps the
  classes it already knows.

The output is record JSONL that build-dataset reads (twins stay adjacent):

    twinscore-generate --n 100000 --seed 30000 --twins --wrong_share 0.3 --out gen-0.jsonl
    python -m twinscore.mine_hard gen-0.jsonl --model_dir runs/x --replay 60000 --seed 30000 \\
        --exclude data/twin-default --out data/hard/records.jsonl
    twinscore-build-dataset data/hard/records.jsonl --val_size 0 --test_size 0 --out data/hard

When the hard records are few against the replay (a few hundred in 100,000), --replay_out
writes the replay to its own file and build-dataset's --repeat weighs the hard file alone:

    python -m twinscore.mine_hard gen.jsonl --model_dir runs/x --wrong_above 0.001 --replay 30000 \\
        --out hard.jsonl --replay_out replay.jsonl
    twinscore-build-dataset hard.jsonl replay.jsonl --repeat hard.jsonl=8 --val_size 0 --test_size 0 --out data/hard
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
from pathlib import Path

import numpy as np

from . import scoring
from .records import RecordsError, json_objects, parse_label


def read_generated(paths: list[str]) -> tuple[list[dict], list[bool], list[tuple[int, object]]]:
    """The records of each file, whether each is correct, and each record's group: (file,
    entity), or (file, line) for a record without an entity. A record needs its text and a
    label that records.parse_label reads (correct/wrong, 正确/错误, 1/0 ...)."""
    records, correct, groups = [], [], []
    for k, path in enumerate(paths):
        for at, obj in json_objects(Path(path)):
            where = f"{path} {at}"
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise RecordsError(f"{where}: not a record with a text (an object with \"text\" and \"label\", as twinscore-generate writes)")
            correct.append(parse_label(obj.get("label"), where, "label"))
            records.append(obj)
            groups.append((k, obj["entity"] if "entity" in obj else at))
    return records, correct, groups


def read_inputs(paths: list[str], exclude: list[str]) -> tuple[list[dict], list[bool], list[tuple[int, object]], set[str]]:
    """read_generated's records, correctness and groups, and the texts of the validation and
    test splits of the exclude folders (build_dataset.held_out_texts; empty without them).
    Raises RecordsError naming a missing file, a broken line or a folder without splits."""
    missing = [f for f in paths if not Path(f).is_file()]
    if missing:
        raise RecordsError(f"no such file: {', '.join(missing)}")
    records, correct, groups = read_generated(paths)
    held_out: set[str] = set()
    if exclude:
        from .build_dataset import held_out_texts

        held_out = held_out_texts(exclude)
    return records, correct, groups, held_out


def is_hard(correct: bool, p: float, correct_below: float, wrong_above: float) -> bool:
    return p < correct_below if correct else p > wrong_above


def select(correct: list[bool], groups: list, p: np.ndarray, correct_below: float, wrong_above: float,
           replay: int, seed: int) -> tuple[list[int], list[int], list[int]]:
    """Indices to write: every record of a group holding a hard record (in file order),
    and `replay` records of the other groups drawn with `seed`; and the hard records
    themselves (what the summary counts by class)."""
    hard = [i for i, c in enumerate(correct) if is_hard(c, p[i], correct_below, wrong_above)]
    hard_groups = {groups[i] for i in hard}
    kept = [i for i in range(len(groups)) if groups[i] in hard_groups]
    rest = [i for i in range(len(groups)) if groups[i] not in hard_groups]
    return kept, random.Random(seed).sample(rest, min(replay, len(rest))), hard


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m twinscore.mine_hard", description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="FILE", help="record JSONL from twinscore-generate (text, label, entity)")
    ap.add_argument("--model_dir", required=True, help="a trained model folder (weights and tokenizer)")
    ap.add_argument("--correct_below", type=float, default=0.95, help="a correct record is hard under this P(correct)")
    ap.add_argument("--wrong_above", type=float, default=0.2, help="a wrong record is hard over this P(correct)")
    ap.add_argument("--replay", type=int, default=0, help="records of the other entities to keep, drawn at random")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--exclude", nargs="*", default=[], metavar="FOLDER", help="drop records found in these dataset folders' validation/test splits")
    ap.add_argument("--max_length", type=int, default=128)
    ap.add_argument("--batch_size", type=int, default=256)
    ap.add_argument("--out", required=True, help="output record .jsonl")
    ap.add_argument("--replay_out", metavar="FILE", help="write the replayed records here instead of after the hard "
                    "entities' in --out, so that build-dataset --repeat can weigh the hard ones alone")
    args = ap.parse_args(argv)
    for name in ("correct_below", "wrong_above"):
        if not 0 < getattr(args, name) < 1:
            ap.error(f"--{name} must be a probability in (0, 1), not {getattr(args, name)}")
    if args.replay < 0:
        ap.error(f"--replay must be a number of records, not {args.replay}")
    if args.replay_out and Path(args.replay_out).resolve() == Path(args.out).resolve():
        ap.error("--replay_out must be another file than --out")
    if problem := scoring.model_dir_problem(args.model_dir):
        ap.error(problem)
    try:
        records, correct, groups, held_out = read_inputs(args.inputs, args.exclude)
    except RecordsError as e:  # an empty file too: json_objects refuses it
        ap.error(str(e))

    p = scoring.p_correct_of(args.model_dir, [r["text"] for r in records], args.max_length, args.batch_size, by_length=True)
    kept, replayed, hard = select(correct, groups, p, args.correct_below, args.wrong_above, args.replay, args.seed)
    hard_by_class = collections.Counter(records[i].get("error_class") or ("correct" if correct[i] else "wrong") for i in hard)
    print(f"mine_hard: {len(records)} records scored; hard: {len(hard)} in {len({groups[i] for i in hard})} entities "
          f"({', '.join(f'{k} {v}' for k, v in hard_by_class.most_common())})", file=sys.stderr)

    written, dropped = {}, 0
    parts = [(args.out, kept), (args.replay_out, replayed)] if args.replay_out else [(args.out, kept + replayed)]
    for path, indices in parts:
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        written[path] = 0
        with out.open("w", encoding="utf-8") as f:
            for i in indices:
                if records[i]["text"] in held_out:
                    dropped += 1
                    continue
                f.write(json.dumps(records[i], ensure_ascii=False) + "\n")
                written[path] += 1
    where = " and ".join(f"{n} records to {p}" for p, n in written.items())
    print(f"mine_hard: wrote {where} ({len(kept)} of the hard entities, {len(replayed)} replayed)" + (f"; dropped {dropped} found in {', '.join(args.exclude)}" if dropped else ""),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
