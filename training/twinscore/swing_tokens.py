"""Tokens that swing a record's verdict from a slot where any character is valid, and a
reset of the embedding rows of those that hide errors.

A person's name may hold any hanzi (the generator draws given names from GB 2312's 3,755
commonest, and the rules never judge a name), so a character put in place of a name's
last one must not change whether a record is correct. The sweep does that for every
single-hanzi token of the vocabulary, in validation records that open with a name: for
each error class a few wrong records, and some correct ones, each scored once per token.

What it found in the default model: one token of 2,951, 预, made wrong records pass from
the name (12 of 20 wrong area codes, against at most 1 of 20 for any other character),
and made correct ones fail. Its row takes the label's attention: with 预 anywhere in a
record, layer 0's third head and three heads of layer 1 look at it from the label
position with weight 0.94-1.0, where they otherwise look at the area code, so the verdict
is read from a token that says nothing about the rest of the record (a causal model's 预
comes before the phone). Rounds that trained 预's row on its town's records left that in
place (training/default-model-notes.md). Resetting the row to the mean row of the
frequent hanzi removes it: of 265 fresh records holding 预 (its town 预旺镇, and names)
the default model erred on 14, reset on 0, no decision changed the wrong way.

Other tokens swing the other way, and a reset does not suit them: about 80 rare
characters of place names (硚 of 硚口, 芮, 儋, 桲 of 桲椤树镇) make a correct record fail when
they stand in a name, because the model reads them as pieces of places; reset, they lose
that and their own towns fail (桲's fresh records 0 -> 42 errors). Only tokens that make
wrong records pass (--min_passed_share of one class's wrong records) are reset; the
report lists the others with what they do.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .records import RecordsError, json_objects
from .scoring import model_dir_problem, p_correct_of
from .tokenizer import SAVED_FILES

# A record that opens with a name of two or three hanzi and a separator; the name's last
# character is the slot.
NAME_FIRST = re.compile(r"^[\u4e00-\u9fff]{1,2}([\u4e00-\u9fff])[，；、,; ]")
HANZI = re.compile(r"^[\u4e00-\u9fff]$")


@dataclass(frozen=True)
class Slot:
    text: str
    correct: bool
    error_class: str | None
    at: int  # where the name's last character stands

    def holding(self, ch: str) -> str:
        return self.text[: self.at] + ch + self.text[self.at + 1 :]


def name_slots(path: str | Path, per_class: int, n_correct: int, seed: int) -> list[Slot]:
    """Records of a build's records/*.jsonl that open with a name: per_class wrong ones of
    each error class (fewer where a class has fewer) and n_correct correct ones, drawn by seed."""
    path = Path(path)
    if not path.is_file():
        raise RecordsError(f"{path}: no such file (labelled records: a build's records/validation.jsonl)")
    wrong: dict[str, list[Slot]] = {}
    correct: list[Slot] = []
    for at, obj in json_objects(path):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or obj.get("label") not in ("correct", "wrong"):
            raise RecordsError(f"{path} {at}: not a labelled record (an object with \"text\" and a \"label\" of correct or wrong)")
        m = NAME_FIRST.match(obj["text"])
        if not m:
            continue
        slot = Slot(obj["text"], obj["label"] == "correct", obj.get("error_class"), m.start(1))
        (correct if slot.correct else wrong.setdefault(str(slot.error_class), [])).append(slot)
    if not correct or not wrong:
        raise RecordsError(f"{path}: no {'correct' if not correct else 'wrong'} record opens with a name "
                           "(two or three hanzi and a separator), so no name can be swept")
    rng = random.Random(seed)
    picked = [s for cls in sorted(wrong) for s in rng.sample(wrong[cls], min(per_class, len(wrong[cls])))]
    return picked + rng.sample(correct, min(n_correct, len(correct)))


def hanzi_tokens(tok) -> list[str]:
    """The vocabulary's tokens that are one hanzi, as the characters."""
    chars = {tok.decode([i]) for i in tok.get_vocab().values()}
    return sorted(ch for ch in chars if HANZI.match(ch))


def sweep(model_dir: str, slots: list[Slot], chars: list[str], batch_size: int = 64) -> dict:
    """For each character, which wrong records pass and which correct ones fail with it in
    the name, counted per error class; and the same for the records as written."""
    texts = [s.text for s in slots] + [s.holding(ch) for ch in chars for s in slots]
    p = p_correct_of(model_dir, texts, 128, batch_size, by_length=True)

    def counts(ps: np.ndarray) -> dict:
        passed = collections.Counter(str(s.error_class) for s, pc in zip(slots, ps) if not s.correct and pc > 0.5)
        flagged = sum(1 for s, pc in zip(slots, ps) if s.correct and pc <= 0.5)
        return {"passed": dict(passed), "flagged": flagged}

    n = len(slots)
    return {"as_written": counts(p[:n]), "tokens": {ch: counts(p[n * (k + 1) : n * (k + 2)]) for k, ch in enumerate(chars)}}


def hiding(report: dict, per_class_wrong: dict[str, int], min_share: float) -> list[str]:
    """The characters that, in the name, make at least min_share of one class's wrong records
    pass, beyond those that pass as written."""
    base = report["as_written"]["passed"]
    out = []
    for ch, c in report["tokens"].items():
        if any((k - base.get(cls, 0)) / per_class_wrong[cls] >= min_share for cls, k in c["passed"].items()):
            out.append(ch)
    return sorted(out)


def frequent_hanzi_mean(model, model_dir: str, train_records: str | Path, min_records: int):
    """The mean embedding row of the hanzi tokens that at least min_records training records hold."""
    from .rare import record_counts, tokenizer_of

    tok = tokenizer_of(Path(model_dir) / "tokenizer.json")
    counts = record_counts(tok, [train_records])
    ids = [i for i, n in counts.items() if n >= min_records and HANZI.match(tok.decode([i]))]
    if not ids:
        raise SystemExit(f"--train_records {train_records}: no hanzi token is held by {min_records} records or more")
    return model.get_input_embeddings().weight[ids].mean(0), len(ids)


def reset_rows(model_dir: str, out: str, chars: list[str], train_records: str | Path, min_records: int = 1000) -> int:
    """Write model_dir's model to out with each character's embedding row set to the mean row
    of the frequent hanzi; the tokenizer files are copied as they are. Returns how many rows
    made the mean (0 with no characters: the model is written unchanged)."""
    import torch
    from transformers import AutoModelForSequenceClassification

    from .tokenizer import load_tokenizer

    tok = load_tokenizer(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir)
    mean, n = frequent_hanzi_mean(model, model_dir, train_records, min_records) if chars else (None, 0)
    with torch.no_grad():
        for ch in chars:
            ids = tok(ch, add_special_tokens=False)["input_ids"]
            if len(ids) != 1:
                raise SystemExit(f"{ch}: not one token of {model_dir}'s vocabulary")
            model.get_input_embeddings().weight[ids[0]] = mean
    model.save_pretrained(out)
    for name in SAVED_FILES:
        if (Path(model_dir) / name).is_file():
            shutil.copyfile(Path(model_dir) / name, Path(out) / name)
    return n


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="twinscore-swing-tokens", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model_dir", required=True, help="a folder twinscore-train wrote")
    ap.add_argument("--records", required=True, help="labelled records to sweep (a build's records/validation.jsonl)")
    ap.add_argument("--train_records", help="the training records (records/train.jsonl), whose frequent hanzi make the mean row; needed with --out")
    ap.add_argument("--per_class", type=int, default=8, help="wrong records of each error class")
    ap.add_argument("--correct", type=int, default=40, help="correct records")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min_passed_share", type=float, default=0.25,
                    help="reset a token that makes this share of one class's wrong records pass from the name")
    ap.add_argument("--min_records", type=int, default=1000, help="a hanzi token is frequent when this many training records hold it")
    ap.add_argument("--chars", help="sweep only these characters (each one hanzi token of the vocabulary), not all of them")
    ap.add_argument("--report", required=True, help="the sweep's JSON report")
    ap.add_argument("--out", help="write the model here, with the hiding tokens' rows reset")
    args = ap.parse_args(argv)
    problem = model_dir_problem(args.model_dir)
    if problem:
        raise SystemExit(problem)
    if args.out and not args.train_records:
        raise SystemExit("--out needs --train_records (the records whose frequent hanzi make the mean row)")
    from .tokenizer import load_tokenizer

    try:
        slots = name_slots(args.records, args.per_class, args.correct, args.seed)
    except RecordsError as err:
        raise SystemExit(str(err)) from None
    chars = hanzi_tokens(load_tokenizer(args.model_dir))
    if args.chars is not None:
        unknown = [ch for ch in dict.fromkeys(args.chars) if ch not in chars]
        if unknown:
            raise SystemExit(f"--chars: {''.join(unknown)} not one hanzi token each of {args.model_dir}'s vocabulary")
        chars = list(dict.fromkeys(args.chars))
    per_class_wrong = dict(collections.Counter(str(s.error_class) for s in slots if not s.correct))
    print(f"twinscore-swing-tokens: {len(chars)} hanzi tokens in the names of {len(slots)} records "
          f"({sum(per_class_wrong.values())} wrong of {len(per_class_wrong)} classes)", file=sys.stderr)
    report = sweep(args.model_dir, slots, chars)
    reset = hiding(report, per_class_wrong, args.min_passed_share)
    report.update(model_dir=args.model_dir, records=str(args.records), per_class_wrong=per_class_wrong,
                  correct=sum(s.correct for s in slots), min_passed_share=args.min_passed_share, reset=reset)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    flagged = {ch: c["flagged"] for ch, c in report["tokens"].items()}
    most = " ".join(f"{ch} {flagged[ch]}" for ch in sorted(flagged, key=lambda ch: -flagged[ch])[:10])
    print(f"twinscore-swing-tokens: hide errors from the name: {''.join(reset) or 'none'}; correct records failed "
          f"most with {most} (as written {report['as_written']['flagged']} of {report['correct']})", file=sys.stderr)
    if args.out:
        # written even when no row is reset, so that a pipeline's next step finds its model
        n = reset_rows(args.model_dir, args.out, reset, args.train_records, args.min_records)
        print(f"twinscore-swing-tokens: {len(reset)} rows reset to the mean of {n} frequent hanzi rows -> {args.out}"
              if reset else f"twinscore-swing-tokens: no token to reset; {args.out} holds the model unchanged", file=sys.stderr)


if __name__ == "__main__":
    main()
