"""Write a --tiny_place_tokens --tiny_digit_groups tokenizer and the ids Python gives for records, for
tests/unit/lookup-tokenizer.test.ts to check transformers.js against.

    python tests/python/make_lookup_vectors.py OUT_DIR

Records come from the generator (landlines in every format, postcodes, every layout),
plus edge cases around the digit groups and the place names. The ids are those of the
saved folder loaded back (twinscore.model.tokenizer.load_tokenizer), i.e. what training used.
"""

import json
import sys
from pathlib import Path

from twinscore import prompt
from twinscore.records.generate import generate
from twinscore.model.tiny import train_tokenizer
from twinscore.model.tokenizer import load_tokenizer

EDGES = [
    "电话：(0571)88234567，邮编：050000，座机057188234567",
    "吉林省吉林市船营区，0432-6234567，邮编132011，3100123，01012345678901",
    "新县城区东区西区矿区，0371-",
    "0571-1 (010) 010- 02012345678 0201234567 020123456789",
    "邮编 310012邮编310012 1310012 ３１００１２",
    "Tel: +86 (021)12345678 / 138 0571 2345 / 138-0571-2345 / 0571-0571-88",
    "内蒙古自治区呼和浩特市新城区，海西蒙古族藏族自治州",
]


def main(out: str) -> None:
    out = Path(out)
    texts = [r.text for r in generate(1500, seed=11)] + EDGES
    train_tokenizer(texts[:1000], 3000, place_tokens=True, digit_groups=True).save_pretrained(out)
    tok = load_tokenizer(out)
    cases = [{"text": t, "ids": tok(t, add_special_tokens=False)["input_ids"],
              "prompt_ids": prompt.encode(tok, t, prompt.LABEL_WRONG)} for t in texts]
    (out / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
