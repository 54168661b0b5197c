"""The tokens a training split holds rarely, and the entities whose records carry each.

The records draw a city, then one of its districts, then one of its streets, each as
likely as another; a token that only one town's name holds (预 of 吴忠市同心县预旺镇)
reaches a few dozen records of half a million, and its embedding stays barely trained.
The default model erred twice as often on records holding a token seen in fewer than a
hundred records of its first training split (0.45-0.65 % against 0.19-0.35 %, on the
validation and test splits and 20,000 fresh records), and the record holding 预 was the
test split's one wrong area code it passed: every other town of that county, same
record, scored below 0.0001, 预旺镇 0.64, and its correct twin only 0.80.

A round that draws its entities by these tokens (generate's --rare_from) gives each one
as many records as another. A token is carried by a street whose address (province, city,
district, street, as the records write it) the tokenizer cuts into it, or else, a single
common hanzi, by a person's given name.

Measured, it did not help: one anchored CPU round from the default model on 120,000 such
records (1,859 tokens; with twins) left the error rate on rare-token records where it was
(15 -> 17 of 3,365 fresh ones), validation fell 99.65 -> 99.62 % and 预's record stayed
passed (0.64 -> 0.72). Another rare character in 预's place (硐旺镇, 颡旺镇), same record, is
caught: it is not that 预's row was seen too rarely (training/default-model-notes.md). Its
row takes the label's attention wherever it stands; swing_tokens finds such rows and resets them.
"""

from __future__ import annotations

import collections
import random
from dataclasses import dataclass
from pathlib import Path

from . import reference
from .layout import address_parts
from .records import RecordsError, json_objects


@dataclass(frozen=True)
class Carrier:
    """Where a record carries a token: a street of a district, or a given name's last character."""

    district: reference.District | None = None
    street: str | None = None
    given: str | None = None


def tokenizer_of(path: str | Path):
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_file(str(path))
    except Exception as err:  # tokenizers raises its own Exception subclass for every bad file
        raise ValueError(f"{path}: not a tokenizer.json ({err})") from None


def record_counts(tok, paths: list[str | Path]) -> collections.Counter:
    """For each token id, the number of records (lines of these JSONL files) holding it."""
    texts = []
    for path in paths:
        if not Path(path).is_file():
            raise RecordsError(f"{path}: no such file (the training records whose tokens are counted)")
        for at, obj in json_objects(Path(path)):
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise RecordsError(f"{path} {at}: not a record with a text (an object with \"text\")")
            texts.append(obj["text"])
    counts: collections.Counter = collections.Counter()
    for enc in tok.encode_batch(texts, add_special_tokens=False):
        counts.update(set(enc.ids))
    return counts


def address_text(d: reference.District, street: str) -> str:
    """The address up to the street, as the records write it with its province."""
    return "".join(text for _, text in address_parts(d, street, province=True))


def carriers(tok, ref: reference.Reference, ids: set[int], hanzi: str) -> dict[int, list[Carrier]]:
    """Each id of ids that some record can carry, with every carrier of it: the streets whose
    address holds it, or else (a single character of hanzi) a given name."""
    streets = [(d, s) for d in ref.districts for s in d.streets]
    found: dict[int, list[Carrier]] = collections.defaultdict(list)
    for (d, s), enc in zip(streets, tok.encode_batch([address_text(d, s) for d, s in streets], add_special_tokens=False)):
        for i in set(enc.ids) & ids:
            found[i].append(Carrier(district=d, street=s))
    names = set(hanzi)
    for i in ids - set(found):
        text = tok.decode([i])
        if len(text) == 1 and text in names and tok.encode(text, add_special_tokens=False).ids == [i]:
            found[i].append(Carrier(given=text))
    return dict(found)


@dataclass
class RareDraw:
    """Draws a carrier: a rare token, each as likely as another, then one of its carriers."""

    ids: list[int]
    by_id: dict[int, list[Carrier]]
    left_out: int  # rare ids no record can carry (byte pieces, junk or letter runs...)

    def draw(self, rng: random.Random) -> Carrier:
        return rng.choice(self.by_id[rng.choice(self.ids)])


def rare_draw(tokenizer_json: str | Path, data: list[str | Path], below: int, ref: reference.Reference,
              hanzi: str) -> RareDraw:
    if below < 1:
        raise ValueError(f"--rare_below {below}: must be at least 1 (the tokens held by fewer records than it)")
    tok = tokenizer_of(tokenizer_json)
    counts = record_counts(tok, data)
    rare = {i for i in range(tok.get_vocab_size()) if counts[i] < below}
    by_id = carriers(tok, ref, rare, hanzi)
    if not by_id:
        raise ValueError(f"{tokenizer_json}: no token held by fewer than {below} records of {', '.join(map(str, data))} is carried by an address or a name")
    return RareDraw(sorted(by_id), by_id, len(rare) - len(by_id))


def summary(draw: RareDraw) -> str:
    streets = sum(1 for i in draw.ids if draw.by_id[i][0].street is not None)
    return (f"{len(draw.ids)} rare tokens drawn, each as likely ({streets} by a street, "
            f"{len(draw.ids) - streets} by a name); {draw.left_out} rare tokens no record carries")

