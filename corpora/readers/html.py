"""HTML pages: the article's main text and its metadata, through trafilatura.

trafilatura drops page furniture (menus, share bars, comments, footers) and reads the title,
publish date, site name and canonical URL from the page's metadata. It is given a string, never
a URL to fetch, so reading stays offline. Scripts are not run: lxml parses them as inert nodes
and trafilatura leaves them out of the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import regex

from corpora.readers.base import ReadFailure, ReadResult, iso_date
from corpora.readers.encoding import DecodeError, decode_with_charset
from pipeline.document import RawDocument

# A charset declared in the first bytes of the page: <meta charset=...> or http-equiv.
_META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", regex.IGNORECASE)
_HTTP_CHARSET = regex.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]+)", regex.IGNORECASE)
_TAG = regex.compile(r"<\s*[A-Za-z!/?]")
_HTML_START = regex.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                            regex.IGNORECASE | regex.DOTALL)


def looks_html(head: bytes) -> bool:
    """Whether bytes start like an HTML page (for files whose name says something else)."""
    return bool(_HTML_START.match(head[:2048]))


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type header."""
    if not content_type:
        return None
    match = _HTTP_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


@cache
def _trafilatura() -> Any:
    # Imported on first HTML page only: a folder of plain text never pays for lxml and htmldate.
    import trafilatura

    return trafilatura


def read_html_bytes(
    source: str,
    data: bytes,
    *,
    url: str | None = None,
    charset: str | None = None,
    fallback_date: str | None = None,
    extra_meta: dict[str, Any] | None = None,
) -> Iterator[ReadResult]:
    """One page → one document. `url`, `charset`, `fallback_date` come from a WARC record."""
    try:
        page, encoding = decode_with_charset(data, charset or declared_charset(data))
    except DecodeError as exc:
        yield ReadFailure(source, str(exc))
        return
    if not page.strip():
        yield ReadFailure(source, "empty file")
        return
    meta: dict[str, Any] = {"format": "html", "encoding": encoding, **(extra_meta or {})}
    if not _TAG.search(page[:65536]):
        # Named .html but holding no markup: the text is the article, as in a .txt file.
        yield RawDocument(source=source, text=page, url=url, publish_date=fallback_date,
                          meta={**meta, "format": "text", "note": "no HTML markup; read as text"})
        return
    try:
        extracted = _trafilatura().bare_extraction(
            page,
            url=url,
            with_metadata=True,
            include_comments=False,  # reader comments are furniture, not the report
            include_tables=True,  # figures are often tabled
            include_images=False,
            include_links=False,
            # Markup-only dates: a date found by scanning the body is as likely the event's as
            # the publication's, and the dates stage reads the body itself.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # lxml/trafilatura on a page they cannot parse: one failure row
        yield ReadFailure(source, f"cannot parse HTML: {type(exc).__name__}: {exc}")
        return
    text = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not text:
        yield ReadFailure(source, "no article text found in the HTML page")
        return
    title = _clean(getattr(extracted, "title", None))
    if title and not text.startswith(title):
        # The title is the first line, as in the text seeds: the stored text then reads the same
        # (and hashes the same) whichever format the article came in, and a figure in the title
        # is found by the extractors too.
        text = f"{title}\n{text}"
    yield RawDocument(
        source=source,
        text=text,
        title=title,
        url=_clean(getattr(extracted, "url", None)) or url,
        publish_date=iso_date(getattr(extracted, "date", None)) or fallback_date,
        site_name=_clean(getattr(extracted, "sitename", None)),
        meta=meta,
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
