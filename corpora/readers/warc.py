"""Web archives (`.warc`, `.warc.gz`) through warcio: every archived HTML page is a document.

Only what a reader of the site saw counts: `response` records with HTTP status 200 and an HTML
content type (and `resource` records holding HTML, which some crawlers write). Requests,
redirects, error pages, images, scripts and metadata records are passed over. A page's source is
the record's target URI; its publish date comes from the page, else from the record's WARC-Date.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from corpora.readers.base import Budget, ReadContext, ReadFailure, ReadResult, iso_date
from corpora.readers.html import charset_of, read_html_bytes

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Markers from the redirected step to the loop (which yields only with stderr restored).
_NO_TYPE = ReadFailure("", "no WARC-Type")
_TOO_MANY = ReadFailure("", "too many records")


@dataclass(frozen=True)
class _Page:
    uri: str
    data: bytes
    charset: str | None
    warc_date: str | None


def _header(headers: Any, name: str) -> str | None:
    value = headers.get_header(name) if headers is not None else None
    return value.strip() if isinstance(value, str) else None


def _page_of(record: Any, ctx: ReadContext, source: str) -> _Page | ReadFailure | None:
    """The HTML page a record holds, a failure for an unreadable one, None for other records."""
    rec_headers = record.rec_headers
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        content_type = _header(http, "Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = _header(rec_headers, "Content-Type") or ""
    else:
        return None
    if not content_type.lower().startswith(_HTML_TYPES):
        return None
    # Some writers put the URI in angle brackets (an erratum of the WARC 1.0 grammar).
    uri = (_header(rec_headers, "WARC-Target-URI") or "").strip("<>") or f"{source}#record"
    limits = ctx.limits
    declared = _header(rec_headers, "Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_member_bytes:
        return ReadFailure(uri, f"refused: record of {int(declared):,} bytes exceeds the limit of "
                                f"{limits.max_member_bytes:,} bytes")
    try:
        data = record.content_stream().read(limits.max_member_bytes + 1)
    except Exception as exc:  # a damaged chunked or gzip body
        return ReadFailure(uri, f"cannot read the archived page: {type(exc).__name__}: {exc}")
    if len(data) > limits.max_member_bytes:
        return ReadFailure(uri, f"refused: page larger than {limits.max_member_bytes:,} bytes")
    return _Page(uri, data, charset_of(content_type), iso_date(_header(rec_headers, "WARC-Date")))


def read_warc(source: str, stream: IO[bytes], ctx: ReadContext) -> Iterator[ReadResult]:
    from warcio.archiveiterator import ArchiveIterator

    limits = ctx.limits
    budget = ctx.budget or Budget()
    # warcio writes its complaints about damaged archives straight to stderr; they are caught
    # here and turned into one failure row. Only warcio's own steps run redirected: the
    # generator never yields while stderr is swapped, so the caller's output is untouched.
    noise = io.StringIO()
    records = pages = 0
    try:
        with contextlib.redirect_stderr(noise):
            iterator = iter(ArchiveIterator(stream, check_digests=False))
        while True:
            with contextlib.redirect_stderr(noise):
                record = next(iterator, None)
                if record is None:
                    break
                records += 1
                if records > limits.max_members:
                    page: _Page | ReadFailure | None = _TOO_MANY
                elif not record.rec_type:
                    page = _NO_TYPE
                else:
                    page = _page_of(record, ctx, source)
            if page is _TOO_MANY:
                yield ReadFailure(source, f"more than {limits.max_members:,} records: the rest were not read")
                return
            if page is _NO_TYPE:
                # Not a WARC record at all: what follows cannot be trusted to be one either.
                yield ReadFailure(source, f"damaged WARC file: record {records} has no WARC-Type header; "
                                          "the rest was not read")
                return
            if page is None:
                continue
            pages += 1
            if isinstance(page, ReadFailure):
                yield page
                continue
            budget.used += len(page.data)
            if budget.used > limits.max_total_bytes:
                yield ReadFailure(source, f"archive produces more than {limits.max_total_bytes:,} bytes in "
                                          "total: the remaining records were not read")
                return
            yield from read_html_bytes(
                page.uri,
                page.data,
                url=page.uri,
                charset=page.charset,
                fallback_date=page.warc_date,
                extra_meta={"warc": source},
            )
    except Exception as exc:  # warcio's ArchiveLoadFailed, zlib errors, truncation
        where = "not a valid WARC file" if records == 0 else f"damaged WARC file after {records} records"
        yield ReadFailure(source, f"{where}: {type(exc).__name__}: {exc}")
        return
    if records == 0:
        yield ReadFailure(source, "not a valid WARC file: no records")
    elif pages == 0:
        yield ReadFailure(source, "no HTML pages in the web archive (looked for status 200, text/html)")
    if noise.getvalue().strip():
        first = noise.getvalue().strip().splitlines()[0]
        yield ReadFailure(source, f"damaged WARC file (pages may be incomplete): {first[:200]}")
