"""The README is a user guide read in five minutes: within its length, and every file it links to is there."""

import re

from tests.python.conftest import ROOT


def test_readme_stays_within_ten_thousand_characters():
    assert len((ROOT / "README.md").read_text(encoding="utf-8")) <= 10_000


def test_every_file_the_readme_and_the_docs_link_to_exists():
    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+)\)", doc.read_text(encoding="utf-8")):
            if not target.startswith("http"):
                assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which is not there"
