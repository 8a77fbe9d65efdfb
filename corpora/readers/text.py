"""Plain text files: one article per file, taken literally.

A `.txt` file that contains `<script>` or any other markup is still text: nothing here parses,
renders or runs what a file says, so hostile content can only ever become characters in
`articles.text`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from corpora.readers.base import Limits, ReadFailure, ReadResult
from corpora.readers.encoding import DecodeError, decode_bytes
from pipeline.document import RawDocument

MAX_TEXT_BYTES = Limits().max_text_bytes


def read_text_bytes(source: str, data: bytes, *, limit: int = MAX_TEXT_BYTES) -> Iterator[ReadResult]:
    if len(data) > limit:
        yield ReadFailure(source, f"too large for one article ({len(data):,} bytes; the limit is {limit:,})")
        return
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        yield ReadFailure(source, str(exc))
        return
    if not text.strip():
        yield ReadFailure(source, "empty file" if not text else "empty file (only whitespace)")
        return
    yield RawDocument(source=source, text=text, meta={"format": "text", "encoding": encoding})


def read_text_file(path: Path) -> Iterator[ReadResult]:
    """One text file (kept for callers of the first version; `read_path` dispatches by format)."""
    with path.open("rb") as handle:
        data = handle.read(MAX_TEXT_BYTES + 1)
    yield from read_text_bytes(str(path), data)
