"""Records: what a correct record is (rules.py, docs/correct-records.md), the reference data it
is checked against, and the generator that writes correct records in every writing style and
wrong ones with one injected error each (twinscore-generate)."""
