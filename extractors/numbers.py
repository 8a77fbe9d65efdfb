"""The shared reader of Vietnamese numbers: `1.635`, `06`, `mười lăm`, `gần 200`, `trên 1.000`.

Not a stage: counts and awards call it. `NUMBER` is one compiled pattern that finds a number
(digits with dot thousands, or number words) with its qualifier; `read_number` turns the words
into an int. Percentages, decimals (`95,2`) and ratios (`8/8`) are refused at the pattern level,
because they are never counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from extractors import vocab


@dataclass(frozen=True, slots=True)
class NumberMatch:
    value: int
    qualifier: str  # schemas.vocab.Qualifier value
    start: int  # of the number itself (the evidence), not the qualifier
    end: int
    qualifier_start: int  # start of the qualifier word, == start when exact


@cache
def _vocab() -> dict:  # type: ignore[type-arg]
    return vocab.load("numbers")  # type: ignore[no-any-return]


def _alternation(words: list[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _word_number_pattern() -> str:
    v = _vocab()
    words = [*v["units"], v["tens_word"], v["ten"], v["hundred"], *v["thousands"], v["million"], *v["fillers"]]
    word = _alternation(words)
    # A run of number words, separated by single spaces.
    return rf"(?:{word})(?:\s(?:{word}))*"


@cache
def number_pattern() -> regex.Pattern[str]:
    """Qualifier? + number; groups: `qual`, `digits` or `words`."""
    v = _vocab()
    qualifier_words = [w for ws in v["qualifiers"].values() for w in ws]
    qual = _alternation(qualifier_words)
    digits = r"\d{1,3}(?:\.\d{3})+(?![\d])|\d+"
    # Refuse decimals, percentages, ratios, dates and ranges glued to the number.
    not_after = r"(?![.,]\d|\s?%|\s?/\s?\d|-\d|\d)"
    not_before = r"(?<![\d.,/%-]|\w)"
    return regex.compile(
        rf"{not_before}(?:(?P<qual>{qual})\s+)?"
        rf"(?:(?P<digits>{digits}){not_after}|(?P<words>{_word_number_pattern()})(?!\w))",
        regex.IGNORECASE,
    )


@cache
def _qualifier_of() -> dict[str, str]:
    return {w: q for q, ws in _vocab()["qualifiers"].items() for w in ws}


def qualifier_code(word: str | None) -> str:
    if not word:
        return "exact"
    return _qualifier_of().get(word.lower(), "exact")


def read_digits(text: str) -> int:
    """`1.635` → 1635, `06` → 6 (the dot is the thousands separator in Vietnamese)."""
    return int(text.replace(".", ""))


def _below_thousand(tokens: list[str]) -> int | None:
    v = _vocab()
    units: dict[str, int] = v["units"]
    tokens = [t for t in tokens if t not in v["fillers"]]
    if not tokens:
        return 0
    value = 0
    if v["hundred"] in tokens:
        at = tokens.index(v["hundred"])
        head = tokens[:at]
        if len(head) > 1 or (head and head[0] not in units):
            return None
        value += (units[head[0]] if head else 1) * 100
        tokens = tokens[at + 1 :]
        tokens = [t for t in tokens if t not in v["fillers"]]
    if not tokens:
        return value
    if tokens[0] == v["ten"]:
        value += 10
        tokens = tokens[1:]
    elif v["tens_word"] in tokens:
        at = tokens.index(v["tens_word"])
        if at != 1 or tokens[0] not in units:
            return None
        value += units[tokens[0]] * 10
        tokens = tokens[2:]
    if not tokens:
        return value
    if len(tokens) == 1 and tokens[0] in units:
        return value + units[tokens[0]]
    return None


def read_words(text: str) -> int | None:
    """`mười lăm` → 15, `một trăm hai mươi mốt` → 121, `hai nghìn` → 2000; None if not a number."""
    v = _vocab()
    tokens = text.lower().split()
    if not tokens:
        return None
    total = 0
    group: list[str] = []
    for token in tokens:
        if token in v["thousands"] or token == v["million"]:
            scale = 1000 if token in v["thousands"] else 1_000_000
            head = _below_thousand(group) if group else 1
            if head is None or head == 0:
                return None
            total += head * scale
            group = []
        else:
            group.append(token)
    rest = _below_thousand(group) if group else 0
    if rest is None:
        return None
    return total + rest


def read_number(text: str) -> int | None:
    """Digits or words to an int; None when the text is not a number."""
    stripped = text.strip()
    if regex.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", stripped):
        return read_digits(stripped)
    return read_words(stripped)


def find_numbers(
    text: str, start: int = 0, end: int | None = None, *, nouns_follow: bool = False
) -> list[NumberMatch]:
    """Every number in `text[start:end]` with its qualifier, offsets into `text`.

    `nouns_follow`: the caller keeps only numbers followed by a counted noun ("năm mô hình"),
    so the words that alone usually mean something else ("năm" = year) may be read.
    """
    found: list[NumberMatch] = []
    ambiguous = set(_vocab()["never_alone" if nouns_follow else "ambiguous_alone"])
    vague = set(_vocab()["vague_prefixes"])
    for match in number_pattern().finditer(text, start, len(text) if end is None else end):
        if match.group("digits"):
            value = read_digits(match.group("digits"))
            span = match.span("digits")
        else:
            words = match.group("words")
            if words.lower() in ambiguous:
                continue
            parsed = read_words(words)
            if parsed is None:
                continue
            value, span = parsed, match.span("words")
            before = text[max(0, span[0] - 12) : span[0]].lower().split()
            if before and before[-1] in vague:
                continue
        qual = match.group("qual")
        found.append(
            NumberMatch(
                value=value,
                qualifier=qualifier_code(qual),
                start=span[0],
                end=span[1],
                qualifier_start=match.start("qual") if qual else span[0],
            )
        )
    return found
