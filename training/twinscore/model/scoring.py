"""Reference scoring in Python: the seed's rule, batched, on PyTorch or onnxruntime.

A record is scored twice, once with each label word; P(correct) is the softmax of the
two rewards, i.e. sigmoid(r_correct - r_wrong). Sequences are right-padded with the pad
token: a decoder classifier pools the last non-pad token, and Qwen2 numbers positions
from the left, so right padding leaves every real token's position (and reward) as it
is unpadded. src/core/batch.ts pads the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..prompt import LABEL_CORRECT, LABEL_WRONG, encode, fit_record


@dataclass
class Scored:
    record: str
    fitted: str
    truncated: bool
    ids_correct: list[int]
    ids_wrong: list[int]
    reward_correct: float = math.nan
    reward_wrong: float = math.nan

    @property
    def p_correct(self) -> float:
        return 1.0 / (1.0 + math.exp(-(self.reward_correct - self.reward_wrong)))


def prepare(tokenizer, records: list[str], max_length: int) -> list[Scored]:
    out = []
    for record in records:
        fitted, truncated = fit_record(tokenizer, record, max_length)
        out.append(Scored(record, fitted, truncated, encode(tokenizer, fitted, LABEL_CORRECT), encode(tokenizer, fitted, LABEL_WRONG)))
    return out


def pad_right(sequences: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(s) for s in sequences)
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for i, s in enumerate(sequences):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return ids, mask


def score(run, items: list[Scored], pad_id: int, batch_size: int = 32) -> list[Scored]:
    """Fill in both rewards. ``run(ids, mask) -> rewards`` is PyTorch's or onnxruntime's."""
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        ids, mask = pad_right([s.ids_correct for s in batch] + [s.ids_wrong for s in batch], pad_id)
        rewards = np.asarray(run(ids, mask), dtype=np.float64).reshape(-1)
        for i, s in enumerate(batch):
            s.reward_correct, s.reward_wrong = float(rewards[i]), float(rewards[len(batch) + i])
    return items


def model_dir_problem(model_dir: str) -> str | None:
    """Which of a trained folder's config.json and tokenizer.json model_dir lacks, said for a
    --model_dir option, or None. The miners check this before their minutes of reading and
    scoring; it is not all p_correct_of needs (the weights are found by transformers)."""
    missing = [name for name in ("config.json", "tokenizer.json") if not (Path(model_dir) / name).is_file()]
    return f"--model_dir {model_dir}: no {' or '.join(missing)} there (a folder twinscore-train wrote)" if missing else None


def p_correct_of(model_dir: str, texts: list[str], max_length: int, batch_size: int, by_length: bool = False) -> np.ndarray:
    """P(correct) of each text under a trained model folder (PyTorch, fp32), in the texts'
    order. by_length batches texts of like length together (less padding, so faster on
    many texts; rewards can differ from file-order batches in the last float bits)."""
    from transformers import AutoModelForSequenceClassification

    from .tokenizer import load_tokenizer

    tok = load_tokenizer(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    items = prepare(tok, texts, max_length)
    batches = sorted(items, key=lambda s: len(s.ids_correct)) if by_length else items
    score(torch_runner(model), batches, tok.pad_token_id, batch_size=batch_size)
    return np.array([s.p_correct for s in items])


def torch_runner(model):
    import torch

    def run(ids, mask):
        with torch.no_grad():
            return model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask), use_cache=False).logits[:, 0].float().numpy()

    return run


def onnx_runner(session):
    def run(ids, mask):
        return session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0][:, 0]

    return run
