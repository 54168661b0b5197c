"""twinscore: the training side of the digital-twin data-quality scorer.

records -> build_dataset (TRL preference JSONL) -> train (TRL RewardTrainer) -> export
(ONNX + int8 + manifest + parity vectors into public/models/<name>/).
"""
