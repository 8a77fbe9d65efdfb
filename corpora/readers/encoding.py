"""Bytes to text, for the encodings Vietnamese archives arrive in.

Order of trust: a byte-order mark; UTF-16 recognised by its pattern of NUL bytes; strict UTF-8;
then Windows-1258, accepted only when the result reads as Vietnamese. Anything else is refused
with a reason that says what was tried, never guessed into mojibake.
"""

from __future__ import annotations

import codecs

import regex


class DecodeError(ValueError):
    pass


_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
    b"\x1f\x8b": "a gzip file",
    b"\x7fELF": "an executable",
    b"BM": "",  # bitmap: only with a plausible header, checked below
}

_VIETNAMESE_LETTER = regex.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\p{Mn}]|[à-ỹ]", regex.IGNORECASE)


def describe_binary(data: bytes) -> str | None:
    """A name for well-known binary formats, else None."""
    for magic, name in _BINARY_MAGIC.items():
        if name and data.startswith(magic):
            return name
    return None


def _looks_utf16(data: bytes) -> str | None:
    if len(data) < 4:
        return None
    even, odd = data[0::2], data[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    # ASCII-heavy UTF-16 has a NUL in nearly every other byte; Vietnamese text still has many.
    if zeros_odd > len(odd) * 0.3 and zeros_even < len(even) * 0.05:
        return "utf-16-le"
    if zeros_even > len(even) * 0.3 and zeros_odd < len(odd) * 0.05:
        return "utf-16-be"
    return None


def vietnamese_ratio(text: str) -> float:
    letters = sum(1 for ch in text if ch.isalpha())
    if not letters:
        return 0.0
    return len(_VIETNAMESE_LETTER.findall(text)) / letters


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) or DecodeError with the reason."""
    if not data.strip():
        raise DecodeError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    utf16 = _looks_utf16(data[:4000])
    if utf16:
        return _strict(data, utf16), utf16
    binary = describe_binary(data)
    if binary:
        raise DecodeError(f"not text: the file is {binary}")
    if b"\x00" in data[:4000]:
        raise DecodeError("not text: binary data (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    text = data.decode("cp1258", errors="replace")
    if "\ufffd" not in text and vietnamese_ratio(text) > 0.05:
        return text, "cp1258"
    raise DecodeError(
        f"cannot decode: not UTF-8 (invalid byte 0x{data[utf8_error.start]:02x} at offset "
        f"{utf8_error.start}), not UTF-16, and not Vietnamese in Windows-1258"
    )


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"cannot decode as {encoding}: invalid bytes at offset {exc.start}") from exc
