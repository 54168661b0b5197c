"""Give a trained model's tokenizer the area-code digit group, keeping its weights.

The default model reads a landline's area code as three or four digit tokens and a city
as one place token, so catching a neighbouring city's code means composing the digits
first; it learned the province (the code's first digits) and not the city (6 % of
same-province codes caught). With the code as one token, the check becomes one token
against another, the lookup that took the district from 2 to 95 %. Training that
tokenizer from random initialisation takes a GPU lease; this rewrites the tokenizer of
an already trained model instead, so the weights keep everything else they know:

- the pre-tokenizer's split gets tiny.py's AREA_CODE alternative ahead of its own (the
  one --tiny_digit_groups adds), so 0393-1234567 is cut 0393 | - | 1 | 2 ...; mobile
  numbers and every other digit run are cut as before;
- every area code must already be one token of the BPE vocabulary (true of tokenizers
  trained with --tiny_digit_groups, the shipped one among them: its digit groups were
  trained but dropped before the weights saw them, GPU.md); their embedding rows,
  never trained, start as the embedding of the digit 0 (what the text used to begin
  with) plus that of the code's own city, so the code arrives already pointing at it;
- tokenizer_config.json names the generic class, so Python loads the split as saved
  (tokenizer.py) exactly as transformers.js does from tokenizer.json.

The result then needs training on records with landlines (a fine-tuning round):
everything the model knew about a landline's digits moved by a few positions.

    python -m twinscore.regroup --model_dir runs/lease3-C --out runs/regrouped

--detach_colon is for the colon a field label ends with. The byte-level split (Qwen2's)
lets one punctuation mark join the letters after it, so 联系电话：lo2-6284-4127 opens its
phone with the token ：lo, and the vocabulary learned 598 such tokens from wrong phones.
A phone's letters then read differently at its start than anywhere else in it, and the
letters the rounds on rows drew inside phones never reached that token (the shipped
model passed 237 of 3,139 fresh phones whose letters open them, 47 of 8,859 others). It
keeps every weight and cuts a colon before Latin letters off them (：| lo), so the
phone's letters are the same tokens wherever they stand. No correct record of the
default data holds a colon before a Latin letter, so none is cut differently.

    python -m twinscore.regroup --detach_colon --model_dir runs/lettertokens-3 --out runs/detached

--recut is for a model regrouped with AREA_CODE_BEFORE, the first pattern, which also cut
the middle group of a mobile written 189-0477-0977 as an area code: the model then read
another city's code in a correct record and flagged it (6 of the shipped model's 20 false
alarms on 20,000 fresh records). It puts the current pattern in that one's place and
keeps every weight (the code rows are trained by then); only a digit group that follows
a digit and a hyphen is cut differently.

    python -m twinscore.regroup --recut --model_dir runs/s2 --out runs/s2-recut
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .tiny import AREA_CODE, LETTERS, LETTERS_COLON_DETACHED
from .tokenizer import GENERIC, SAVED_FILES, load_tokenizer

# The area-code pattern regroup wrote before 2026-11-27 (every model shipped until then).
AREA_CODE_BEFORE = r"(?<![0-9])0(?:[12][0-9]|[3-9][0-9]{2})(?=[-)]|[0-9]{7,8}(?![0-9]))"


def _digit_split(tokenizer_json: dict) -> dict:
    """The Split pre-tokenizer that cuts digits (tiny.py puts HAN's first)."""
    pre = tokenizer_json.get("pre_tokenizer") or {}
    splits = [p for p in pre.get("pretokenizers", [pre]) if p.get("type") == "Split" and "Regex" in p.get("pattern", {})]
    if not splits:
        raise ValueError("the tokenizer has no Split pre-tokenizer with a regex to put the area code in")
    return splits[-1]


def regroup_tokenizer_json(tokenizer_json: dict) -> dict:
    """The same tokenizer with AREA_CODE ahead of its digit Split's regex."""
    split = _digit_split(tokenizer_json)
    regex = split["pattern"]["Regex"]
    if regex.startswith(AREA_CODE_BEFORE):
        raise ValueError("the tokenizer already cuts area codes as one token (with the first pattern: use --recut)")
    if regex.startswith(AREA_CODE):
        raise ValueError("the tokenizer already cuts area codes as one token")
    split["pattern"]["Regex"] = f"{AREA_CODE}|{regex}"
    return tokenizer_json


def recut_tokenizer_json(tokenizer_json: dict) -> dict:
    """The same tokenizer with AREA_CODE in place of AREA_CODE_BEFORE."""
    split = _digit_split(tokenizer_json)
    regex = split["pattern"]["Regex"]
    if not regex.startswith(AREA_CODE_BEFORE + "|"):
        raise ValueError("the tokenizer does not cut area codes with the first pattern (regroup.AREA_CODE_BEFORE): nothing to recut")
    split["pattern"]["Regex"] = AREA_CODE + regex[len(AREA_CODE_BEFORE):]
    return tokenizer_json


def _staged(out: Path, write) -> None:
    """Runs write(stage) on a folder beside out, then moves what it wrote into out. A
    refusal or failure leaves no folder behind, nor any file in an out that already
    existed: a caller that checks for out/model.safetensors (the lease's finetune.sh)
    must never find weights there that did not get the new tokenizer."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        write(stage)
        out.mkdir(exist_ok=True)
        for path in stage.iterdir():
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def detach_colon_tokenizer_json(tokenizer_json: dict) -> dict:
    """The same tokenizer with LETTERS_COLON_DETACHED in place of LETTERS."""
    split = _digit_split(tokenizer_json)
    regex = split["pattern"]["Regex"]
    if LETTERS_COLON_DETACHED in regex:
        raise ValueError("the tokenizer already cuts a colon off the letters after it")
    if regex.count(LETTERS) != 1:
        raise ValueError(f"the tokenizer's split has {regex.count(LETTERS)} copies of Qwen2's letters alternative ({LETTERS}), not one: nothing to detach")
    split["pattern"]["Regex"] = regex.replace(LETTERS, LETTERS_COLON_DETACHED)
    return tokenizer_json


def _copy_tokenizer(model_dir: Path, stage: Path, tokenizer_json: dict) -> None:
    """The run's tokenizer files with tokenizer.json replaced and tokenizer_config.json
    naming the generic class. Checkpoints and optimizer state belong to the old
    tokenizer's training and are not copied."""
    for name in SAVED_FILES:
        if (model_dir / name).is_file():
            shutil.copy2(model_dir / name, stage / name)
    (stage / "tokenizer.json").write_text(json.dumps(tokenizer_json, ensure_ascii=False), encoding="utf-8")
    config_path = stage / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    config["tokenizer_class"] = GENERIC[-1]
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")


def _other_folder(model_dir: Path, out: Path) -> None:
    if out.resolve() == model_dir.resolve():
        raise ValueError("--out must be another folder than --model_dir")


def recut(model_dir: str | Path, out: str | Path) -> None:
    """Writes model_dir with the current area-code pattern to out; weights byte for byte."""
    _rewrite_split(model_dir, out, recut_tokenizer_json)


def detach_colon(model_dir: str | Path, out: str | Path) -> None:
    """Writes model_dir with a colon cut off the letters after it to out; weights byte for byte."""
    _rewrite_split(model_dir, out, detach_colon_tokenizer_json)


def _rewrite_split(model_dir: str | Path, out: str | Path, rewrite) -> None:
    """model_dir's weights, unchanged, with its tokenizer.json rewritten (rewrite keeps
    the vocabulary, so every row still means the token it did)."""
    model_dir, out = Path(model_dir), Path(out)
    _other_folder(model_dir, out)
    tokenizer_json = rewrite(json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8")))
    weights = ("config.json", "model.safetensors")
    if not all((model_dir / name).is_file() for name in weights):
        raise FileNotFoundError(f"{model_dir}: a model folder needs config.json and model.safetensors beside its tokenizer")

    def write(stage: Path) -> None:
        _copy_tokenizer(model_dir, stage, tokenizer_json)
        for name in weights:
            shutil.copy2(model_dir / name, stage / name)

    _staged(out, write)


def regroup(model_dir: str | Path, out: str | Path) -> int:
    """Writes the regrouped model to out; returns how many embedding rows it set."""
    import torch
    from transformers import AutoModelForSequenceClassification

    from . import reference

    model_dir, out = Path(model_dir), Path(out)
    _other_folder(model_dir, out)
    tokenizer_json = regroup_tokenizer_json(json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8")))
    codes = reference.load().area_codes

    def write(stage: Path) -> None:
        _copy_tokenizer(model_dir, stage, tokenizer_json)
        tokenizer = load_tokenizer(stage)
        vocab = tokenizer.get_vocab()
        missing = [code for code in codes if tokenizer.tokenize(f"{code}-") != [code, "-"]]
        if missing:
            raise ValueError(
                f"{len(missing)} of {len(codes)} area codes are not one token of {model_dir}/tokenizer.json "
                f"(e.g. {', '.join(missing[:5])}): it was trained without --tiny_digit_groups"
            )
        model = AutoModelForSequenceClassification.from_pretrained(model_dir)
        embeddings = model.get_input_embeddings().weight
        with torch.no_grad():
            zero = embeddings[vocab["0"]].clone()
            for code, city in codes.items():
                embeddings[vocab[code]] = zero + (embeddings[vocab[city.name]] if city.name in vocab else 0)
        model.save_pretrained(stage)

    _staged(out, write)
    return len(codes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model_dir", required=True, help="a trained model folder (weights and tokenizer)")
    parser.add_argument("--out", required=True, help="where to write the regrouped model")
    parser.add_argument("--recut", action="store_true", help="only put the current area-code pattern in place of the first one (AREA_CODE_BEFORE), keeping every weight")
    parser.add_argument("--detach_colon", action="store_true", help="only cut a colon off the Latin letters after it (：lo -> ： lo), keeping every weight")
    args = parser.parse_args(argv)
    if args.recut and args.detach_colon:
        parser.error("--recut and --detach_colon are separate steps: run one, then the other on its output")
    try:
        if args.detach_colon:
            detach_colon(args.model_dir, args.out)
            print(f"regroup: {args.out}: a colon is cut off the letters after it; weights as they were", file=sys.stderr)
            return
        if args.recut:
            recut(args.model_dir, args.out)
            print(f"regroup: {args.out}: area codes cut with the current pattern; weights as they were", file=sys.stderr)
            return
        rows = regroup(args.model_dir, args.out)
    except (ValueError, FileNotFoundError) as e:
        sys.exit(f"regroup: {e}")
    print(f"regroup: {args.out}: area codes are one token each; {rows} embedding rows set from their cities", file=sys.stderr)


if __name__ == "__main__":
    main()
