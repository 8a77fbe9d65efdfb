"""Plain text files: one article per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from corpora.readers.encoding import DecodeError, decode_bytes
from pipeline.document import RawDocument

if TYPE_CHECKING:
    from corpora.readers import ReadResult

MAX_TEXT_BYTES = 20 * 1024 * 1024


def read_text_bytes(source: str, data: bytes) -> Iterator[ReadResult]:
    from corpora.readers import ReadFailure

    if len(data) > MAX_TEXT_BYTES:
        yield ReadFailure(source, f"too large for one article ({len(data):,} bytes)")
        return
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        yield ReadFailure(source, str(exc))
        return
    if not text.strip():
        yield ReadFailure(source, "empty file")
        return
    yield RawDocument(source=source, text=text, meta={"encoding": encoding})


def read_text_file(path: Path) -> Iterator[ReadResult]:
    yield from read_text_bytes(str(path), path.read_bytes())
