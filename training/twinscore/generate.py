"""Realistic digital-twin records with a documented error taxonomy, deterministic by seed.

Every record comes from an *entity* (entities.py: a person with an address and a phone)
drawn from the real reference data in reference.py. A correct record renders the entity
in one of many layouts (layout.py: field order, separators, labels, optional fields,
phone formats) so that correct and wrong records look alike on the surface; a wrong
record renders the same way and then carries exactly one injected error of a class from
errors.py's ERROR_CLASSES. The injected error's span (code-point offsets) is kept for
the explanation tests. This module draws the records and writes them.

Schema that defines "correct" (the rules in rules.py check it):
- address = [province] city district street [road] house-number, all real and nested
  (the province may be left out; municipalities are written once: 北京市朝阳区…);
- postcode = 6 ASCII digits whose first two identify the address's province;
- phone = an 11-digit mobile in a segment libphonenumber knows, or a landline whose area
  code is the address's city's (any city's when the record has no address);
- ASCII digits only in the postcode and phone; house numbers 1-2999 without leading zero.

Usage: twinscore-generate --n 200000 --seed 1 --out data/twin-records.jsonl
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import rare, reference
from .entities import Entity, as_landline, carrying_entity, common_hanzi, entity, moved_to_city_with_area_code
from .errors import (ADDRESS_KINDS, ERROR_CLASSES, INJECT, NEEDS, area_code_city, junk_tokens,
                     letter_tokens)
from .layout import KINDS, SEPARATORS, find_segment, layout, render
from .record_template import SEPARATOR
from .records import RecordsError


@dataclass
class Record:
    text: str
    correct: bool
    error_class: str | None
    error_span: tuple[int, int] | None
    kind: str  # full / address / contact / address_postcode / name_phone
    entity: int
    # Structured truth the rules check (after any corruption).
    fields: dict = field(default_factory=dict)

    def row(self) -> dict:
        d = asdict(self)
        d["label"] = "correct" if self.correct else "wrong"
        d["error_span"] = list(self.error_span) if self.error_span else None
        return d

    def jsonl_line(self) -> str:
        """The record as a line of twinscore-generate's JSONL (the rules' structure left out)."""
        d = self.row()
        del d["fields"], d["correct"]
        return json.dumps(d, ensure_ascii=False) + "\n"



def make_record(rng: random.Random, ref: reference.Reference, e: Entity, error: str | None,
                twins: list[Record] | None = None, area_code: str | None = None,
                junk: list[str] | None = None, letters: list[str] | None = None, foreign_towns: float = 0.0) -> Record:
    """One record of e, with the error injected; with twins, a wrong record's correct twin
    (the same layout and separator, the error left out) is appended to it. area_code: with
    area_code_city, the wrong code to write (e must then be a landline in a city with one).
    junk: with junk_symbols, the tokens to draw the junk from (junk_tokens); letters: with
    phone_letters, the tokens to draw the letters from (letter_tokens); foreign_towns: with
    district_not_in_city, the share written as a town of another city (district_not_in_city's towns)."""
    own = e.district.city.area_code
    if area_code is not None and (error != "area_code_city" or not own or area_code == own):
        raise ValueError(f"area_code {area_code!r}: only with area_code_city, in a city that has a code of its own ({own}) and is not it")
    kinds = [k for k in KINDS if k in NEEDS.get(error, ADDRESS_KINDS if error else KINDS)]
    kind = rng.choice(kinds)
    if error == "area_code_city" and not e.landline:
        e = as_landline(rng, e)
    if error == "area_code_city" and not e.district.city.area_code:
        return make_record(rng, ref, moved_to_city_with_area_code(rng, ref, e), error, twins, junk=junk, letters=letters,
                           foreign_towns=foreign_towns)
    fields = layout(rng, e, kind)
    want_twin = error is not None and twins is not None
    # area_code_city's injection redraws the whole number: its twin mends the code alone
    clean = copy.deepcopy(fields) if want_twin and error != "area_code_city" else None
    if area_code is not None:
        area_code_city(rng, ref, e, fields, code=area_code)
    elif error:
        # each drawing option goes to its own class's injector, which draws as before when it is not set
        option = {"junk_symbols": {"tokens": junk}, "phone_letters": {"tokens": letters},
                  "district_not_in_city": {"towns": foreign_towns}}.get(error, {})
        INJECT[error](rng, ref, e, fields, **option)
    sep = SEPARATOR if all(s.kind != "label" or s.text in ("邮编：", "联系电话：") for segs in fields for s in segs) and rng.random() < 0.6 else rng.choice(SEPARATORS)
    if want_twin:
        twin = clean if clean is not None else _own_area_code(copy.deepcopy(fields), e)
        twins.append(_render_record(twin, sep, None, kind, e))
    return _render_record(fields, sep, error, kind, e)


def _own_area_code(fields, e: Entity):
    """area_code_city's fields with the city's own code where the wrong one is, in the same
    format and with the same local number (one digit longer for a 3-digit code, which takes
    8; drawn from nothing, so the seed's stream is untouched)."""
    seg = find_segment(fields, "phone", "value")
    a, b = seg.error
    wrong = seg.text[a:b].strip("()")
    own = e.district.city.area_code
    rest = seg.text[b:]
    dash = "-" if rest.startswith("-") else ""
    local = rest[len(dash):]
    if len(own) == 3 and len(local) == 7:
        local += local[-1]
    seg.text = seg.text[:a] + seg.text[a:b].replace(wrong, own) + dash + local
    seg.error = None
    return fields


def _render_record(fields, sep: str, error: str | None, kind: str, e: Entity) -> Record:
    text, spans = render(fields, sep)
    marked = [(a + seg.error[0], a + seg.error[1]) for seg, a, _ in spans if seg.error]
    span = (min(m[0] for m in marked), max(m[1] for m in marked)) if marked else None
    structure = [[{"field": s.field, "kind": s.kind, "text": s.text} for s in segs] for segs in fields]
    truth = {"city": e.district.city.code, "district": e.district.code, "structure": structure}
    return Record(text, error is None, error, span, kind, e.id, truth)


def check_share(name: str, share: float) -> None:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{name} {share}: a share, from 0 to 1")


def parse_focus(spec: str) -> dict[str, float]:
    """'area_code_city=4,postcode_region=4' -> {class: weight}; unknown classes and
    weights that are not positive numbers are refused with the list of valid classes."""
    focus: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, weight = part.partition("=")
        if name not in ERROR_CLASSES:
            raise ValueError(f"--focus: unknown error class {name!r}; the classes are {', '.join(ERROR_CLASSES)}")
        try:
            w = float(weight)  # "" (no "=") and "x" fail here, as nan and 0 fail below
        except ValueError:
            w = float("nan")
        if not w > 0:
            raise ValueError(f"--focus: {part!r} needs a positive weight, e.g. {name}=4")
        focus[name] = w
    return focus


FIELDS = ("name", "address", "postcode", "phone")


def leading_field(r: Record) -> str:
    """The field the record's text begins with (name, address, postcode or phone)."""
    return r.fields["structure"][0][0]["field"]


def generate(n: int, seed: int = 0, wrong_share: float = 0.5, per_entity: int = 2,
             focus: dict[str, float] | None = None, twins: bool = False, lead: str | None = None,
             junk: list[str] | None = None, rare_tokens: rare.RareDraw | None = None,
             letters: list[str] | None = None, foreign_towns: float = 0.0) -> list[Record]:
    """n records from n/per_entity entities; each entity yields correct and wrong variants.

    Several records per entity (one correct, others corrupted) teach the model the
    difference an error makes on the very same person and address, not a surface
    difference between two populations; splits are made by entity.

    focus weighs error classes (others weigh 1): a fine-tuning round can draw more of the
    classes a model still misses while the correct share stays wrong_share's complement.
    Without it the draws, and so every record of a seed, are those of earlier versions.

    twins adds, after each wrong record, its correct twin: the same record (layout,
    separator, values) without the error, so that one pair of texts differs by the error
    alone (for a wrong area code: the city's own code there instead). The n records are
    drawn as without it, twins come on top; they draw nothing from the seed's stream.

    lead keeps only the records whose first field is that one (a wrong record and its
    twin share a layout, so they stay together): the n records are drawn as without it
    and the rest dropped, so a round can be aimed at a layout the natural mix holds
    rarely (a postcode written first: about 3 % of postcode records) without changing a draw.

    junk draws junk symbols from these tokens (junk_tokens) instead of 1-4 symbols, and
    letters a phone's letters from these (letter_tokens) instead of 1-11 letters.

    foreign_towns writes that share of the district_not_in_city errors as a real town of
    another city's district under the record's own (right) district and city.

    rare_tokens draws each entity as one carrying a rare token (rare.py: each token as likely as
    another) instead of a city, a district and a street each as likely as another.
    """
    check_share("foreign_towns", foreign_towns)
    if lead is not None and lead not in FIELDS:
        raise ValueError(f"lead: {lead!r} is not a field; the fields are {', '.join(FIELDS)}")
    ref = reference.load()
    rng = random.Random(seed)
    classes = list(ERROR_CLASSES)
    weights = [focus.get(c, 1.0) for c in classes] if focus else None
    out: list[Record] = []
    seen: set[str] = set()
    drawn = 0  # records kept, twins not counted
    twin_texts: set[str] = set()
    i = 0
    while drawn < n:
        e = carrying_entity(rng, ref, i, rare_tokens.draw(rng)) if rare_tokens else entity(rng, ref, i)
        for _ in range(per_entity):
            if drawn >= n:
                break
            if rng.random() >= wrong_share:
                error = None
            else:
                error = rng.choices(classes, weights)[0] if weights else rng.choice(classes)
            made: list[Record] = []
            record = make_record(rng, ref, e, error, made if twins else None, junk=junk, letters=letters,
                                 foreign_towns=foreign_towns)
            if record.text in seen:  # an entity can render the same way twice: keep one
                continue
            seen.add(record.text)
            out.append(record)
            drawn += 1
            # A twin may repeat a correct record drawn later (same label; build-dataset
            # drops exact duplicates): checking the drawn records against the twins would
            # change which records a seed draws.
            for twin in made:
                if twin.text not in seen and twin.text not in twin_texts:
                    twin_texts.add(twin.text)
                    out.append(twin)
        i += 1
    return out if lead is None else [r for r in out if leading_field(r) == lead]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="twinscore-generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of records")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--wrong_share", type=float, default=0.5)
    ap.add_argument("--per_entity", type=int, default=2, help="records drawn from each person/address")
    ap.add_argument("--focus", default="", metavar="CLASS=W,...", help="weigh these error classes (others weigh 1), e.g. district_not_in_city=4")
    ap.add_argument("--twins", action="store_true", help="after each wrong record, add its correct twin: the same record without the error (more than N records in all)")
    ap.add_argument("--lead", choices=FIELDS, help="write only the records that begin with this field (drawn as without it, the others dropped): fewer than N records")
    ap.add_argument("--junk_from", metavar="TOKENIZER_JSON", help="draw junk symbols as one of this tokenizer's multi-symbol tokens, each as likely, instead of 1-4 symbols (a round that trains every such token's embedding)")
    ap.add_argument("--letters_from", metavar="TOKENIZER_JSON", help="draw a phone's letters as one of this tokenizer's letter tokens a phone can hold, each as likely, over its digits (a round that trains every such token's embedding)")
    ap.add_argument("--letters_after_label", action="store_true", help="with --letters_from: also draw the tokens a phone label's colon makes with the phone's first letters (：lo), written at the phone's start after a label ending in that colon")
    ap.add_argument("--foreign_towns", type=float, default=0.0, metavar="SHARE", help="write this share of the district_not_in_city errors as a real town of another city under the record's own district (a probe of town lookups: the model was never trained on them)")
    ap.add_argument("--rare_from", metavar="TOKENIZER_JSON", help="draw each entity as one whose records carry a token of this tokenizer that --rare_in's records hold rarely, each token as likely (a round that trains every rare token's embedding)")
    ap.add_argument("--rare_in", nargs="+", metavar="JSONL", help="with --rare_from: the training records whose tokens are counted")
    ap.add_argument("--rare_below", type=int, default=100, help="with --rare_from: a token is rare when fewer records than this hold it")
    ap.add_argument("--out", required=True, help="output .jsonl (text,label,error_class,error_span,kind,entity) or .csv")
    args = ap.parse_args(argv)
    try:
        focus = parse_focus(args.focus)
        junk = junk_tokens(args.junk_from) if args.junk_from else None
        if args.letters_after_label and not args.letters_from:
            raise ValueError("--letters_after_label draws from --letters_from's tokenizer: give both")
        letters = letter_tokens(args.letters_from, args.letters_after_label) if args.letters_from else None
        check_share("--foreign_towns", args.foreign_towns)
        if bool(args.rare_from) != bool(args.rare_in):
            raise ValueError("--rare_from and --rare_in go together: the tokenizer, and the records whose tokens are counted")
        draw = rare.rare_draw(args.rare_from, args.rare_in, args.rare_below, reference.load(), common_hanzi()) if args.rare_from else None
    except (ValueError, RecordsError) as e:
        ap.error(str(e))
    if draw:
        print(f"twinscore-generate: {rare.summary(draw)}", file=sys.stderr)
    records = generate(args.n, args.seed, args.wrong_share, args.per_entity, focus, args.twins, args.lead, junk, draw, letters,
                       args.foreign_towns)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".csv":
        import csv

        with out.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["record", "label", "error_class"])
            for r in records:
                w.writerow([r.text, "correct" if r.correct else "wrong", r.error_class or ""])
    else:
        with out.open("w", encoding="utf-8") as f:
            for r in records:
                f.write(r.jsonl_line())
    print(f"twinscore-generate: wrote {len(records)} records to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
