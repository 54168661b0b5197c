"""Datasets: labelled records read from the files people have, diagnosed, split by entity,
merged with reviewed corrections, and written as TRL preference pairs (twinscore-build-dataset)."""
