"""A small random-initialised Qwen2 reward model and a tokenizer trained on the records.

There is no model hub here, so tests, CI and the bootstrap model start from this:
the Qwen2 architecture (the same class TRL loads for Qwen/Qwen2-0.5B-Instruct) at a
size that trains in minutes on a CPU, and a byte-level BPE tokenizer with Qwen2's
pre-tokenizer (digits split one by one, which matters for phone numbers and postcodes)
and our ChatML template, so any unseen character still has a byte fallback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..prompt import CHAT_TEMPLATE, LABEL_WORDS, PAD_TOKEN, SPECIAL_TOKENS

# The split's letters alternative, as Qwen2 writes it: one optional mark, then letters.
LETTERS = r"[^\r\n\p{L}\p{N}]?\p{L}+"
# The same with the mark refused where it is a colon before a Latin letter, so a label's
# colon never joins a phone's first letters, as in the shipped tokenizer. Han after a colon,
# 收件人：罗芳洋, is cut as before: names and places are not what the label joins.
LETTERS_COLON_DETACHED = r"(?:(?![：:][A-Za-z])[^\r\n\p{L}\p{N}])?\p{L}+"

# Qwen2's own pre-tokenizer split: letters in runs, every digit on its own.
QWEN2_SPLIT = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|""" + LETTERS + r"""|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


# CJK ideographs (unified, extension A, compatibility), as literal ranges both Rust's
# onig regex and JavaScript's (transformers.js) read the same way.
HAN = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"

# With --tiny_digit_groups, two digit groups become tokens of their own, so that the
# checks that need a lookup compare one token with one place name instead of composing
# four digit tokens first:
# - a landline's area code: 0 + 2 digits (010, 02x) or 0 + 3 digits (03xx-09xx); the
#   scheme is prefix-free, so it is cut the same with or without a separator. It counts
#   as one when a separator follows or the run is a whole landline (7-8 more digits).
#   Mobile numbers start with 1 and are never cut, nor is the middle group of one written
#   189-0477-0977: a group after digit and hyphen is not a code (the first pattern cut
#   0477 there, and the model took it for another city's code).
# - a postcode's first two digits, which name its province, in a run of exactly six.
AREA_CODE = r"(?<![0-9])(?<![0-9]-)0(?:[12][0-9]|[3-9][0-9]{2})(?=[-)]|[0-9]{7,8}(?![0-9]))"
POSTCODE_PREFIX = r"(?<![0-9])[0-9]{2}(?=[0-9]{4}(?![0-9]))"


@dataclass
class TinyArguments:
    """Options for the small local model (used with --tiny)."""

    tiny: bool = field(default=False, metadata={"help": "Start from a small random-initialised Qwen2 model and a tokenizer trained on the dataset, instead of --model_name_or_path (no hub needed)."})
    tiny_vocab_size: int = field(default=2000, metadata={"help": "BPE vocabulary size of the trained tokenizer."})
    tiny_hidden_size: int = field(default=64, metadata={"help": "Hidden size of the tiny model."})
    tiny_layers: int = field(default=2, metadata={"help": "Number of transformer layers."})
    tiny_heads: int = field(default=4, metadata={"help": "Attention heads (key/value heads are half of these)."})
    tiny_max_positions: int = field(default=512, metadata={"help": "Longest sequence the tiny model accepts."})
    tiny_tokenizer: str | None = field(default=None, metadata={"help": "A tokenizer folder to use as it is, instead of training one on the dataset (e.g. one made with --tiny_place_tokens where the reference data is not at hand)."})
    tiny_place_tokens: bool = field(default=False, metadata={"help": "Make every province, city and district name of the reference divisions one token, so a lookup compares token with token (the default model's tokenizer)."})
    tiny_digit_groups: bool = field(default=False, metadata={"help": "Make a landline's area code and a postcode's first two digits (its province) one token each, instead of one token a digit."})
    tiny_place_init: bool = field(default=False, metadata={"help": "Start each place token's embedding from the division tree: a district's is the sum of random vectors of its province, city and itself, an area code's that of its city, a postcode prefix's that of its province (needs --tiny_place_tokens; --tiny_digit_groups for the codes)."})


def place_names() -> list[str]:
    """Every province, city and district name in the reference divisions, longest first."""
    from ..records import reference

    ref = reference.load()
    names = {p.name for p in ref.provinces} | {c.name for c in ref.cities} | {d.name for d in ref.districts}
    return sorted(names, key=lambda n: (-len(n), n))


def train_tokenizer(texts, vocab_size: int, place_tokens: bool = False, digit_groups: bool = False):
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    # The digit groups are alternatives ahead of Qwen2's own, in one regex: a split of
    # their own before it would be cut back into single digits by its \p{N}.
    split = f"{AREA_CODE}|{POSTCODE_PREFIX}|{QWEN2_SPLIT}" if digit_groups else QWEN2_SPLIT
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        # Every Chinese character its own token, as in Chinese BERTs: BPE merges across a
        # run like 黑龙江省黑河市五大连池市 cut the same district differently depending on
        # its neighbours, and the model has to learn each place name once per cut.
        # (With place tokens, whole place names are added tokens, cut before this.)
        pre_tokenizers.Split(Regex(HAN), behavior="isolated"),
        pre_tokenizers.Split(Regex(split), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    texts = list(texts)
    if digit_groups:
        # Every area code and postcode prefix must end as one token, however rare in the
        # data: the trainer also sees each a hundred times, in the context that cuts it.
        from ..records import reference

        groups = [f"{code}-" for code in reference.load().area_codes] + [f"{i:02d}0000" for i in range(100)]
        texts += sorted(groups) * 100
    tok.train_from_iterator(texts, trainer)
    # The role names and the label words are one token each: the template costs 8 tokens,
    # not 20, and the reward turns on a single token, 正确 or 错误.
    tok.add_tokens([AddedToken(t, normalized=False, special=False) for t in ("user", "assistant", *LABEL_WORDS)])
    if place_tokens:
        # Added tokens are cut out first, leftmost-longest, by both the Rust tokenizer and
        # transformers.js (its DictionarySplitter trie): 吉林省吉林市 -> 吉林省 | 吉林市.
        tok.add_tokens([AddedToken(t, normalized=False, special=False) for t in place_names()])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token=PAD_TOKEN)
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_tiny_model(texts, out_dir: str | Path, args: TinyArguments) -> Path:
    """Write a base model folder (config, random weights, tokenizer) that TRL can load by path."""
    import torch
    from transformers import AutoModelForSequenceClassification, Qwen2Config

    out_dir = Path(out_dir)
    if args.tiny_tokenizer:
        from .tokenizer import load_tokenizer

        tokenizer = load_tokenizer(args.tiny_tokenizer)
    else:
        tokenizer = train_tokenizer(texts, args.tiny_vocab_size, args.tiny_place_tokens, args.tiny_digit_groups)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=args.tiny_hidden_size,
        intermediate_size=args.tiny_hidden_size * 4,
        num_hidden_layers=args.tiny_layers,
        num_attention_heads=args.tiny_heads,
        num_key_value_heads=max(1, args.tiny_heads // 2),
        max_position_embeddings=args.tiny_max_positions,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
        tie_word_embeddings=True,
        num_labels=1,
    )
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_config(config)
    if args.tiny_place_init:
        print(f"tiny: --tiny_place_init set {place_init(model, tokenizer)} embedding rows from the division tree", file=sys.stderr)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def place_init(model, tokenizer) -> int:
    """Write the division tree into the embeddings of the tokens that name a place.

    Every province, city and district gets a random vector (the model's own init scale);
    a place token starts as the sum along its path (province + city + district), an area
    code as its city's path plus its own vector, a postcode prefix as its province's plus
    its own. Whether a district lies in the named city, or a code belongs to it, is then
    one comparison of shared components that the model can learn once for every place,
    instead of one fact per place from the few records that name it. Still no pretrained
    weight: the vectors are random, only their sharing comes from the reference data the
    generator reads.
    A name with several meanings (朝阳区 in 北京市 and 长春市) starts at their mean.
    Returns how many embedding rows were set.
    """
    import torch

    from ..records import reference

    ref = reference.load()
    dim, std = model.config.hidden_size, model.config.initializer_range
    gen = torch.Generator().manual_seed(1)
    nodes: dict[str, torch.Tensor] = {}

    def node(key: str) -> torch.Tensor:
        if key not in nodes:
            nodes[key] = torch.randn(dim, generator=gen) * std
        return nodes[key]

    meanings: dict[str, list[torch.Tensor]] = {}
    for p in ref.provinces:
        meanings.setdefault(p.name, []).append(node("p" + p.code))
        for prefix in sorted(p.postcode_prefixes):
            meanings.setdefault(prefix, []).append(node("p" + p.code) + node("z" + prefix))
        for c in p.cities:
            path = node("p" + p.code) + node("c" + c.code)
            meanings.setdefault(c.name, []).append(path)
            if c.area_code:
                meanings.setdefault(c.area_code, []).append(path + node("a" + c.area_code))
            for d in c.districts:
                meanings.setdefault(d.name, []).append(path + node("d" + d.code))
    embeddings = model.get_input_embeddings().weight
    vocab = tokenizer.get_vocab()
    n = 0
    with torch.no_grad():
        for text, vectors in meanings.items():
            if text in vocab:  # added place tokens; digit groups only with --tiny_digit_groups
                embeddings[vocab[text]] = torch.stack(vectors).mean(0)
                n += 1
    return n
