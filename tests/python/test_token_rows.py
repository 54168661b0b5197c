"""--train_only_token_rows: the real TRL trainer moves the named embedding rows and nothing else."""

import collections
import json
import re

import pytest
import torch
from transformers import AutoModelForSequenceClassification

from tests.python.conftest import run
from twinscore.token_rows import prompt_token_ids
from twinscore.tokenizer import load_tokenizer


def rows_file(pipeline, path):
    """A token that some pairs of the toy data hold and most do not, written as the vocabulary spells it."""
    tok = load_tokenizer(pipeline["run"])
    texts = [json.loads(line)["chosen"][0]["content"] for line in open(pipeline["data"] / "train.jsonl", encoding="utf-8")]
    seen = collections.Counter(i for text in texts for i in set(tok(text)["input_ids"]))
    token_id = min((i for i, n in seen.items() if 0.05 * len(texts) <= n <= 0.3 * len(texts)), key=lambda i: (seen[i], i))
    path.write_text(tok.convert_ids_to_tokens(token_id) + "\n", encoding="utf-8")
    return token_id, seen[token_id], len(texts)


def train_rows(pipeline, out, rows, *extra, check=True):
    return run(
        "twinscore.train", "--model_name_or_path", str(pipeline["run"]), "--dataset_name", str(pipeline["data"]),
        "--output_dir", str(out), "--train_only_token_rows", str(rows), "--max_steps", "6",
        "--per_device_train_batch_size", "8", "--learning_rate", "5e-2", "--weight_decay", "0.1",
        "--eval_strategy", "no", "--save_strategy", "no", "--report_to", "none", "--max_length", "256",
        *extra, check=check,
    )


def test_only_the_named_rows_move_and_pairs_without_them_are_dropped(pipeline, tmp_path):
    token_id, holding, total = rows_file(pipeline, tmp_path / "rows.txt")
    result = train_rows(pipeline, tmp_path / "out", tmp_path / "rows.txt")
    # every pair holds the record on both sides, so a pair holds the token iff its record does
    assert f"{holding} of {total} pairs hold one of them" in result.stderr

    before = AutoModelForSequenceClassification.from_pretrained(pipeline["run"]).state_dict()
    after = AutoModelForSequenceClassification.from_pretrained(tmp_path / "out").state_dict()
    embedding = next(name for name in before if name.endswith("embed_tokens.weight"))
    for name, weight in before.items():
        if name != embedding:
            assert torch.equal(weight, after[name]), f"{name} moved"
    moved = (before[embedding] != after[embedding]).any(dim=1).nonzero().flatten().tolist()
    # weight decay was asked for (0.1) and turned off: no other row shrank
    assert moved == [token_id]


def test_junk_symbols_moves_the_junk_tokens_rows_alone(pipeline, tmp_path):
    # the toy records hold junk (#?@!): the tiny tokenizer merged some runs of it
    from twinscore.errors import junk_tokens_in

    vocab = load_tokenizer(pipeline["run"]).get_vocab()
    junk = {vocab[t] for t in junk_tokens_in(vocab)}
    assert len(junk) > 5
    result = train_rows(pipeline, tmp_path / "out", "junk_symbols")
    assert f"only {len(junk)} embedding rows (junk_symbols) train" in result.stderr
    before = AutoModelForSequenceClassification.from_pretrained(pipeline["run"]).state_dict()
    after = AutoModelForSequenceClassification.from_pretrained(tmp_path / "out").state_dict()
    embedding = next(name for name in before if name.endswith("embed_tokens.weight"))
    assert all(torch.equal(w, after[n]) for n, w in before.items() if n != embedding)
    moved = set((before[embedding] != after[embedding]).any(dim=1).nonzero().flatten().tolist())
    assert moved and moved <= junk


def test_phone_letters_moves_the_letter_tokens_rows_alone(pipeline, tmp_path):
    # the toy records hold phones of letters and correct ones labelled Tel
    from twinscore.errors import letter_tokens_in

    tok = load_tokenizer(pipeline["run"])
    vocab = tok.get_vocab()
    # the prompt's own tokens with letters ("user", "assistant") are in every pair, and
    # the special tokens are markers: both left out
    prompt = prompt_token_ids(tok) | set(tok.all_special_ids)
    letters = {vocab[t] for t in letter_tokens_in(vocab)}
    assert len(letters - prompt) > 5 and letters & prompt
    result = train_rows(pipeline, tmp_path / "out", "phone_letters")
    assert f"only {len(letters - prompt)} embedding rows (phone_letters) train" in result.stderr
    holding, total = map(int, re.search(r"; (\d+) of (\d+) pairs hold", result.stderr).groups())
    assert 0 < holding < total
    before = AutoModelForSequenceClassification.from_pretrained(pipeline["run"]).state_dict()
    after = AutoModelForSequenceClassification.from_pretrained(tmp_path / "out").state_dict()
    embedding = next(name for name in before if name.endswith("embed_tokens.weight"))
    assert all(torch.equal(w, after[n]) for n, w in before.items() if n != embedding)
    moved = set((before[embedding] != after[embedding]).any(dim=1).nonzero().flatten().tolist())
    assert moved and moved <= letters - prompt


def test_a_token_outside_the_vocabulary_is_refused_by_name_before_training(pipeline, tmp_path):
    (tmp_path / "rows.txt").write_text("0571\n不在词表里的词\n", encoding="utf-8")
    result = train_rows(pipeline, tmp_path / "out", tmp_path / "rows.txt", check=False)
    assert result.returncode != 0
    assert "2 of 2 tokens" in result.stderr and "不在词表里的词" in result.stderr
    assert not (tmp_path / "out" / "model.safetensors").exists()


def test_rows_are_refused_with_a_fresh_tiny_model_or_a_missing_file(pipeline, tmp_path):
    tiny = run("twinscore.train", "--dataset_name", str(pipeline["data"]), "--output_dir", str(tmp_path / "t"), "--tiny",
               "--train_only_token_rows", "area_codes", "--max_steps", "1", "--report_to", "none", check=False)
    assert tiny.returncode != 0 and "not with --use_peft or --tiny" in tiny.stderr
    missing = train_rows(pipeline, tmp_path / "out", tmp_path / "no-such-file.txt", check=False)
    assert missing.returncode != 0 and "neither 'area_codes', 'junk_symbols', 'phone_letters' nor a file of tokens" in missing.stderr


def test_a_token_of_the_prompt_itself_is_refused(pipeline, tmp_path):
    (tmp_path / "rows.txt").write_text("user\n", encoding="utf-8")
    result = train_rows(pipeline, tmp_path / "out", tmp_path / "rows.txt", check=False)
    assert result.returncode != 0 and "names tokens of the prompt itself" in result.stderr and "'user'" in result.stderr
    assert not (tmp_path / "out" / "model.safetensors").exists()


def test_an_empty_token_file_is_refused(pipeline, tmp_path):
    (tmp_path / "rows.txt").write_text("\n  \n", encoding="utf-8")
    result = train_rows(pipeline, tmp_path / "out", tmp_path / "rows.txt", check=False)
    assert result.returncode != 0 and "rows.txt lists no tokens" in result.stderr


def test_tokens_no_pair_holds_are_refused_before_training(pipeline, tmp_path):
    tok = load_tokenizer(pipeline["run"])
    held = set()
    for line in open(pipeline["data"] / "train.jsonl", encoding="utf-8"):
        pair = json.loads(line)
        for side in ("chosen", "rejected"):
            held.update(tok(tok.apply_chat_template(pair[side], tokenize=False), add_special_tokens=False)["input_ids"])
    unused = next(i for i in range(len(tok)) if i not in held and i not in tok.all_special_ids)
    (tmp_path / "rows.txt").write_text(tok.convert_ids_to_tokens(unused) + "\n", encoding="utf-8")
    result = train_rows(pipeline, tmp_path / "out", tmp_path / "rows.txt", check=False)
    assert result.returncode != 0 and "holds a token of" in result.stderr
    assert not (tmp_path / "out" / "model.safetensors").exists()


def test_junk_symbols_is_refused_for_a_vocabulary_without_junk_tokens():
    # a real (word-level) fast tokenizer whose vocabulary holds single symbols only
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    from twinscore.token_rows import resolve_tokens

    tok = PreTrainedTokenizerFast(tokenizer_object=Tokenizer(WordLevel({"[UNK]": 0, "镇": 1, "#": 2, "a#": 3}, unk_token="[UNK]")))
    with pytest.raises(SystemExit, match="junk_symbols: the model's vocabulary has no token made of two or more junk symbols"):
        resolve_tokens("junk_symbols", tok)


def test_phone_letters_is_refused_for_a_vocabulary_whose_only_letters_are_tel():
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    from twinscore.token_rows import resolve_tokens

    tok = PreTrainedTokenizerFast(tokenizer_object=Tokenizer(WordLevel({"[UNK]": 0, "镇": 1, "Tel": 2, "，Tel": 3, "7": 4}, unk_token="[UNK]")), unk_token="[UNK]")
    with pytest.raises(SystemExit, match="phone_letters: the model's vocabulary has no token with a Latin letter outside the phone labels"):
        resolve_tokens("phone_letters", tok)
