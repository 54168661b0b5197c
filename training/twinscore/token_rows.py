"""Train a few rows of the input embedding and nothing else.

A wrong area code is a lookup: the city's token against the code's token. The shipped
model reads both, but its rounds on whole records ended with about one code in twenty
still taken for its city's, while every other class was where it should be; each round
that weighed the area code moved the other classes and the false alarms too. With
``--train_only_token_rows area_codes`` every weight is frozen but the area codes' rows of
the embedding: a record without a landline scores exactly as before (none of its inputs
changed), so such a round can only move what a code token touches. Pairs that hold none
of the trained tokens would teach nothing and are dropped before training.

The rows are chosen by the token: ``area_codes`` (each area code of the reference data
that is one token of the model's vocabulary), ``junk_symbols`` (each token of the
vocabulary made of two or more junk symbols, generate.junk_tokens_in: a tokenizer trained
on the records merged 1,398 such runs, most of them rare in the records, so their rows
barely trained; no correct record holds one) or a file of tokens, one per line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TokenRowArguments:
    train_only_token_rows: str | None = field(
        default=None,
        metadata={"help": "Freeze every weight but these rows of the input embedding: 'area_codes' (each area "
                  "code's token), 'junk_symbols' (each token of two or more junk symbols) or a file of tokens, one per line. Pairs holding none of them are dropped; "
                  "weight decay is turned off (it would shrink the frozen rows)."},
    )


def resolve_tokens(spec: str, tokenizer) -> list[int]:
    """The vocabulary ids of the tokens ``spec`` names; a token the vocabulary lacks is an error."""
    if spec == "area_codes":
        from . import reference

        tokens = sorted(reference.load().area_codes)
        source = "the reference data's area codes"
    elif spec == "junk_symbols":
        from .generate import junk_tokens_in

        tokens = junk_tokens_in(tokenizer.get_vocab())
        source = "the vocabulary's junk-symbol tokens"
        if not tokens:
            raise SystemExit("--train_only_token_rows junk_symbols: the model's vocabulary has no token made of "
                             "two or more junk symbols")
    else:
        path = Path(spec)
        if not path.is_file():
            raise SystemExit(f"--train_only_token_rows: {spec} is neither 'area_codes', 'junk_symbols' nor a file of tokens")
        tokens = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        source = str(path)
        if not tokens:
            raise SystemExit(f"--train_only_token_rows: {path} lists no tokens")
    vocab = tokenizer.get_vocab()
    missing = [t for t in tokens if t not in vocab]
    if missing:
        raise SystemExit(f"--train_only_token_rows: {len(missing)} of {len(tokens)} tokens of {source} are not in the "
                         f"model's vocabulary (first: {missing[:5]}); a row that does not exist cannot be trained")
    return sorted({vocab[t] for t in tokens})


def freeze_all_but_rows(model, ids: list[int]) -> None:
    """Leave only the input embedding trainable, and only its rows ``ids``."""
    import torch

    embedding = model.get_input_embeddings()
    for param in model.parameters():
        param.requires_grad_(False)
    embedding.weight.requires_grad_(True)
    mask = torch.zeros(embedding.weight.shape[0], 1, dtype=embedding.weight.dtype, device=embedding.weight.device)
    mask[ids] = 1
    # Adam moves a row only where its gradient ever was non-zero, so masking the
    # gradient keeps every other row exactly as it was (weight decay is off).
    embedding.weight.register_hook(lambda grad: grad * mask)


def keep_pairs_with(dataset, ids: list[int]):
    """The pairs whose chosen or rejected tokens hold one of ``ids`` (TRL's tokenized columns)."""
    wanted = set(ids)
    return dataset.filter(lambda ex: not wanted.isdisjoint(ex["chosen_ids"]) or not wanted.isdisjoint(ex["rejected_ids"]))
