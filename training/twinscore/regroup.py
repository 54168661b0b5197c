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
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .tiny import AREA_CODE
from .tokenizer import GENERIC, SAVED_FILES, load_tokenizer


def regroup_tokenizer_json(tokenizer_json: dict) -> dict:
    """The same tokenizer with AREA_CODE ahead of its first Split's regex."""
    pre = tokenizer_json.get("pre_tokenizer") or {}
    splits = [p for p in pre.get("pretokenizers", [pre]) if p.get("type") == "Split" and "Regex" in p.get("pattern", {})]
    if not splits:
        raise ValueError("the tokenizer has no Split pre-tokenizer with a regex to put the area code in")
    regex = splits[-1]["pattern"]["Regex"]  # the digit-splitting one (tiny.py puts HAN's first)
    if regex.startswith(AREA_CODE):
        raise ValueError("the tokenizer already cuts area codes as one token")
    splits[-1]["pattern"]["Regex"] = f"{AREA_CODE}|{regex}"
    return tokenizer_json


def regroup(model_dir: str | Path, out: str | Path) -> int:
    """Writes the regrouped model to out; returns how many embedding rows it set."""
    import torch
    from transformers import AutoModelForSequenceClassification

    from . import reference

    model_dir, out = Path(model_dir), Path(out)
    if out.resolve() == model_dir.resolve():
        raise ValueError("--out must be another folder than --model_dir")
    # Everything is written to a staging folder beside out and moved in only once the model
    # is saved: a refusal or failure leaves no folder behind, nor any file in an out that
    # already existed. A caller that checks for out/model.safetensors (the lease's
    # finetune.sh) must never find the unregrouped weights copied there.
    tokenizer_json = regroup_tokenizer_json(json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8")))
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        # the run's tokenizer files (tokenizer.json and tokenizer_config.json are then
        # rewritten); save_pretrained writes the weights and config.json. Checkpoints and
        # optimizer state belong to the old tokenizer's training.
        for name in SAVED_FILES:
            if (model_dir / name).is_file():
                shutil.copy2(model_dir / name, stage / name)
        (stage / "tokenizer.json").write_text(json.dumps(tokenizer_json, ensure_ascii=False), encoding="utf-8")
        config_path = stage / "tokenizer_config.json"
        config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
        config["tokenizer_class"] = GENERIC[-1]
        config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")

        tokenizer = load_tokenizer(stage)
        vocab = tokenizer.get_vocab()
        codes = reference.load().area_codes
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
        out.mkdir(exist_ok=True)
        for path in stage.iterdir():
            os.replace(path, out / path.name)
        return len(codes)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model_dir", required=True, help="a trained model folder (weights and tokenizer)")
    parser.add_argument("--out", required=True, help="where to write the regrouped model")
    args = parser.parse_args(argv)
    try:
        rows = regroup(args.model_dir, args.out)
    except (ValueError, FileNotFoundError) as e:
        sys.exit(f"regroup: {e}")
    print(f"regroup: {args.out}: area codes are one token each; {rows} embedding rows set from their cities", file=sys.stderr)


if __name__ == "__main__":
    main()
