"""The one place (Python side) that says what text the reward model reads.

A record is scored as a two-turn conversation: the record as the user turn and a
label word as the assistant turn, rendered by the tokenizer's own chat template.
TRL's RewardTrainer tokenizes conversational data with exactly
``apply_chat_template(messages, tokenize=True)``, so ``encode`` below calls the same
thing; the TypeScript twin (src/core/prompt.ts) renders the same template with
transformers.js, and parity.json (written by ``export``) holds them together.

The seed's scoring script joined the turns with spaces instead: that text was never
seen in training and silently ruins accuracy. Nothing here does that.
"""

from __future__ import annotations

PROMPT_FORMAT_VERSION = 1

LABEL_CORRECT = "正确"
LABEL_WRONG = "错误"
LABEL_WORDS = (LABEL_CORRECT, LABEL_WRONG)

# Our own minimal ChatML template, used by the tokenizers we train. No default system
# prompt: every token the model sees is the record or the label. The last turn (the
# label word) is left open, so the sequence ends on the label: the classifier pools the
# last token, and reading the reward at the label itself, rather than at a closing
# marker three tokens later, is what lets a small model trained from scratch leave the
# plateau where its reward ignores the label (measured: stuck at loss log 2 otherwise).
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] }}"
    "{%- if not loop.last %}{{ '<|im_end|>\\n' }}{%- endif %}"
    "{%- endfor %}"
)
PAD_TOKEN = "<|endoftext|>"
SPECIAL_TOKENS = (PAD_TOKEN, "<|im_start|>", "<|im_end|>")


def messages(record: str, label: str) -> list[dict[str, str]]:
    """The conversation for one record and one label word, keys in the seed's order."""
    if label not in LABEL_WORDS:
        raise ValueError(f"label word must be one of {LABEL_WORDS}, got {label!r}")
    return [
        {"content": record, "role": "user"},
        {"content": label, "role": "assistant"},
    ]


def render(tokenizer, record: str, label: str) -> str:
    return tokenizer.apply_chat_template(messages(record, label), tokenize=False)


def encode(tokenizer, record: str, label: str) -> list[int]:
    """Token ids exactly as TRL's RewardTrainer produces them for this pair side."""
    out = tokenizer.apply_chat_template(messages(record, label), tokenize=True, return_dict=True)
    return list(out["input_ids"])


def fit_record(tokenizer, record: str, max_length: int) -> tuple[str, bool]:
    """Cut the record (never the template or label) so both sequences fit max_length.

    Returns (record, truncated). Cuts on code points, keeping the longest prefix that
    fits; src/core/prompt.ts does the same search so both sides cut at the same place.
    """

    def fits(text: str) -> bool:
        return all(len(encode(tokenizer, text, label)) <= max_length for label in LABEL_WORDS)

    if fits(record):
        return record, False
    chars = list(record)
    lo, hi = 0, len(chars)  # invariant: chars[:lo] fits, chars[:hi] does not
    if not fits(""):
        raise ValueError(f"max_length {max_length} is too small to hold the prompt template itself")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits("".join(chars[:mid])):
            lo = mid
        else:
            hi = mid
    return "".join(chars[:lo]), True
