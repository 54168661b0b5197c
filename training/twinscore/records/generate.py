"""Realistic digital-twin records with a documented error taxonomy, deterministic by seed.

Every record comes from an *entity* (entities.py: a person with an address and a phone)
drawn from the real reference data in reference.py. A correct record renders the entity
in one of many layouts (layout.py: field order, separators, labels, optional fields,
phone formats) so that correct and wrong records look alike on the surface; a wrong
record renders the same way and then carries exactly one injected error of a class from
errors.py's ERROR_CLASSES. The injected error's span (code-point offsets) is kept for
the explanation tests. This module draws the records and writes them.

What "correct" means is docs/correct-records.md, checked by rules.py. Each record is
tagged with the writing styles it shows (layout.STYLES); --hold_out leaves every record of
some styles out (a model trained without them is measured on them), --only keeps those
of one style (the records it is measured on).

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

from . import reference
from .entities import Entity, as_landline, entity, moved_to_city_with_area_code
from .errors import ERROR_CLASSES, INJECT, area_code_city, kinds_for
from .layout import KIND_WEIGHTS, SEPARATORS, STYLES, find_segment, layout, render, styles_of
from ..record_template import SEPARATOR


@dataclass
class Record:
    text: str
    correct: bool
    error_class: str | None
    error_span: tuple[int, int] | None
    kind: str  # layout.KINDS: which fields the record holds
    entity: int
    styles: list[str] = field(default_factory=list)  # layout.STYLES the record is written in
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
                hold_out: frozenset[str] = frozenset()) -> Record:
    """One record of e, with the error injected; with twins, a wrong record's correct twin
    (the same layout and separator, the error left out) is appended to it. area_code: with
    area_code_city, the wrong code to write (e must then be a landline in a city with one).
    hold_out: styles (layout.STYLES) the layout does not draw where it can choose."""
    own = e.district.city.area_code
    if area_code is not None and (error != "area_code_city" or not own or area_code == own):
        raise ValueError(f"area_code {area_code!r}: only with area_code_city, in a city that has a code of its own ({own}) and is not it")
    kinds = kinds_for(error)
    kind = rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
    if error == "area_code_city" and not e.landline:
        e = as_landline(rng, e)
    if error == "area_code_city" and not e.district.city.area_code:
        return make_record(rng, ref, moved_to_city_with_area_code(rng, ref, e), error, twins, hold_out=hold_out)
    fields = layout(rng, e, kind, hold_out, labelled=error == "swapped_fields")
    want_twin = error is not None and twins is not None
    # area_code_city's injection redraws the whole number: its twin mends the code alone
    clean = copy.deepcopy(fields) if want_twin and error != "area_code_city" else None
    canonical = all(s.kind != "label" or s.text in ("邮编：", "联系电话：") for segs in fields for s in segs) and rng.random() < 0.6
    styles = styles_of(fields, e, canonical)
    if area_code is not None:
        area_code_city(rng, ref, e, fields, code=area_code)
    elif error:
        INJECT[error](rng, ref, e, fields)
    sep = SEPARATOR if canonical else rng.choice(SEPARATORS)
    if want_twin:
        twin = clean if clean is not None else _own_area_code(copy.deepcopy(fields), e)
        twins.append(_render_record(twin, sep, None, kind, e, styles))
    return _render_record(fields, sep, error, kind, e, styles)


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


def _render_record(fields, sep: str, error: str | None, kind: str, e: Entity, styles: list[str]) -> Record:
    text, spans = render(fields, sep)
    marked = [(a + seg.error[0], a + seg.error[1]) for seg, a, _ in spans if seg.error]
    span = (min(m[0] for m in marked), max(m[1] for m in marked)) if marked else None
    structure = [[{"field": s.field, "kind": s.kind, "text": s.text} for s in segs] for segs in fields]
    truth = {"city": e.district.city.code, "district": e.district.code, "structure": structure}
    return Record(text, error is None, error, span, kind, e.id, styles, truth)


def parse_styles(spec: str, option: str) -> frozenset[str]:
    """'phone_first,spaced' -> the styles; an unknown one is refused with the list of styles."""
    styles = frozenset(filter(None, (p.strip() for p in spec.split(","))))
    unknown = sorted(styles - set(STYLES))
    if unknown:
        raise ValueError(f"{option}: unknown style {', '.join(map(repr, unknown))}; the styles are {', '.join(STYLES)}")
    return styles


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


def generate(n: int, seed: int = 0, wrong_share: float = 0.5, per_entity: int = 2,
             focus: dict[str, float] | None = None, twins: bool = False,
             hold_out: frozenset[str] = frozenset(), only: frozenset[str] = frozenset()) -> list[Record]:
    """n records from n/per_entity entities; each entity yields correct and wrong variants.

    Several records per entity (one correct, others corrupted) teach the model the
    difference an error makes on the very same person and address, not a surface
    difference between two populations; splits are made by entity.

    focus weighs error classes (others weigh 1): a fine-tuning round can draw more of the
    classes a model still misses while the correct share stays wrong_share's complement.

    twins adds, after each wrong record, its correct twin: the same record (layout,
    separator, values) without the error, so that one pair of texts differs by the error
    alone (for a wrong area code: the city's own code there instead). The n records are
    drawn as without it, twins come on top.

    hold_out: no record shows one of these styles (layout.STYLES): the layout does not
    draw them where it chooses (a short city, spaces, a landmark, the phone first) and the
    records that show one all the same (an address without a town in a full record) are
    dropped. only: the records that show every one of these styles, the others dropped.
    """
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
        e = entity(rng, ref, i)
        for _ in range(per_entity):
            if drawn >= n:
                break
            if rng.random() >= wrong_share:
                error = None
            else:
                error = rng.choices(classes, weights)[0] if weights else rng.choice(classes)
            made: list[Record] = []
            record = make_record(rng, ref, e, error, made if twins else None, hold_out=hold_out)
            if record.text in seen or hold_out & set(record.styles) or not only <= set(record.styles):
                continue  # an entity can render the same way twice: keep one
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
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="twinscore-generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of records")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--wrong_share", type=float, default=0.5)
    ap.add_argument("--per_entity", type=int, default=2, help="records drawn from each person/address")
    ap.add_argument("--focus", default="", metavar="CLASS=W,...", help="weigh these error classes (others weigh 1), e.g. district_not_in_city=4")
    ap.add_argument("--twins", action="store_true", help="after each wrong record, add its correct twin: the same record without the error (more than N records in all)")
    ap.add_argument("--hold_out", default="", metavar="STYLE,...", help=f"write no record in these styles ({', '.join(STYLES)}): a model trained without them is measured on them")
    ap.add_argument("--only", default="", metavar="STYLE,...", help="write only records in every one of these styles (fewer draws are kept: N records are still written)")
    ap.add_argument("--out", required=True, help="output .jsonl (text,label,error_class,error_span,kind,entity) or .csv")
    args = ap.parse_args(argv)
    try:
        focus = parse_focus(args.focus)
        hold_out = parse_styles(args.hold_out, "--hold_out")
        only = parse_styles(args.only, "--only")
        if hold_out & only:
            raise ValueError(f"--only {','.join(sorted(only))} and --hold_out {','.join(sorted(hold_out))} share a style: no record could be written")
    except ValueError as e:
        ap.error(str(e))
    records = generate(args.n, args.seed, args.wrong_share, args.per_entity, focus, args.twins, hold_out, only)
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
