"""Bytes to text, for the encodings Vietnamese archives arrive in.

Order of trust, cheapest and surest first: a byte-order mark; UTF-16 recognised by its pattern of
NUL bytes; strict UTF-8 (one C-speed pass settles almost every file, so no statistical detector
runs over whole files); then the two single-byte Vietnamese encodings, each accepted only when the
result reads as Vietnamese: TCVN3 (the 'ABC' encoding of the .VnTime fonts, recognised by its
letters sitting on Latin-1 symbol positions) and Windows-1258. Anything else is refused with a
reason that says what was tried, never guessed into mojibake.

TCVN3 also survives inside UTF-8: text copied out of an old .VnTime document was saved as if its
bytes were Windows-1252 ("Phong trµo thi ®ua"), so decoded UTF-8 text is checked for it too.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache
from pathlib import Path

import regex

TCVN3_TABLE = Path(__file__).with_name("tcvn3.tsv")

# How much of a text the detectors look at: enough for a verdict, cheap for a 20 MB file.
_SAMPLE_CHARS = 32_000


class DecodeError(ValueError):
    pass


# Magic numbers of the binary formats people drop into article folders by mistake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "an RTF document (convert it to plain text first)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document, which are ZIP files)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable program"),
    (b"MZ", "a Windows executable"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg media file"),
)
_ANY_MAGIC = tuple(magic for magic, _ in _BINARY_MAGIC)


def describe_binary(data: bytes) -> str | None:
    """A name for well-known binary formats, else None."""
    if data.startswith(_ANY_MAGIC):  # one C-level test settles the common case (text)
        for magic, name in _BINARY_MAGIC:
            if data.startswith(magic):
                if magic == b"MZ" and b"This program" not in data[:512]:
                    continue  # two letters are too short a signature for text that happens to start so
                return name
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}[data[8:12]]
    if data[4:8] == b"ftyp":
        return "an MP4/MOV media file"
    return None


def looks_utf16(data: bytes) -> str | None:
    if len(data) < 4:
        return None
    even, odd = data[0::2], data[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    # ASCII-heavy UTF-16 has a NUL in nearly every other byte; Vietnamese text still has many
    # (spaces, digits and unaccented letters are ASCII), while UTF-8 or binary data lacks the pattern.
    if zeros_odd > len(odd) * 0.3 and zeros_even < len(even) * 0.05:
        return "utf-16-le"
    if zeros_even > len(even) * 0.3 and zeros_odd < len(odd) * 0.05:
        return "utf-16-be"
    return None


# Letters only Vietnamese uses (outside Latin-1), and the combining tone marks of decomposed text.
_VIETNAMESE_ONLY = regex.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]")


# The stdlib engine for these one-class scans: several times faster than `regex` on them, and
# they run on every file.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _sample(text: str) -> str:
    """Up to `_SAMPLE_CHARS` characters from where the non-ASCII text starts: a web page's
    first 30 KB can be all-ASCII markup and scripts, which says nothing of its encoding."""
    found = _NON_ASCII.search(text)
    start = max(0, found.start() - 200) if found else 0
    return text[start:start + _SAMPLE_CHARS]


def _vietnamese_only_count(text: str) -> int:
    return len(_VIETNAMESE_ONLY.findall(text))


# --- TCVN3 -----------------------------------------------------------------------------------


@cache
def tcvn3_table() -> dict[int, str]:
    """Byte value → Unicode text, from `tcvn3.tsv` (language data lives in data files)."""
    table: dict[int, str] = {}
    for line in TCVN3_TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("byte\t"):
            continue
        byte_hex, codepoint, _letter, _set = line.split("\t")
        table[int(byte_hex, 16)] = chr(int(codepoint.removeprefix("U+"), 16))
    return table


@cache
def _tcvn3_translation() -> dict[int, str]:
    # The table is keyed by byte; text that went through Latin-1 or Windows-1252 carries the same
    # byte as the same code point (they agree on A0-FF, the only bytes the table lists).
    return dict(tcvn3_table())


@cache
def _tcvn3_signature() -> re.Pattern[str]:
    # Bytes A1-BF are symbols in Latin-1 (¡ ¨ © ® µ ¸ ...), never letters in any language, yet in
    # TCVN3 they are the commonest Vietnamese letters (à á â đ ê ô ơ ư ...). A text full of them
    # is TCVN3; a genuine text meets one now and then (©, ®, µg, ½, ·).
    symbols = "".join(chr(b) for b in tcvn3_table() if 0xA1 <= b <= 0xBF and b not in range(0xB0, 0xB5))
    return re.compile(f"[{re.escape(symbols)}]")


def looks_tcvn3(text: str) -> bool:
    """Whether the non-ASCII characters of `text` are TCVN3 letters seen through Latin-1."""
    sample = _sample(text)
    # Cheap first (two C-speed byte counts): the signature letters U+00A1-U+00BF are written
    # C2 A1-C2 BF in UTF-8; C2 A0, the no-break space, is common in web text and no sign.
    encoded = sample.encode("utf-8", "surrogatepass")
    if encoded.count(b"\xc2") - encoded.count(b"\xc2\xa0") < 2:
        return False
    signs = len(_tcvn3_signature().findall(sample))
    if signs < 2:
        return False
    # Measured against the non-ASCII characters only, so that markup or English around the
    # Vietnamese does not dilute the evidence. Real Vietnamese Unicode beside the symbols means
    # the symbols are just symbols (©, ®, µg, ½, ·).
    non_ascii = len(_NON_ASCII.findall(sample))
    return signs / non_ascii >= 0.2 and _vietnamese_only_count(sample) < signs / 4


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3 text read as Latin-1/Windows-1252 → Unicode NFC (tone marks of B0-B4 composed)."""
    return unicodedata.normalize("NFC", text.translate(_tcvn3_translation()))


def _single_byte(data: bytes) -> str:
    # Windows-1252 keeps Word's curly quotes and dashes (bytes 80-9F) readable; its five undefined
    # bytes fall back to Latin-1, which cannot fail.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- the decoder -----------------------------------------------------------------------------

# Every byte except the control characters text never holds (C0 controls other than tab, line
# feed, vertical tab, form feed and carriage return; DEL): deleting these from a sample leaves
# exactly the control bytes to count, at C speed.
_NOT_CONTROL = bytes(b for b in range(256) if not (b <= 0x08 or 0x0E <= b <= 0x1F or b == 0x7F))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) or DecodeError with the reason.

    The text keeps its characters as they were (cleaning and NFC come later, in
    `pipeline.document.clean_text`), except that single-byte Vietnamese encodings come out NFC,
    since their decomposed tone marks are an artefact of the encoding, not of the text.
    """
    if not data:
        raise DecodeError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _fix_legacy(_strict(data[3:], "utf-8"), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _fix_legacy(_strict(data, "utf-16"), "utf-16")
    if not data.strip():
        raise DecodeError("empty file (only whitespace)")
    # Magic numbers before the UTF-16 guess: images and archives are full of NUL bytes too.
    binary = describe_binary(data)
    if binary:
        raise DecodeError(f"not text: the file is {binary}")
    utf16 = looks_utf16(data[:4000])
    if utf16:
        return _fix_legacy(_strict(data, utf16), utf16)
    if b"\x00" in data[:4000]:
        raise DecodeError("not text: binary data (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        _refuse_control_heavy(data)
        if data.count(b"\xc2") - data.count(b"\xc2\xa0") < 2:
            return text, "utf-8"  # no TCVN3 signature letters at all: skip re-encoding to look
        return _fix_legacy(text, "utf-8")

    single = _single_byte(data)
    if looks_tcvn3(single):
        return tcvn3_to_unicode(single), "tcvn3"
    cp1258 = data.decode("cp1258", errors="replace")
    sample = _sample(cp1258)
    non_ascii = len(_NON_ASCII.findall(sample))
    # In Vietnamese, letters outside Latin-1 (ă đ ơ ư) and tone marks are a large share of the
    # non-ASCII characters; a Western text read as Windows-1258 has almost none.
    if "\ufffd" not in cp1258 and non_ascii and _vietnamese_only_count(sample) / non_ascii >= 0.2:
        _refuse_control_heavy(data)
        # Windows-1258 writes most toned letters as base letter + combining mark.
        return unicodedata.normalize("NFC", cp1258), "cp1258"
    raise DecodeError(
        f"cannot decode: not UTF-8 (invalid byte 0x{data[utf8_error.start]:02x} at offset "
        f"{utf8_error.start}), not UTF-16, not Windows-1258 or TCVN3 Vietnamese"
    )


def decode_with_charset(data: bytes, charset: str | None) -> tuple[str, str]:
    """Like `decode_bytes`, then the charset a page or HTTP header declares as a last resort.

    The declaration comes last because pages often declare ISO-8859-1 while being UTF-8, or
    Windows-1252 while carrying TCVN3: the content is better evidence than the label.
    """
    try:
        return decode_bytes(data)
    except DecodeError as first:
        if not charset or str(first).startswith(("empty", "not text")):
            raise
        try:
            codecs.lookup(charset)
            return data.decode(charset), charset.lower()
        except (LookupError, UnicodeDecodeError):
            raise first from None


def _fix_legacy(text: str, encoding: str) -> tuple[str, str]:
    if looks_tcvn3(text):
        return tcvn3_to_unicode(text), f"{encoding}+tcvn3"
    return text, encoding


def _refuse_control_heavy(data: bytes) -> None:
    sample = data[:4000]
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls > max(8, len(sample) // 100):
        raise DecodeError("not text: binary data (control characters)")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"cannot decode as {encoding}: invalid bytes at offset {exc.start}") from exc
