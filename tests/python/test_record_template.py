import json
from pathlib import Path

from twinscore.record_template import compose, manifest_entry

VECTORS = Path(__file__).parents[1] / "vectors" / "record-template.json"


def test_seed_record_is_the_canonical_layout():
    values = {"phone": "13812345678", "postcode": "100102", "address": "北京市朝阳区望京街道123号院5号楼", "name": "张三"}
    assert compose(values) == "张三，北京市朝阳区望京街道123号院5号楼，邮编：100102，联系电话：13812345678"


def test_shared_vectors_hold():
    # The TypeScript twin is asserted against the same file (tests/unit/record-template.test.ts).
    for case in json.loads(VECTORS.read_text(encoding="utf-8")):
        assert compose(case["values"]) == case["record"]


def test_manifest_entry_lists_fields_in_order():
    assert [f["key"] for f in manifest_entry()["fields"]] == ["name", "address", "postcode", "phone"]
