"""The document every stage reads: cleaned NFC text, furniture blanked, sentence spans.

Offsets are the contract: every record's `start`/`end` index `Document.text`, which the store
keeps verbatim as `articles.text`. Cleaning (newline and space normalisation, NFC) happens
*before* that text exists, so it never has to be mapped back. Page furniture is not cut out:
`Document.content` is the same text with furniture lines overwritten by spaces, so an offset in
`content` is an offset in `text`.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.util
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import regex

from extractors import vocab

# Characters that portals leave in copied text and that carry no meaning for a reader.
_INVISIBLE_CHARS = r"\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Every horizontal space (NBSP, thin spaces, ideographic space, tabs) reads as a plain space.
_ODD_SPACE_CHARS = r"\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_INVISIBLE = regex.compile(f"[{_INVISIBLE_CHARS}]")
_ODD_SPACE = regex.compile(f"[{_ODD_SPACE_CHARS}]")
_CONTROL = regex.compile(f"[{_CONTROL_CHARS}]")


# Any character one of the substitutions below would change: most texts hold none, and one
# search is cheaper than three substitutions over the whole text. One class of explicit code
# points, in the standard `re`: it scans a text six times faster than `regex` does.
_NEEDS_SUBSTITUTION = re.compile(f"[\r{_INVISIBLE_CHARS}{_CONTROL_CHARS}{_ODD_SPACE_CHARS}]")


def clean_text(raw: str) -> str:
    """NFC text with unified newlines and spaces; what `articles.text` stores.

    Idempotent: cleaning a cleaned text returns it unchanged, cheaply.
    """
    text = raw
    if _NEEDS_SUBSTITUTION.search(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _INVISIBLE.sub("", text)
        text = _CONTROL.sub("", text)
        text = _ODD_SPACE.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def content_id(text: str) -> str:
    """Stable article id: a hash of the cleaned text, so the same article is stored once."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@cache
def _furniture_pattern() -> regex.Pattern[str]:
    lines = vocab.load("furniture")["lines"]
    return regex.compile("|".join(f"(?:{p})" for p in lines), regex.IGNORECASE)


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Spans of whole lines that are page furniture (view counters, share buttons...)."""
    pattern = _furniture_pattern()
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and pattern.fullmatch(stripped):
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span overwritten by spaces (same length, so offsets hold)."""
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        parts.append(text[cursor:start])
        parts.append(" " * (end - start))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


_ENUMERATOR = regex.compile(r"\(?(?:\d{1,2}|[a-zđ]|[ivx]{1,4})[.)]")


# A sentence can only end inside a line at one of these: a line without one before its last
# character is a single sentence, and underthesea (the costliest step of cleaning) is skipped.
_INNER_SENTENCE_END = regex.compile(r"[.!?…](?=.)")


# What underthesea's sentence splitter stops at; it steps over every other character.
_SPLITTER_STOP = regex.compile(r"[.?!]")


@cache
def _underthesea_splitter() -> Any:
    """underthesea's Punkt-style splitter (its code and abbreviation list), loaded once.

    Its module is loaded alone, from the installed package's folder: importing it the usual
    way runs `underthesea/__init__.py`, which loads the NER, POS and chunking code too (0.35 s
    of every run's start-up, for a module that needs only `json` and its own data file).
    """
    package = importlib.util.find_spec("underthesea")
    if package is None or not package.submodule_search_locations:
        raise RuntimeError("underthesea is not installed")
    path = Path(next(iter(package.submodule_search_locations))) / "pipeline" / "sent_tokenize" / "__init__.py"
    spec = importlib.util.spec_from_file_location("_underthesea_sent_tokenize", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"underthesea's sentence splitter is not at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._load_model()
    return module.sentence_tokenizer


def underthesea_sentences(text: str) -> list[str]:
    """`underthesea.sent_tokenize(text)`, found several times faster.

    underthesea walks the text one character at a time in Python and acts only at `.`, `?` and
    `!`; this walks the same steps but jumps from one of those to the next with a regex, and asks
    underthesea's own splitter (its abbreviation list and boundary test) at each. The steps are
    those of `PunktSentenceTokenizer.sentences_from_text` (underthesea 9.5); a test holds the two
    equal on every paragraph of the corpora and on generated text, so a change upstream shows.
    """
    splitter = _underthesea_splitter()
    if not text or not text.strip():
        return []
    ends = splitter.SENT_END_CHARS
    sentences: list[str] = []
    start = 0
    n = len(text)

    def close_sentence(end: int) -> int:
        """Ends the open sentence at `end`; returns where the next one starts (past spaces)."""
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        while end < n and text[end] in " \t\n\r":
            end += 1
        return end

    stop = _SPLITTER_STOP.search(text)
    while stop is not None:
        i = stop.start()
        if text[i] == ".":
            dot_end = i
            while dot_end < n and text[dot_end] == ".":
                dot_end += 1
            if dot_end - i >= 3:  # an ellipsis ends a sentence only before a capital or the end
                after = dot_end
                while after < n and text[after] in " \t":
                    after += 1
                if after >= n or text[after].isupper():
                    start = dot_end = close_sentence(dot_end)
                stop = _SPLITTER_STOP.search(text, dot_end)
                continue
        if splitter._is_sentence_boundary(text, i):
            end = i + 1
            while end < n and text[end] in ends:
                end += 1
            start = close_sentence(end)
            stop = _SPLITTER_STOP.search(text, start)
            continue
        stop = _SPLITTER_STOP.search(text, i + 1)
    final = text[start:].strip()
    if final:
        sentences.append(final)
    return sentences


def _split_sentences(paragraph: str) -> list[str]:
    if not _INNER_SENTENCE_END.search(paragraph.strip()):
        return [paragraph]
    sentences: list[str] = []
    pending = ""
    for sentence in underthesea_sentences(paragraph):
        # underthesea ends a sentence after a list number ("1." | "a)"): it belongs to the item.
        if _ENUMERATOR.fullmatch(sentence.strip()):
            pending += sentence + " "
            continue
        if pending:
            found = paragraph.find(sentence)
            start = paragraph.find(pending.split()[0])
            sentence = paragraph[start : found + len(sentence)] if 0 <= start <= found else pending + sentence
            pending = ""
        sentences.append(sentence)
    if pending:
        sentences.append(pending.strip())
    return sentences


def sentence_spans(content: str) -> list[tuple[int, int]]:
    """Sentence spans over `content`: each line is a paragraph, split by underthesea.

    underthesea returns strings, not offsets; each is found again from a moving cursor, so
    a sentence repeated in a paragraph still maps to its own place.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in content.split("\n"):
        if line.strip():
            cursor = 0
            for sentence in _split_sentences(line):
                sentence = sentence.strip()
                if not sentence:
                    continue
                found = line.find(sentence, cursor)
                if found < 0:  # underthesea changed the text: keep the rest as one sentence
                    rest = line[cursor:]
                    lead = len(rest) - len(rest.lstrip())
                    spans.append((offset + cursor + lead, offset + len(line.rstrip())))
                    break
                spans.append((offset + found, offset + found + len(sentence)))
                cursor = found + len(sentence)
        offset += len(line) + 1
    return spans


@dataclass(frozen=True)
class RawDocument:
    """What a reader hands over: decoded text plus whatever metadata the input carried."""

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    publish_date: str | None = None  # ISO, when the input's metadata states it
    site_name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Set by whoever already ran `clean_text` on `text` (the runner does, to hash it): the
    # document is then not cleaned a second time.
    text_is_clean: bool = False


@dataclass(frozen=True)
class Document:
    id: str
    source: str
    text: str
    content: str
    title: str | None
    sentences: tuple[tuple[int, int], ...]
    furniture: tuple[tuple[int, int], ...]
    url: str | None = None
    publish_date_hint: str | None = None
    site_name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    _sentence_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def from_raw(cls, raw: RawDocument) -> Document:
        text = raw.text if raw.text_is_clean else clean_text(raw.text)
        furniture = furniture_spans(text)
        content = blank_spans(text, furniture)
        sentences = tuple(sentence_spans(content))
        title = raw.title or _first_line(content)
        return cls(
            id=content_id(text),
            source=raw.source,
            text=text,
            content=content,
            title=clean_text(title) if title else None,
            sentences=sentences,
            furniture=tuple(furniture),
            url=raw.url,
            publish_date_hint=raw.publish_date,
            site_name=raw.site_name,
            meta=dict(raw.meta),
            _sentence_starts=tuple(s for s, _ in sentences),
        )

    @classmethod
    def from_text(cls, text: str, source: str = "<text>", **meta: Any) -> Document:
        return cls.from_raw(RawDocument(source=source, text=text, **meta))

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence span containing `offset` (or the line, outside every sentence)."""
        index = bisect.bisect_right(self._sentence_starts, offset) - 1
        if index >= 0:
            start, end = self.sentences[index]
            if start <= offset < end:
                return start, end
        line_start = self.text.rfind("\n", 0, offset) + 1
        line_end = self.text.find("\n", offset)
        return line_start, (len(self.text) if line_end < 0 else line_end)


# A header line that is only a date, a time or a weekday is not the title.
_DATE_LINE = regex.compile(
    r"(?:(?:thứ\s+\w+|chủ nhật|cập nhật|ngày đăng|đăng lúc)[\s,:]*)?(?:ngày\s*)?[\d\s/:.,|()-]*(?:gmt\+?\d*)?[\d\s/:.,|()-]*",
    regex.IGNORECASE,
)


def _first_line(text: str) -> str | None:
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not _DATE_LINE.fullmatch(stripped):
            return stripped
    return None
