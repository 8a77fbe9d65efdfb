"""Every vocabulary file is data a test can vouch for: NFC, no duplicates, patterns compile."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml

from extractors import vocab

VOCAB_FILES = sorted(vocab.VOCAB_DIR.glob("*.yaml"))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    return []


def _lists(value: Any) -> list[list[Any]]:
    if isinstance(value, list):
        return [value, *[lst for v in value for lst in _lists(v)]]
    if isinstance(value, dict):
        return [lst for v in value.values() for lst in _lists(v)]
    return []


def test_there_is_vocabulary() -> None:
    assert {"numbers", "counts", "awards", "furniture"} <= {p.stem for p in VOCAB_FILES}


@pytest.mark.parametrize("path", VOCAB_FILES, ids=lambda p: p.name)
def test_vocab_file_is_nfc(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", raw), f"{path.name} is not NFC"


@pytest.mark.parametrize("path", VOCAB_FILES, ids=lambda p: p.name)
def test_vocab_lists_have_no_duplicates(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for values in _lists(data):
        hashable = [v for v in values if isinstance(v, str | int)]
        dupes = {v for v in hashable if hashable.count(v) > 1}
        assert not dupes, f"{path.name}: duplicates {sorted(map(str, dupes))}"


@pytest.mark.parametrize("path", VOCAB_FILES, ids=lambda p: p.name)
def test_vocab_patterns_compile(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for text in _strings(data):
        regex.compile(text, regex.IGNORECASE)


def test_load_returns_nfc_even_from_decomposed_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decomposed = unicodedata.normalize("NFD", "lĩnh vực: [đăng ký]")
    (tmp_path / "probe.yaml").write_text(f"probe: '{decomposed}'\n", encoding="utf-8")
    monkeypatch.setattr(vocab, "VOCAB_DIR", tmp_path)
    vocab.load.cache_clear()
    try:
        assert vocab.load("probe")["probe"] == unicodedata.normalize("NFC", decomposed)
    finally:
        vocab.load.cache_clear()


@pytest.mark.parametrize("name", vocab.names())
def test_fast_loader_reads_each_file_as_the_reference_loader(name: str) -> None:
    # `load` uses libyaml where available: it must read exactly what PyYAML's own loader reads.
    path = vocab.VOCAB_DIR / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=vocab._SAFE_LOADER) == yaml.safe_load(text)
