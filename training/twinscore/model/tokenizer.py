"""Load a model folder's tokenizer exactly as its tokenizer.json says.

transformers 5 maps a folder whose config.json says ``qwen2`` to ``Qwen2Tokenizer``,
which rebuilds the pre-tokenizer from its own definition. For the tokenizers tiny.py
trains, that silently dropped their own splits (one token per Chinese character, the
area-code and postcode digit groups) in training and export, while transformers.js in
the browser reads tokenizer.json as written: parity held only because the file was
rewritten on the way. A tokenizer saved as the generic class is therefore loaded as
that class, so Python, the saved file and the browser all cut text the same way; a hub
tokenizer (Qwen2Tokenizer for Qwen/Qwen2-0.5B-Instruct …) goes through AutoTokenizer.
"""

from __future__ import annotations

import json
from pathlib import Path

GENERIC = ("TokenizersBackend", "PreTrainedTokenizerFast")
# The files save_pretrained writes for a run folder's tokenizer (transformers 5 puts the
# chat template in its own file); a tool that makes a new model folder from a run's
# weights copies these beside them.
SAVED_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")


def saved_class(path: str | Path) -> str | None:
    config = Path(path) / "tokenizer_config.json"
    if not config.is_file():
        return None
    return json.loads(config.read_text(encoding="utf-8")).get("tokenizer_class")


def load_tokenizer(path: str | Path, **kwargs):
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    if saved_class(path) in GENERIC:
        return PreTrainedTokenizerFast.from_pretrained(str(path), **kwargs)
    return AutoTokenizer.from_pretrained(str(path), **kwargs)
