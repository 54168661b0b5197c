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
vocabulary made of two or more junk symbols, errors.junk_tokens_in: a tokenizer trained
on the records merged 1,398 such runs, most of them rare in the records, so their rows
barely trained; no correct record holds one), ``phone_letters`` (each token holding a Latin
letter but not a phone label's word ``Tel``, errors.letter_tokens_in: a correct record
spells letters in its label only, a phone of letters holds them) or a file of tokens, one
per line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TokenRowArguments:
    train_only_token_rows: str | None = field(
        default=None,
        metadata={"help": "Freeze every weight but these rows of the input embedding: 'area_codes' (each area "
                  "code's token), 'junk_symbols' (each token of two or more junk symbols), 'phone_letters' "
                  "(each token with a Latin letter, not 'Tel') or a file of tokens, one per line. Pairs holding none of them are dropped; "
                  "weight decay is turned off (it would shrink the frozen rows)."},
    )


def resolve_tokens(spec: str, tokenizer) -> list[int]:
    """The vocabulary ids of the tokens ``spec`` names; a token the vocabulary lacks is an error.

    A named set leaves out the prompt's own tokens (every pair holds them) and, for
    phone_letters, the special tokens; a file that names a prompt token is refused."""
    path = None
    if spec == "area_codes":
        from . import reference

        tokens = sorted(reference.load().area_codes)
        source = "the reference data's area codes"
    elif spec == "junk_symbols":
        from .errors import junk_tokens_in

        tokens = junk_tokens_in(tokenizer.get_vocab())
        source = "the vocabulary's junk-symbol tokens"
        if not tokens:
            raise SystemExit("--train_only_token_rows junk_symbols: the model's vocabulary has no token made of "
                             "two or more junk symbols")
    elif spec == "phone_letters":
        from .errors import letter_tokens_in

        special = set(tokenizer.all_special_tokens)  # <|endoftext|>, [UNK]: markers, not text
        tokens = [t for t in letter_tokens_in(tokenizer.get_vocab()) if t not in special]
        source = "the vocabulary's tokens with a letter"
        if not tokens:
            raise SystemExit("--train_only_token_rows phone_letters: the model's vocabulary has no token with a Latin "
                             "letter outside the phone labels")
    else:
        path = Path(spec)
        if not path.is_file():
            raise SystemExit(f"--train_only_token_rows: {spec} is neither 'area_codes', 'junk_symbols', "
                             "'phone_letters' nor a file of tokens")
        tokens = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        source = str(path)
        if not tokens:
            raise SystemExit(f"--train_only_token_rows: {path} lists no tokens")
    vocab = tokenizer.get_vocab()
    missing = [t for t in tokens if t not in vocab]
    if missing:
        raise SystemExit(f"--train_only_token_rows: {len(missing)} of {len(tokens)} tokens of {source} are not in the "
                         f"model's vocabulary (first: {missing[:5]}); a row that does not exist cannot be trained")
    ids = {vocab[t] for t in tokens}
    # A token of the prompt itself (the role name "user" is a token with letters) is in
    # every pair: training its row would move every record, correct ones too.
    in_prompt = ids & prompt_token_ids(tokenizer)
    if in_prompt and path is not None:
        raise SystemExit(f"--train_only_token_rows: {path} names tokens of the prompt itself, which every record holds "
                         f"({tokenizer.convert_ids_to_tokens(sorted(in_prompt))}); training them would move every record")
    return sorted(ids - in_prompt)


def prompt_token_ids(tokenizer) -> set[int]:
    """The ids every pair holds whatever its record: role names, markers, both label words."""
    from .prompt import LABEL_WORDS, encode

    records = ("", "张三，北京市朝阳区望京街道123号", "Tel: 138 0013 8000", "a#1")
    held = [{i for label in LABEL_WORDS for i in encode(tokenizer, record, label)} for record in records]
    return set.intersection(*held)


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
