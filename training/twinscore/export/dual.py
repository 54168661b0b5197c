"""Single-pass dual scoring: both label words scored in one sequence per record.

The two sequences of a record, ``record + 正确`` and ``record + 错误``, share every token up
to the label word. Instead of running both in full, one packed sequence holds

    [ shared prefix P | suffix A (正确…) | suffix B (错误…) | pad … ]

under a tree attention mask: P is causal as usual, A sees P and itself, B sees P and
itself but never A, and B's position ids restart where A's started. Every token then
sees exactly the keys, at exactly the positions, it sees in its own two-pass sequence,
so the hidden state of A's last token (and of B's) equals the two-pass one; the score
head reads those two states. The prefix, most of the record, is computed once.

The graph takes ``input_ids [N, T]`` and ``lengths [N, 3]`` (|P|, |A|, |B|) and returns
``rewards [N, 2]`` (reward with 正确, reward with 错误) and ``features [N, 2, H]``: the two
pooled hidden states the score head reads those rewards from (正确 first), for a model of
the user's own corrections to learn on (issue 43). ``rewards`` stays the first output, and
a caller that asks onnxruntime for it alone never copies ``features`` out. The graph builds
the mask, the position ids and the gather indices itself, so a caller only packs token ids.
src/core/dual.ts packs the same way; parity.json holds both sides to it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

INPUTS = ["input_ids", "lengths"]
OUTPUT = "rewards"
# The score head's input at the two label positions, [N, 2, hidden_size], float32.
FEATURES = "features"


def pack(ids_correct: list[int], ids_wrong: list[int]) -> tuple[list[int], tuple[int, int, int]]:
    """One record's packed token ids and its (prefix, correct suffix, wrong suffix) lengths.

    The prefix is the longest common token prefix, kept one token short of either
    sequence so each suffix holds at least its last token (the one the head reads).
    """
    limit = min(len(ids_correct), len(ids_wrong)) - 1
    p = 0
    while p < limit and ids_correct[p] == ids_wrong[p]:
        p += 1
    suffix_a, suffix_b = ids_correct[p:], ids_wrong[p:]
    return ids_correct[:p] + suffix_a + suffix_b, (p, len(suffix_a), len(suffix_b))


def pad_packed(packed: list[tuple[list[int], tuple[int, int, int]]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(ids) for ids, _ in packed)
    ids = np.full((len(packed), width), pad_id, dtype=np.int64)
    for i, (seq, _) in enumerate(packed):
        ids[i, : len(seq)] = seq
    return ids, np.array([lengths for _, lengths in packed], dtype=np.int64)


def score(run, ids_correct: list[list[int]], ids_wrong: list[list[int]], pad_id: int, batch_size: int = 32) -> np.ndarray:
    """Rewards [N, 2] for N records. ``run(ids, lengths) -> rewards`` is PyTorch's or onnxruntime's."""
    out = []
    for start in range(0, len(ids_correct), batch_size):
        packed = [pack(c, w) for c, w in zip(ids_correct[start : start + batch_size], ids_wrong[start : start + batch_size])]
        out.append(np.asarray(run(*pad_packed(packed, pad_id)), dtype=np.float64).reshape(-1, 2))
    return np.concatenate(out)


def score_features(run, ids_correct: list[list[int]], ids_wrong: list[list[int]], pad_id: int, batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Rewards [N, 2] and features [N, 2, H] (float32, as the graph returns them) for N records.
    ``run(ids, lengths) -> (rewards, features)``: a runner made with ``features=True``."""
    rewards, features = [], []
    for start in range(0, len(ids_correct), batch_size):
        packed = [pack(c, w) for c, w in zip(ids_correct[start : start + batch_size], ids_wrong[start : start + batch_size])]
        r, f = run(*pad_packed(packed, pad_id))
        rewards.append(np.asarray(r, dtype=np.float64).reshape(-1, 2))
        features.append(np.asarray(f, dtype=np.float32).reshape(len(packed), 2, -1))
    return np.concatenate(rewards), np.concatenate(features)


def p_correct(rewards: np.ndarray) -> np.ndarray:
    """P(correct) per record from score()'s rewards: the softmax over the two label words."""
    return 1.0 / (1.0 + np.exp(rewards[:, 1] - rewards[:, 0]))


def dual_module(model):
    """The HF sequence classifier wrapped as the packed-sequence graph (a torch Module)."""
    import torch

    class DualReward(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, lengths):
            t = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)  # [1, T]
            prefix, a, b = lengths[:, 0:1], lengths[:, 1:2], lengths[:, 2:3]  # [N, 1] each
            split = prefix + a  # where suffix B starts
            total = split + b
            in_a = (t >= prefix) & (t < split)
            in_b = t >= split
            position_ids = torch.where(in_b, t - a, t)
            query, key = t.unsqueeze(2), t.unsqueeze(1)  # [1, T, 1], [1, 1, T]
            # allowed = causal & not padding & not (B looking at A). Every operand is expanded
            # to [N, T, T] before the `And`s: onnxruntime-web's WebGPU `And` broadcasts
            # [1, T, T] with [N, 1, T] wrongly (seen at T=260: queries saw later keys).
            full = (input_ids.shape[0], input_ids.shape[1], input_ids.shape[1])
            causal = (key <= query).expand(full)
            real = (key < total.unsqueeze(2)).expand(full)
            b_sees_a = in_b.unsqueeze(2).expand(full) & in_a.unsqueeze(1).expand(full)
            mask = (causal & real & ~b_sees_a).unsqueeze(1)  # [N, 1, T, T], True = may attend (SDPA's boolean mask)
            hidden = self.inner.model(input_ids=input_ids, attention_mask=mask, position_ids=position_ids, use_cache=False).last_hidden_state
            last = torch.cat([split - 1, total - 1], dim=1)  # [N, 2]
            picked = torch.gather(hidden, 1, last.unsqueeze(2).expand(-1, -1, hidden.shape[2]))  # [N, 2, H]
            return self.inner.score(picked)[..., 0], picked

    return DualReward(model).eval()


def export_onnx(model, tokenizer, path: Path) -> None:
    import torch

    from .. import prompt

    record = "北京市海淀区学院路29号"
    seq, lengths = pack(prompt.encode(tokenizer, record, prompt.LABEL_CORRECT), prompt.encode(tokenizer, record, prompt.LABEL_WRONG))
    ids = torch.tensor([seq, seq])
    lens = torch.tensor([lengths, lengths])
    batch, seq_dim = torch.export.Dim("batch"), torch.export.Dim("sequence")
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        dual_module(model), (ids, lens), str(path),
        input_names=INPUTS, output_names=[OUTPUT, FEATURES],
        dynamic_shapes={"input_ids": {0: batch, 1: seq_dim}, "lengths": {0: batch}},
        dynamo=True, external_data=False, verbose=False,
    )


def torch_runner(model, features: bool = False):
    """``run(ids, lengths)`` -> rewards, or (rewards, features) with ``features=True``."""
    import torch

    module = dual_module(model)

    def run(ids, lengths):
        with torch.no_grad():
            rewards, picked = module(torch.from_numpy(ids), torch.from_numpy(lengths))
        return (rewards.float().numpy(), picked.float().numpy()) if features else rewards.float().numpy()

    return run


def onnx_runner(session, features: bool = False):
    """As torch_runner; onnxruntime is asked for ``features`` only when they are wanted."""
    def run(ids, lengths):
        out = session.run([OUTPUT, FEATURES] if features else [OUTPUT], {"input_ids": ids, "lengths": lengths})
        return (out[0], out[1]) if features else out[0]

    return run
