"""Vietnamese vocabulary, kept as data beside the extractors that read it.

Each `*.yaml` file here is read once (cached) by `load`; `tests/test_vocab.py` checks that every
file is NFC, free of duplicates and that every pattern compiles.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

VOCAB_DIR = Path(__file__).resolve().parent
# libyaml's loader where PyYAML was built with it: the same documents, read ten times faster
# (every run reads every file at start-up).
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """The parsed content of `extractors/vocab/<name>.yaml`, NFC-normalised."""
    path = VOCAB_DIR / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        return _nfc(yaml.load(handle, Loader=_SAFE_LOADER))


def alternation(patterns: list[str], *, escape: bool = False) -> str:
    """One regex group matching any of `patterns`, longest first (so "gồm có" beats "gồm").

    `escape=True` for plain words; vocabulary entries are otherwise regexes themselves.
    """
    entries = sorted(set(patterns), key=len, reverse=True)
    return "(?:" + "|".join(f"(?:{regex.escape(p) if escape else p})" for p in entries) + ")"


def names() -> list[str]:
    return sorted(p.stem for p in VOCAB_DIR.glob("*.yaml"))


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value
