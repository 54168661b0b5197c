"""Wrong area codes a model still passes, drawn often: hard-negative records for a round.

Whether a landline's area code belongs to the address's city is a lookup table (316
cities with a code, 306 codes), and a model's misses are not spread over it evenly: the
shipped model passed 0996 (巴音郭楞) in 275 cities' records and knew most other pairs
perfectly. Drawn uniformly, a fine-tuning round spends nearly all its area-code records
on pairs the model already knows. This probes every (city, another city's code) pair once
in a fresh record, then draws N wrong records with each pair weighed by the model's
P(correct) on it (at least --floor, so that known pairs are still seen), each followed by
its correct twin (the same record with the city's own code). With --owners each is also
followed by a correct record of the code's own city: the twin says the city wants its
own code, the owner that the drawn code is no error in itself. It was meant for the
false alarms a round on mined pairs adds, nearly all records with a landline (许昌's own
0374 flagged at P 0.001); measured, it did not remove them: the default model's last
round with it and the same round without it flagged 39 and 38 of 13,921 fresh correct
records, and halved with their starting weights (twinscore.average) 20 and 21, missing 6
and 7 of 1,042 wrong codes. The soup is what gave the false alarms back; the round with
owners is the one the default model was made of.

The output is record JSONL (text, label, error_class, error_span, kind, entity) that
build-dataset reads beside other records, e.g. a --twins set that keeps the other classes:

    python -m twinscore.mine_area_codes --model_dir runs/x --n 120000 --seed 5150 \\
        --exclude data/twin-default --out data/hard/records.jsonl
    twinscore-build-dataset data/hard/records.jsonl data/twins/records/train.jsonl \\
        --val_size 0 --test_size 0 --out data/hard
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

from . import entities, generate, reference, scoring

ENTITY_BASE = 10_000_000  # mined records' entity ids, apart from a generated set's


def pairs(ref: reference.Reference, cities: list[str] | None = None) -> list[tuple[reference.City, str]]:
    """Every (city with a code, another code in use) pair, of the named cities only if any
    are named; a code shared by several cities (0731: 长沙, 株洲, 湘潭) is never another
    city's for any of them. An unknown name, or a city without a code, is refused."""
    with_code = {c.name: c for c in ref.cities if c.area_code}
    if cities:
        unknown = [name for name in cities if name not in with_code]
        if unknown:
            raise ValueError(f"--cities: {', '.join(unknown)}: not a city with an area code in the reference data (e.g. {', '.join(list(with_code)[:3])})")
    chosen = [with_code[name] for name in cities] if cities else list(with_code.values())
    return [(city, code) for city in chosen for code in sorted(ref.area_codes) if code != city.area_code]


def records_for(rng: random.Random, ref: reference.Reference, city: reference.City, code: str, entity: int) -> tuple[generate.Record, generate.Record]:
    """A fresh record in city with code on its landline, and its twin with the city's own."""
    twins: list[generate.Record] = []
    wrong = generate.make_record(rng, ref, entities.landline_entity(rng, city, entity), "area_code_city", twins, area_code=code)
    return wrong, twins[0]


def owner_record(rng: random.Random, ref: reference.Reference, code: str, other: str, entity: int) -> generate.Record:
    """A correct record with code on its landline in a city whose code it is (one of them,
    at random, for a code several cities share), drawn as a twin is: the same layouts."""
    owners = [c for c in ref.cities if c.area_code == code]
    return records_for(rng, ref, rng.choice(owners), other, entity)[1]


def weights(p_correct: np.ndarray, floor: float) -> np.ndarray:
    """Each pair's share of the draws: the model's P(correct) on its wrong record, at least floor."""
    w = np.maximum(np.asarray(p_correct, dtype=np.float64), floor)
    return w / w.sum()


def probe(model_dir: str, candidates: list[tuple[reference.City, str]], rng: random.Random, ref, max_length: int, batch_size: int) -> np.ndarray:
    """P(correct) of the model on one fresh wrong record per pair."""
    texts = [records_for(rng, ref, city, code, ENTITY_BASE + i)[0].text for i, (city, code) in enumerate(candidates)]
    return scoring.p_correct_of(model_dir, texts, max_length, batch_size)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m twinscore.mine_area_codes", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model_dir", required=True, help="a trained model folder (weights and tokenizer)")
    ap.add_argument("--n", type=int, required=True, help="wrong records to draw (each with its twin: 2N records)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cities", default="", metavar="NAME,...", help="probe and draw these cities' records only (default: every city with a code)")
    ap.add_argument("--floor", type=float, default=0.01, help="least weight of a pair the model already catches")
    ap.add_argument("--owners", action="store_true", help="after each twin, a correct record of the drawn code's own city")
    ap.add_argument("--exclude", nargs="*", default=[], metavar="FOLDER", help="drop records found in these dataset folders' validation/test splits")
    ap.add_argument("--max_length", type=int, default=128)
    ap.add_argument("--batch_size", type=int, default=256)
    ap.add_argument("--out", required=True, help="output record .jsonl; the probe's P per pair goes beside it (.probe.json)")
    args = ap.parse_args(argv)
    if args.n <= 0:
        ap.error(f"--n must be a positive number of records, not {args.n}")
    if not 0 < args.floor <= 1:
        ap.error(f"--floor must be in (0, 1], not {args.floor}")
    if problem := scoring.model_dir_problem(args.model_dir):
        ap.error(problem)
    held_out: set[str] = set()
    if args.exclude:
        from .build_dataset import held_out_texts
        from .records import RecordsError

        try:
            held_out = held_out_texts(args.exclude)
        except RecordsError as e:
            ap.error(str(e))

    ref = reference.load()
    rng = random.Random(args.seed)
    try:
        candidates = pairs(ref, [c.strip() for c in args.cities.split(",") if c.strip()])
    except ValueError as e:
        ap.error(str(e))
    p = probe(args.model_dir, candidates, rng, ref, args.max_length, args.batch_size)
    passed = p >= 0.5
    print(f"mine_area_codes: {len(candidates)} pairs probed; the model passes {passed.sum()} ({passed.mean() * 100:.2f} %) of their wrong records", file=sys.stderr)
    worst = sorted(range(len(candidates)), key=lambda i: -p[i])[:5]
    print("  e.g. " + ", ".join(f"{candidates[i][0].name} with {candidates[i][1]} (P {p[i]:.2f})" for i in worst), file=sys.stderr)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    probe_path = out.with_name(out.name + ".probe.json")
    probe_path.write_text(json.dumps([[c.name, k, round(float(x), 5)] for (c, k), x in zip(candidates, p)], ensure_ascii=False), encoding="utf-8")

    share = weights(p, args.floor)
    picks = np.random.default_rng(args.seed).choice(len(candidates), size=args.n, p=share)
    written = dropped = 0
    with out.open("w", encoding="utf-8") as f:
        for j, i in enumerate(picks):
            city, code = candidates[i]
            entity = ENTITY_BASE + len(candidates) + j
            drawn = list(records_for(rng, ref, city, code, entity))
            if args.owners:  # another entity: the owner's city is not the record's
                drawn.append(owner_record(rng, ref, code, city.area_code, entity + ENTITY_BASE))
            if any(r.text in held_out for r in drawn):
                dropped += 1
                continue
            f.write("".join(r.jsonl_line() for r in drawn))
            written += len(drawn)
    print(f"mine_area_codes: wrote {written} records to {out} ({share[passed].sum() * 100:.0f} % of draws from the pairs it passes)"
          + (f"; dropped {dropped} draw(s) found in {', '.join(args.exclude)}" if dropped else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
