"""JSON Lines, JSON and CSV: one document per record.

Which field holds the text, URL, title and date is configurable (`ReaderOptions`, the `run`
command's `--text-field` ... options); the first listed field a record has wins. A record's
source is its URL when it carries one, else `file.jsonl#line-N`, so a person can open the file at
that line. A bad record is one failure row and the rest of the file is still read.

Text fields are taken literally: HTML or script inside them stays characters, never parsed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

import regex

from corpora.readers.base import ReadContext, ReaderOptions, ReadFailure, ReadResult, iso_date
from corpora.readers.encoding import DecodeError, decode_bytes, looks_tcvn3, looks_utf16, tcvn3_to_unicode
from pipeline.document import RawDocument

# csv refuses fields over 128 KiB by default; a long article in one cell is larger. The limit is
# process-wide in the csv module, so it is raised once, to the one-article cap.
csv.field_size_limit(32 * 1024 * 1024)


def _field(record: Mapping[str, Any], names: Iterable[str]) -> tuple[str | None, Any]:
    """(field name, value) of the first of `names` the record has with a value.

    Exact names first, then case-insensitive ones (CSV headers come as 'Title', 'URL'...), then
    dotted paths into nested objects ('article.body').
    """
    names = tuple(names)
    for name in names:
        value = record.get(name)
        if value not in (None, ""):
            return name, value
    lowered = {str(k).strip().lower(): k for k in record}
    for name in names:
        key = lowered.get(name.lower())
        if key is not None and record[key] not in (None, ""):
            return str(key), record[key]
    for name in names:
        if "." in name:
            value = _dotted(record, name.split("."))
            if value not in (None, ""):
                return name, value
    return None, None


def _dotted(record: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(record, Mapping):
            return None
        record = record.get(part)
    return record


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def record_document(
    record: Any, where: str, options: ReaderOptions, meta: dict[str, Any]
) -> ReadResult:
    """One parsed record → a document, or a failure that names the record and what is missing."""
    if not isinstance(record, Mapping):
        return ReadFailure(where, f"not a record: a JSON {type(record).__name__}, expected an object")
    text_name, text_value = _field(record, options.text_fields)
    if text_name is None:
        wanted = ", ".join(options.text_fields)
        return ReadFailure(where, f"no text: none of the fields {wanted} has a value")
    if not isinstance(text_value, str):
        return ReadFailure(where, f"field '{text_name}' is a JSON {type(text_value).__name__}, not text")
    text = text_value
    if looks_tcvn3(text):
        text = tcvn3_to_unicode(text)
        meta = {**meta, "encoding": f"{meta.get('encoding', 'utf-8')}+tcvn3"}
    if not text.strip():
        return ReadFailure(where, f"no text: field '{text_name}' is blank")
    url = _scalar_text(_field(record, options.url_fields)[1])
    title = _scalar_text(_field(record, options.title_fields)[1])
    if title and looks_tcvn3(title):
        title = tcvn3_to_unicode(title)
    raw_date = _field(record, options.date_fields)[1]
    if title:
        title = " ".join(title.split())
        if not text.lstrip().startswith(title):
            # Title as the first line, like the text seeds (see corpora/readers/html.py).
            text = f"{title}\n{text}"
    extra = {**meta, "record": where}
    if raw_date not in (None, "") and iso_date(raw_date) is None:
        extra["date_unparsed"] = str(raw_date)[:100]
    return RawDocument(
        source=url or where,
        text=text,
        title=title,
        url=url,
        publish_date=iso_date(raw_date),
        meta=extra,
    )


# --- JSON Lines and JSON -----------------------------------------------------------------------


def _lines(stream: IO[bytes], max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line over `max_line`, which is skipped
    in chunks so that one giant line never sits in memory whole."""
    number = 0
    while True:
        line = stream.readline(max_line + 1)
        if not line:
            return
        number += 1
        if len(line) > max_line and not line.endswith(b"\n"):
            while True:  # drain the rest of the overlong line
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def read_json_stream(source: str, stream: IO[bytes], ctx: ReadContext, *, size: int) -> Iterator[ReadResult]:
    """A `.json`/`.jsonl` file: a JSON array or object of records, or one record per line."""
    limits = ctx.limits
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or looks_utf16(head):
        # UTF-16 JSON (PowerShell's default output): small enough files only, decoded whole.
        if size > limits.max_records_bytes:
            yield ReadFailure(source, f"too large to read whole ({size:,} bytes; limit {limits.max_records_bytes:,})")
            return
        try:
            text, encoding = decode_bytes(stream.read())
        except DecodeError as exc:
            yield ReadFailure(source, str(exc))
            return
        stream = io.BytesIO(text.encode("utf-8"))
        head = stream.read(4096)
        stream.seek(0)
        base_meta = {"format": "jsonl", "encoding": encoding}
    else:
        base_meta = {"format": "jsonl", "encoding": "utf-8"}
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not first:
        yield ReadFailure(source, "empty file" if not head else "empty file (only whitespace)")
        return
    if first == b"{" and _first_line_is_json(stream, limits.max_line_bytes):
        pass  # JSON Lines (or a one-line JSON file, which reads the same)
    elif first in (b"[", b"{") and size <= limits.max_records_bytes:
        # A JSON array, or one object spread over several lines.
        whole = _whole_json(stream)
        if whole is not None:
            yield from _json_document(source, whole, ctx, {**base_meta, "format": "json"})
            return
        stream.seek(0)
    elif first == b"[":
        yield ReadFailure(source, f"a JSON array too large to read whole ({size:,} bytes); use JSON Lines")
        return
    elif first != b"{" and not regex.search(rb"\n\s*\{", head):
        # Not one line of the start looks like a record: a text (or other) file named .json,
        # refused whole rather than as a failure row per line.
        shown = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:120].decode("utf-8", "ignore")[:20]
        yield ReadFailure(source, f"not JSON: the file starts with {shown!r}, expected '{{' or '['")
        return
    yield from _json_lines(source, stream, ctx, base_meta)


def _first_line_is_json(stream: IO[bytes], max_line: int) -> bool:
    line = stream.readline(max_line + 1)
    stream.seek(0)
    try:
        json.loads(line.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def _whole_json(stream: IO[bytes]) -> Any | None:
    """The file parsed as one JSON value, or None when it is not one (e.g. it is JSON Lines)."""
    try:
        return json.loads(stream.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _json_document(source: str, value: Any, ctx: ReadContext, meta: dict[str, Any]) -> Iterator[ReadResult]:
    if isinstance(value, Mapping):
        # One record, or a wrapper holding a list of them ({"articles": [...]}).
        lists = [v for v in value.values() if isinstance(v, list) and v and isinstance(v[0], Mapping)]
        if _field(value, ctx.options.text_fields)[0] is None and len(lists) == 1:
            value = lists[0]
        else:
            yield record_document(value, f"{source}#item-1", ctx.options, meta)
            return
    if not isinstance(value, list):
        yield ReadFailure(source, f"not records: the file holds a JSON {type(value).__name__}")
        return
    if not value:
        yield ReadFailure(source, "no records (an empty JSON array)")
        return
    for index, item in enumerate(value, 1):
        yield record_document(item, f"{source}#item-{index}", ctx.options, meta)


def _json_lines(source: str, stream: IO[bytes], ctx: ReadContext, meta: dict[str, Any]) -> Iterator[ReadResult]:
    records = 0
    for number, raw in _lines(stream, ctx.limits.max_line_bytes):
        where = f"{source}#line-{number}"
        if raw is None:
            yield ReadFailure(where, f"line longer than {ctx.limits.max_line_bytes:,} bytes: not read")
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        records += 1
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield ReadFailure(where, f"not UTF-8 (invalid byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadFailure(where, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield ReadFailure(where, "not valid JSON: nested too deeply")
            continue
        yield record_document(record, where, ctx.options, meta)
    if not records:
        yield ReadFailure(source, "empty file (only blank lines)")


# --- CSV ------------------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")


def read_csv_bytes(source: str, data: bytes, ctx: ReadContext, *, tab: bool = False) -> Iterator[ReadResult]:
    """A CSV/TSV file with a header row. Decoded whole, so spreadsheet exports in UTF-16 or
    Windows-1258 read as well as UTF-8 ones."""
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        yield ReadFailure(source, str(exc))
        return
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if tab else max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield ReadFailure(source, "empty file")
        return
    except csv.Error as exc:
        yield ReadFailure(source, f"not CSV: the header row cannot be read ({exc})")
        return
    columns = [name.strip() for name in header]
    options = ctx.options
    lowered = {c.lower() for c in columns}
    if not any(name.lower() in lowered for name in options.text_fields):
        yield ReadFailure(
            source,
            f"no text column: looked for {', '.join(options.text_fields)}; "
            f"the header has {', '.join(repr(c) for c in columns[:20])}",
        )
        return
    meta = {"format": "csv", "encoding": encoding}
    records = 0
    line = reader.line_num
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            yield ReadFailure(f"{source}#line-{start}", f"not valid CSV: {exc}")
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        records += 1
        where = f"{source}#line-{start}"
        if len(row) > len(columns):
            yield ReadFailure(where, f"{len(row)} cells but the header has {len(columns)} columns")
            continue
        # A short row's missing cells are simply absent fields.
        yield record_document(dict(zip(columns, row, strict=False)), where, options, meta)
    if not records:
        yield ReadFailure(source, "no records (only a header)")
