"""The shared reader of Vietnamese numbers: `1.635`, `06`, `mười lăm`, `gần 200`, `trên 1.000`.

Not a stage: counts and awards call it. `NUMBER` is one compiled pattern that finds a number
(digits with dot thousands, or number words) with its qualifier; `read_number` turns the words
into an int. Percentages, decimals (`95,2`) and ratios (`8/8`) are refused at the pattern level,
because they are never counts.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple, TypeVar

import regex

from extractors import vocab

_A = TypeVar("_A")
_T = TypeVar("_T")


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





def by_first_letter(patterns: list[str], *, escape: bool = False) -> str:
    """`vocab.alternation(patterns, escape=escape)`, the entries grouped by their first letter:
    "(?:b(?:(?:ốn)|(?:a))|c(?:(?:hín))|...)". At a letter of the text the engine then tries one
    group instead of every entry (the number words in a sixth less time, field keywords in half).

    Why the same matches: within a group the entries keep their order (longest first), and
    where the flat alternation tries an entry of another group, that entry fails at its first
    letter, which cannot match the same character (the vocabularies' letters never match one
    another, even case-insensitively: tests/test_counts.py). Entries that do not all open with
    a letter that no quantifier follows, or that hold a "|", are left as `vocab.alternation` has them.
    """
    entries = sorted(set(patterns), key=len, reverse=True)  # as `vocab.alternation` orders them
    if not escape and not all(_opens_with_a_letter(entry) for entry in entries):
        return vocab.alternation(patterns)
    groups: dict[str, list[str]] = {}
    for entry in entries:
        rest = regex.escape(entry[1:]) if escape else entry[1:]
        groups.setdefault(entry[0], []).append(f"(?:{rest})")
    return "(?:" + "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"


def _opens_with_a_letter(entry: str) -> bool:
    return entry[:1].isalpha() and entry[1:2] not in ("?", "*", "+", "{") and "|" not in entry


@cache
def _word_number_pattern() -> str:
    v = _vocab()
    words = [*v["units"], v["tens_word"], v["ten"], v["hundred"], *v["thousands"], v["million"], *v["fillers"]]
    word = by_first_letter(words, escape=True)
    # A run of number words, separated by single spaces.
    return rf"(?:{word})(?:\s(?:{word}))*"


_NOT_AFTER = r"(?![.,]\d|\s?%|\s?/\s?\d|-\d|\d)"
_NOT_BEFORE = r"(?<![\d.,/%-]|\w)"


@cache
def digit_pattern() -> regex.Pattern[str]:
    """A number in digits (`1.635`, `06`); decimals, percentages, ratios and ranges refused."""
    return regex.compile(rf"{_NOT_BEFORE}(?P<digits>\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d+){_NOT_AFTER}")


@cache
def word_number_pattern() -> re.Pattern[str]:
    """A run of number words (`mười lăm`, `một trăm hai mươi`), in lower-cased text.

    The standard `re`, case-sensitive over lower-cased text: on this literal alternation it
    runs two to four times faster than `regex` with IGNORECASE, and it scans whole articles.
    """
    return re.compile(rf"(?<!\w)(?P<words>{_word_number_pattern()})(?!\w)")


@cache
def _word_run_anywhere() -> re.Pattern[str]:
    r"""`word_number_pattern` without its opening `(?<!\w)`: it opens with the words, so the
    engine skips ahead to their first letters instead of trying the look-behind everywhere."""
    return re.compile(rf"(?P<words>{_word_number_pattern()})(?!\w)")


_WORD_CHAR = re.compile(r"\w")


def word_number_runs(low: str) -> Iterator[re.Match[str]]:
    """`word_number_pattern().finditer(low)`, about a third cheaper.

    Why the same: at a given start the two patterns match alike once the look-behind holds. The
    leftmost match of `_word_run_anywhere` from `pos` starts where the leftmost of
    `word_number_pattern` would, unless a word character stands before it; then neither has
    a match starting there, nor before it, and the search goes on one character later. Matches
    are never empty, so each search starts where the last match ended, as in `finditer`.
    """
    search = _word_run_anywhere().search
    pos = 0
    while (match := search(low, pos)) is not None:
        start = match.start()
        if start and _WORD_CHAR.match(low, start - 1):
            pos = start + 1
            continue
        yield match
        pos = match.end()


@cache
def _qualifier_before() -> regex.Pattern[str]:
    v = _vocab()
    words = vocab.alternation([w for ws in v["qualifiers"].values() for w in ws], escape=True)
    return regex.compile(rf"(?<!\w)(?P<qual>{words})\s+$", regex.IGNORECASE)


@cache
def _qualifier_anywhere() -> re.Pattern[str]:
    """The qualifier words alone, for lower-cased text: rules out most windows before
    `_qualifier_before` runs (see `qualified`)."""
    v = _vocab()
    return re.compile(by_first_letter([w for ws in v["qualifiers"].values() for w in ws], escape=True))


# The characters that IGNORECASE (`regex`) matches to a letter of the vocabularies and that
# lower-casing does not turn into it: "İ" (U+0130) matches "i", "ſ" (U+017F) "s". A text
# holding neither, whose lower case has its length, shows every case-insensitive match of a
# lower-case word in its lower case. Checked over every code point in tests/test_counts.py.
UNLOWERED_CASE_VARIANTS = DOTTED_I, LONG_S = ("\u0130", "\u017f")


@cache
def _ambiguous_alone() -> frozenset[str]:
    return frozenset(_vocab()["ambiguous_alone"])


@cache
def _never_alone() -> frozenset[str]:
    return frozenset(_vocab()["never_alone"])


@cache
def _vague_prefixes() -> frozenset[str]:
    return frozenset(_vocab()["vague_prefixes"])


@cache
def _qualifier_of() -> dict[str, str]:
    return {w: q for q, ws in _vocab()["qualifiers"].items() for w in ws}


def qualifier_code(word: str | None) -> str:
    if not word:
        return "exact"
    return _qualifier_of().get(word.lower(), "exact")


def lower_same_length(text: str) -> str:
    """`text.lower()`, except the rare letters whose lower case is longer (`İ`) stay as they
    are: offsets in the result are offsets in `text`."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def remembered_for_last(compute: Callable[[_A], _T]) -> Callable[[_A], _T]:
    """`compute`, remembering its result for the last argument it was given (by identity).

    Stages read one document at a time and several ask for the same thing of it (its numbers,
    its lower case, its title): remembering one is enough, and memory never grows. The pair is
    read and written as one tuple, so threads sharing it at worst compute twice; it holds the
    argument, so that argument's id cannot be reused meanwhile.
    """
    last: tuple[_A, _T] | None = None

    @functools.wraps(compute)
    def remembered(argument: _A) -> _T:
        nonlocal last
        known = last  # read once: another thread may replace it meanwhile
        if known is not None and known[0] is argument:
            return known[1]
        value = compute(argument)
        last = (argument, value)
        return value

    return remembered


@remembered_for_last  # the scan and the counts stage both read the same document's lower case
def lowered(text: str) -> str:
    """`lower_same_length(text)`, computed once for the latest text."""
    return lower_same_length(text)


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


# The same few runs of number words ("năm", "hai", "ba mươi") come back in every article: the
# scan reads each distinct run once (the value depends on the words and the vocabulary only).
_read_words_once = lru_cache(maxsize=4096)(read_words)


def read_number(text: str) -> int | None:
    """Digits or words to an int; None when the text is not a number."""
    stripped = text.strip()
    if regex.fullmatch(r"\d{1,3}(?:\.\d{3})+|\d+", stripped):
        return read_digits(stripped)
    return read_words(stripped)


class WrittenNumber(NamedTuple):
    """A number as the whole-text scan found it, before its qualifier is looked for.

    A named tuple: immutable like a frozen dataclass, and built three times faster (a text
    holds dozens of numbers, and each is built once per scan)."""

    start: int
    end: int
    value: int
    words: str | None  # lower-cased number words; None for digits
    vague: bool  # after "hàng", "vài"...: a vague quantity


# Stages call `find_numbers` many times on windows of the same `Document.content`; scanning it
# once and slicing is what makes that cheap.
@remembered_for_last
def _scan(text: str) -> tuple[list[int], list[WrittenNumber]]:
    """Every number in `text` (starts, and the numbers in order), from one pass of each pattern."""
    # The lookarounds around the `digits` group are zero-width: the group is the whole match.
    found = [
        WrittenNumber(match.start(), match.end(), read_digits(match.group()), None, False)
        for match in digit_pattern().finditer(text)
    ]
    low = lowered(text)
    vague = _vague_prefixes()
    for match in word_number_runs(low):  # here too the group is the whole match
        words = match.group()
        parsed = _read_words_once(words)
        if not parsed:  # "không" alone is a negation ("không dưới 30"), never a zero count
            continue
        before = low[max(0, match.start() - 12) : match.start()].split()
        found.append(WrittenNumber(match.start(), match.end(), parsed, words, bool(before) and before[-1] in vague))
    # By start, compared as tuples: no two numbers start at one character (a digit match opens
    # with a digit, a word run with a letter, and each pattern's matches do not overlap), so the
    # comparison never goes past `start`, and no key function is called per number.
    found.sort()
    return [n.start for n in found], found


def written_numbers(
    text: str, start: int = 0, end: int | None = None, *, nouns_follow: bool = False
) -> list[WrittenNumber]:
    """The numbers `find_numbers` gives, before their qualifiers are looked for: a caller that
    keeps only some of them (those followed by a noun) qualifies just those (`qualified`)."""
    end = len(text) if end is None else end
    starts, written = _scan(text)
    ambiguous = _never_alone() if nouns_follow else _ambiguous_alone()
    first = bisect.bisect_left(starts, start)
    return [
        number
        for number in written[first : bisect.bisect_left(starts, end, first)]  # start <= n.start < end
        if number.end <= end and (number.words is None or not (number.vague or number.words in ambiguous))
    ]


def qualified(text: str, number: WrittenNumber, start: int = 0) -> NumberMatch:
    """`number` with the qualifier before it, looked for no further back than `start`."""
    window_start = max(start, number.start - 24)
    window = text[window_start : number.start]
    low = window.lower()
    # The qualifier's words would show in `low` (see UNLOWERED_CASE_VARIANTS): most numbers
    # have none, and the `regex` search costs more than this test.
    plain = len(low) == len(window) and DOTTED_I not in window and LONG_S not in window
    if plain and _qualifier_anywhere().search(low) is None:
        return NumberMatch(number.value, "exact", number.start, number.end, number.start)
    qual = _qualifier_before().search(text, window_start, number.start)
    return NumberMatch(
        value=number.value,
        qualifier=qualifier_code(qual.group("qual") if qual else None),
        start=number.start,
        end=number.end,
        qualifier_start=qual.start() if qual else number.start,
    )


def find_numbers(
    text: str, start: int = 0, end: int | None = None, *, nouns_follow: bool = False
) -> list[NumberMatch]:
    """Every number in `text[start:end]` with its qualifier, offsets into `text`.

    `nouns_follow`: the caller keeps only numbers followed by a counted noun ("năm mô hình"),
    so the words that alone usually mean something else ("năm" = year) may be read.

    The text is scanned once (see `_scan`) and each call takes the numbers inside its window;
    the qualifier is looked for inside the window only.
    """
    return [qualified(text, number, start) for number in written_numbers(text, start, end, nouns_follow=nouns_follow)]
