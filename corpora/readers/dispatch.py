"""Which reader a file (or an archive member) goes to: its extension, checked against its bytes.

The extension says what the file claims to be; the first bytes say what it is. When they
disagree the file is read by what it is if that is safe to do (an HTML page named `.json` is read
as a page), and otherwise refused with a reason that names both (a text file named `.zip` is
"not a ZIP archive: the file is text"). Files without a known extension are read as text, which
reports binary content (a PNG, a PDF...) by name. Only the first 4 KiB are looked at here, so a
folder of thousands of small files costs one open and one read each.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from corpora.readers.archives import read_gzip, read_tar, read_zip
from corpora.readers.base import ReadContext, ReadFailure, ReadResult
from corpora.readers.encoding import describe_binary, looks_utf16
from corpora.readers.html import looks_html, read_html_bytes
from corpora.readers.records import read_csv_bytes, read_json_stream
from corpora.readers.text import read_text_bytes
from corpora.readers.warc import read_warc

# Longest suffix first: `.warc.gz` before `.gz`, `.tar.gz` before `.gz`.
EXTENSIONS: tuple[tuple[str, str], ...] = (
    (".warc.gz", "warc"), (".warc", "warc"),
    (".tar.gz", "tar"), (".tgz", "tar"), (".tar.bz2", "tar"), (".tbz2", "tar"), (".tbz", "tar"),
    (".tar.xz", "tar"), (".txz", "tar"), (".tar", "tar"),
    (".zip", "zip"),
    (".gz", "gzip"),
    (".html", "html"), (".htm", "html"), (".xhtml", "html"), (".shtml", "html"),
    (".php", "html"), (".asp", "html"), (".aspx", "html"), (".jsp", "html"),
    (".jsonl", "json"), (".ndjson", "json"), (".jsonlines", "json"), (".json", "json"),
    (".csv", "csv"), (".tsv", "tsv"),
    (".txt", "text"), (".text", "text"), (".md", "text"),
)
CONTAINERS = {"zip", "tar", "gzip", "warc"}
_LABEL = {"zip": "a ZIP archive", "tar": "a tar archive", "gzip": "a gzip file", "warc": "a WARC file"}
# What the bytes must start as for the extension to be believed.
_CONTAINER_CONTENT = {
    "zip": {"zip"},
    "tar": {"tar", "gzip", "bzip2", "xz"},
    "gzip": {"gzip"},
    "warc": {"warc", "gzip"},
}


def _match_name(name: str) -> tuple[str, str] | None:
    lowered = name.lower()
    for suffix, kind in EXTENSIONS:
        if lowered.endswith(suffix):
            return suffix, kind
    return None


def kind_by_name(name: str) -> str | None:
    matched = _match_name(name)
    return matched[1] if matched else None


def kind_by_content(head: bytes) -> str | None:
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bzip2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"WARC/"):
        return "warc"
    if looks_html(head):
        return "html"
    return None


def describe(head: bytes) -> str:
    """What the bytes are, for a reason shown to a person."""
    if not head:
        return "empty"
    content = kind_by_content(head)
    if content in _LABEL:
        return _LABEL[content]
    if content == "tar":
        return "a tar archive"
    if content == "html":
        return "an HTML page"
    binary = describe_binary(head)
    if binary:
        return binary
    if b"\x00" in head and not looks_utf16(head):
        return "binary data"
    return "text"


def read_stream(source: str, name: str, stream: IO[bytes], size: int, ctx: ReadContext) -> Iterator[ReadResult]:
    """The documents in one seekable byte stream named `name` (a file, or an archive member)."""
    limits = ctx.limits
    head = stream.read(4096)
    stream.seek(0)
    if not head:
        yield ReadFailure(source, "empty file")
        return
    claimed = kind_by_name(name)
    actual = kind_by_content(head)

    if claimed in CONTAINERS:
        if actual not in _CONTAINER_CONTENT[claimed]:
            suffix = (_match_name(name) or ("?", ""))[0]
            yield ReadFailure(source, f"not {_LABEL[claimed]} (named {suffix}): the file is {describe(head)}")
            return
        if ctx.depth > limits.max_depth:
            yield ReadFailure(source, "refused: archive nested more than one level deep")
            return
        if claimed == "zip":
            yield from read_zip(source, stream, ctx, read_member)
        elif claimed == "tar":
            yield from read_tar(source, stream, ctx, read_member)
        elif claimed == "warc":
            yield from read_warc(source, stream, ctx)
        else:
            yield from read_gzip(source, name, stream, ctx, read_member)
        return

    if claimed in ("json", "csv", "tsv"):
        if actual == "html":
            suffix = (_match_name(name) or ("?", ""))[0]
            yield from _read_html(source, stream, size, ctx, note=f"named {suffix} but is an HTML page")
            return
        binary = describe_binary(head)
        if binary:
            yield ReadFailure(source, f"not text: the file is {binary}")
            return
        if claimed == "json":
            yield from read_json_stream(source, stream, ctx, size=size)
            return
        if size > limits.max_records_bytes:
            yield ReadFailure(source, f"too large to read whole ({size:,} bytes; the limit is {limits.max_records_bytes:,})")
            return
        yield from read_csv_bytes(source, stream.read(), ctx, tab=claimed == "tsv")
        return

    if claimed == "html" or (claimed is None and actual == "html"):
        yield from _read_html(source, stream, size, ctx)
        return

    # Plain text: `.txt` always (markup inside stays text), and any unknown extension.
    if size > limits.max_text_bytes:
        yield ReadFailure(source, f"too large for one article ({size:,} bytes; the limit is {limits.max_text_bytes:,})")
        return
    yield from read_text_bytes(source, stream.read(), limit=limits.max_text_bytes)


def _read_html(source: str, stream: IO[bytes], size: int, ctx: ReadContext, note: str | None = None) -> Iterator[ReadResult]:
    if size > ctx.limits.max_text_bytes:
        yield ReadFailure(source, f"too large for one page ({size:,} bytes; the limit is {ctx.limits.max_text_bytes:,})")
        return
    yield from read_html_bytes(source, stream.read(), extra_meta={"note": note} if note else None)


def read_member(source: str, name: str, data: bytes, ctx: ReadContext) -> Iterator[ReadResult]:
    """An archive member, already in memory, read by its own name."""
    yield from read_stream(source, name, io.BytesIO(data), len(data), ctx)


def read_file(path: Path, ctx: ReadContext) -> Iterator[ReadResult]:
    source = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield ReadFailure(source, f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        size = os.fstat(handle.fileno()).st_size
        yield from read_stream(source, path.name, handle, size, ctx)
