"""Wrong records of one class whose error is of one length, each with its twin; and which a model still passes.

The default model passed about 1 in 200 postcodes of 7 digits written first (the town's
own six and one more: `邮编：0463003，长治市武乡县…`) while it caught every other length.
A round aimed at them needs those records alone, each beside its twin (the same record
with the right six digits), and the ones the model still passes apart, to weigh them:

    twinscore-generate --n 1500000 --seed 96200 --wrong_share 1 --focus postcode_length=1000 \\
        --lead postcode --twins --out gen.jsonl
    python -m twinscore.pick_twins gen.jsonl --error_class postcode_length --span_length 7 \\
        --model_dir runs/x --wrong_above 0.001 --exclude data/twin-default \\
        --out rest.jsonl --hard_out hard.jsonl

The input is what `twinscore-generate --twins` writes: a wrong record, then its twin (same
entity, correct). The span's length is counted on the text the error marks (error_span).
A pair with either record in an excluded dataset's validation or test split is dropped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import scoring
from .mine_hard import read_inputs
from .records import RecordsError


def twin_pairs(correct: list[bool], groups: list) -> list[tuple[int, int]]:
    """(wrong, twin) indices for each wrong record followed by its twin (same group: file and
    entity, as mine_hard.read_generated gives them). A twin can be missing (its text was
    drawn before, and generate keeps a text once): that wrong record is skipped."""
    pairs, i = [], 0
    while i < len(correct) - 1:
        if not correct[i] and correct[i + 1] and groups[i] == groups[i + 1]:
            pairs.append((i, i + 1))
            i += 2
        else:
            i += 1
    return pairs


def span_length(record: dict) -> int:
    start, end = record["error_span"]
    return end - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m twinscore.pick_twins", description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="FILE", help="record JSONL from twinscore-generate --twins")
    ap.add_argument("--error_class", required=True, help="keep wrong records of this class")
    ap.add_argument("--span_length", type=int, help="keep those whose marked error is this many characters long")
    ap.add_argument("--model_dir", help="a trained model: pairs whose wrong record it passes go to --hard_out")
    ap.add_argument("--wrong_above", type=float, default=0.001, help="a wrong record is passed over this P(correct)")
    ap.add_argument("--exclude", nargs="*", default=[], metavar="FOLDER", help="drop pairs found in these dataset folders' validation/test splits")
    ap.add_argument("--max_length", type=int, default=128)
    ap.add_argument("--batch_size", type=int, default=256)
    ap.add_argument("--out", required=True, help="record .jsonl: the pairs (without --hard_out's)")
    ap.add_argument("--hard_out", metavar="FILE", help="record .jsonl: the pairs whose wrong record the model passes")
    args = ap.parse_args(argv)
    if (args.model_dir is None) != (args.hard_out is None):
        ap.error("--model_dir and --hard_out go together: the model decides which pairs are hard")
    if not 0 < args.wrong_above < 1:
        ap.error(f"--wrong_above must be a probability in (0, 1), not {args.wrong_above}")
    if args.model_dir and (problem := scoring.model_dir_problem(args.model_dir)):
        ap.error(problem)
    try:
        records, correct, groups, held_out = read_inputs(args.inputs, args.exclude)
    except RecordsError as e:
        ap.error(str(e))

    pairs = [(records[w], records[t]) for w, t in twin_pairs(correct, groups)
             if records[w].get("error_class") == args.error_class
             and (args.span_length is None or span_length(records[w]) == args.span_length)
             and records[w]["text"] not in held_out and records[t]["text"] not in held_out]
    if not pairs:
        ap.error(f"no wrong record of {args.error_class}" + (f" with a {args.span_length}-character error" if args.span_length else "")
                 + f" followed by its twin in {', '.join(args.inputs)} (made with twinscore-generate --twins?)")
    hard = [False] * len(pairs)
    if args.model_dir:
        p = scoring.p_correct_of(args.model_dir, [w["text"] for w, _ in pairs], args.max_length, args.batch_size, by_length=True)
        hard = [q > args.wrong_above for q in p]
    outs = [(args.out, [pair for pair, h in zip(pairs, hard) if not h])]
    if args.hard_out:
        outs.append((args.hard_out, [pair for pair, h in zip(pairs, hard) if h]))
    for path, chosen in outs:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            for pair in chosen:
                for r in pair:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"pick_twins: {len(pairs)} pairs of {args.error_class}; "
          + "; ".join(f"{len(chosen)} to {path}" for path, chosen in outs), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
