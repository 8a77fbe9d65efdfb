"""The `dates` stage: the publish date, event days, dated documents and the reported period.

Reports of the genre print their dates in a few ways: a header line (`Thứ 6, Ngày 06 / 01 / 2023`,
`Cập nhật: 10:30 15/03/2024`), an opening that names the day without its year (`Chiều 25/9, Ban
Chỉ đạo ... tổ chức hội nghị`), documents cited with their number and date (`Kế hoạch số
26-KH/TU, ngày 24/6/2021`), and years that bound what the figures cover (`giai đoạn 2021-2023`,
`năm 2023`, `5 năm qua`). The stage reads them in that order, because each later reading needs
an earlier one: an event's year comes from the publish date (or the reported period), and `N
năm qua` ends in the publish year.

Exactly one period gets role `reported`: every sentence that states a count of models votes for
the period that governs it (named in it, or the last one named before it), and cues around each
mention (plan words, a cited document's title, a comparison, a year still to come) break the rest.

Speed: the stage runs on every article, so it never sweeps the text with a pattern that has to
be tried at every position. It finds cheap anchors (digits that form a date, a year, the words
`mô hình`) in a lower-cased copy and reads the few characters around each one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import operator
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex

from extractors import vocab
from extractors.numbers import remembered_for_last
from pipeline.document import Document
from schemas.records import DateMention, PeriodMention, Records

YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_H = r"[^\S\n]"  # a space that stays on its line
_TIME = r"\d{1,2}[^\S\n]?[:hg][^\S\n]?\d{2}(?:[^\S\n]?:[^\S\n]?\d{2})?(?:[^\S\n]?(?:am|pm|sa|ch))?"

# Every date form in one pass over the lower-cased text, anchored on the day's digits: a full
# numeric date (`24/6/2021`; portal headers write `06 / 01 / 2023`), a day-month pair that never
# continues with another number (`25/9`, `23-12`), the worded forms (`24 tháng 6 năm 2021`,
# `5 tháng 3`), and the ISO form some portals print (`2015-04-22 08:31:12`). Every form starts
# with a digit: the leading `(?=\d)` says so to the engine, which then rejects the other
# positions a third faster.
_DATE = regex.compile(
    rf"(?=\d)(?<![\d/.])(?:(?P<iy>{YEAR})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?![\d\-])|(?P<d>\d{{1,2}})(?:"
    rf"{_H}{{0,2}}(?P<sep>[/.\-]){_H}{{0,2}}(?P<m>\d{{1,2}})"
    rf"(?:{_H}{{0,2}}(?P=sep){_H}{{0,2}}(?P<y>{YEAR})(?!\d)|(?!\d)(?!{_H}{{0,2}}[/.\-]{_H}{{0,2}}\d))"
    rf"|{_H}+tháng{_H}+(?P<wm>\d{{1,2}})(?!\d)(?:{_H}*,?{_H}*năm{_H}+(?P<wy>{YEAR})(?!\d))?"
    rf"))"
)
_DATE_RANGE_AFTER = regex.compile(rf"{_H}*[-–—]{_H}*\d{{1,2}}{_H}{{0,2}}[/.\-]")
_YEAR_TOKEN = regex.compile(rf"(?<![\d/.\-]){YEAR}(?![\d/])")
# The same, one century at a time: each starts with a literal (`20`, `19`), found fast.
_YEAR_TOKEN_BY_CENTURY = [regex.compile(rf"(?<![\d/.\-]){century}(?![\d/])") for century in (r"19[5-9]\d", r"20[0-4]\d")]

# Lines that open the list of other articles at the foot of a page: nothing after them belongs to
# the article (their dates and years would pose as the article's own).
RELATED_HEADING = regex.compile(
    r"(?:tin|bài(?: viết)?|các tin|các bài(?: viết)?)\s+(?:liên quan|khác|cùng chuyên mục|mới nhất|đã đưa|"
    r"mới|nổi bật|xem nhiều|đọc nhiều)\s*:?|xem thêm\s*:?|đọc thêm\s*:?|các tin khác\s*:?",
    regex.IGNORECASE,
)
_FULL_DATE_OR_TIME = regex.compile(
    rf"(?<![\d/.])\d{{1,2}}{_H}{{0,2}}[/.\-]{_H}{{0,2}}\d{{1,2}}{_H}{{0,2}}[/.\-]{_H}{{0,2}}{YEAR}(?!\d)"
    rf"|\d{{1,2}}{_H}+tháng{_H}+\d{{1,2}}{_H}*,?{_H}*năm{_H}+{YEAR}|(?<!\d){_TIME}",
    regex.IGNORECASE,
)
# Page chrome around a title: breadcrumbs and menus (`Trang chủ > Tin tức`, `Thời sự | Chính trị`)
# and lines of page data (`Người đăng: admin  Lượt xem: 289`).
_PAGE_CHROME_PARTS = [
    r"\s(?:>|/|»|\|)\s",
    r"^\W*(?:trang chủ|home)\b",
    r"(?:lượt xem|người đăng|tác giả|cỡ chữ|font chữ)\s*:",
    r"(?:gửi bài|in bài|nghe bài|chia sẻ)\s*(?:\||$)",
]
PAGE_CHROME = regex.compile("|".join(_PAGE_CHROME_PARTS), regex.IGNORECASE)
# To tell whether a line is chrome at all, each part searched alone is twice as fast as the
# alternation: alone, a part's literals let the engine skip ahead.
_PAGE_CHROME_EACH = [regex.compile(part, regex.IGNORECASE) for part in _PAGE_CHROME_PARTS]
# The characters one of which every match of a part holds (a separator, a colon); none for the
# parts that need none. A line without any is not searched for that part.
_PAGE_CHROME_NEEDS: list[tuple[str, ...]] = [(">", "/", "»", "|"), (), (":",), ()]


def is_page_chrome(line: str) -> bool:
    """Whether `line` holds page chrome: `PAGE_CHROME.search(line)`, a fraction of the cost.

    Why the same: the alternation matches somewhere iff one of its parts matches somewhere, and a
    part cannot match a line that holds none of the characters each of its matches holds.
    """
    return any(
        (not needs or any(map(line.__contains__, needs))) and part.search(line)
        for part, needs in zip(_PAGE_CHROME_EACH, _PAGE_CHROME_NEEDS, strict=True)
    )


def lowered(text: str) -> str:
    """`text` in lower case with every offset kept (a character whose lower case is longer stays)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def valid_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def infer_year(day: int, month: int, publish: dt.date | None, fallback_year: int | None) -> int | None:
    """The year a reader gives `day/month`: on or just before the publish date, else the fallback.

    A conference on 23-12 reported on 06/01/2023 took place on 2022-12-23.
    """
    if publish is not None:
        year = publish.year
        if (month, day) > (publish.month, publish.day):
            year -= 1
        return year if valid_date(year, month, day) else None
    if fallback_year is not None and valid_date(fallback_year, month, day):
        return fallback_year
    return None


@remembered_for_last
def title_span(doc: Document) -> tuple[int, int] | None:
    """The span of the article's title in `doc.text`.

    The title given with the input wins when the text holds it on a line of its own; otherwise
    the first line of content that is no header: not a date or time line, not a breadcrumb
    (`Trang chủ > ...`), not a stray word or two.
    """
    text, content = doc.text, doc.content
    offset = 0
    candidates: list[tuple[int, int]] = []
    for line in content.split("\n"):
        stripped = line.strip()
        if len(stripped) > _TITLE_MAX:
            break  # the first paragraph of prose: the title stands before it
        if stripped:
            start = offset + len(line) - len(line.lstrip())
            candidates.append((start, start + len(stripped)))
            if len(candidates) >= 8:
                break
        offset += len(line) + 1

    title = doc.title
    if title and not title.isupper():
        given = next(((start, end) for start, end in candidates if text[start:end] == title), None)
        if given is not None and _looks_like_title(title):
            return given
    # A line in capitals at the top is most often the site's masthead (`BÁO SƠN LA ĐIỆN TỬ`); it is
    # the title only when no other line could be. Candidates are tested in order and only until
    # one fits: the tests are regex scans, the costliest part of this function.
    first_fitting: tuple[int, int] | None = None
    for start, end in candidates:
        line = text[start:end]
        if not _looks_like_title(line):
            continue
        if not line.isupper():
            return start, end
        if first_fitting is None:
            first_fitting = (start, end)
    return first_fitting


def _looks_like_title(line: str) -> bool:
    if len(line.split()) < 3 or _FULL_DATE_OR_TIME.search(line):
        return False
    return not is_page_chrome(line)


_TITLE_MAX = 220  # characters: a longer line is a paragraph


@remembered_for_last
def body_end(doc: Document) -> int:
    """Where lists of other articles begin (or the end of the text)."""
    text = doc.text
    floor = len(text) * 0.4  # a heading-like phrase early in the page never cuts the article
    # Only lines that start past the floor can be the heading: skip to the first of them (a line
    # starts one past a newline, and `newline + 1 > floor` holds from `newline >= int(floor)` on).
    offset = text.find("\n", int(floor)) + 1
    if offset == 0:
        return len(text)
    for line in text[offset:].split("\n"):
        if 0 < len(line) < 40 and RELATED_HEADING.fullmatch(line.strip()):  # a blank line is no heading
            return offset
        offset += len(line) + 1
    return len(text)


def _matches_of_each(
    patterns: list[regex.Pattern[str]], alternation: regex.Pattern[str], text: str
) -> list[regex.Match[str]]:
    """`alternation.finditer(text)`, found with each of its `patterns` alone.

    The engine finds a pattern that starts with a literal several times faster than it tries an
    alternation at every position. When no two matches overlap, the merged matches of the
    patterns are exactly the alternation's (it takes a match that overlaps another to make the
    alternation skip or shorten one); should two ever overlap, the alternation decides.
    """
    matches = [m for pattern in patterns for m in pattern.finditer(text)]
    if len(matches) < 2:
        return matches  # nothing to order, and one match overlaps no other
    matches.sort(key=_span)
    if any(after.start() < before.end() for before, after in itertools.pairwise(matches)):
        return list(alternation.finditer(text))
    return matches


_span = operator.methodcaller("span")


class _Before:
    r"""A pattern for what stands right before an anchor (it ends in `$`), matched from the right.

    `search(low, start_of_window, anchor)` behaves as the pattern compiled with REVERSE would: it
    tries the anchor's end first instead of every start in the window. It is faster still: the
    engine does not take `$` as an anchor (it also matches before a final newline) and tries it
    at every position of the window, so the pattern ends in `\Z` instead, and the one other place
    `$` matches, before a newline that ends the window, gets a second search.
    """

    def __init__(self, pattern: str) -> None:
        if not pattern.endswith("$"):
            raise ValueError(f"a pattern for what stands before an anchor ends in `$`: {pattern!r}")
        self._at_end = regex.compile(pattern[:-1] + r"\Z", regex.REVERSE)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        endpos = len(text) if endpos is None else min(endpos, len(text))
        match = self._at_end.search(text, pos, endpos)
        if match is None and pos < endpos and text[endpos - 1] == "\n":
            match = self._at_end.search(text, pos, endpos - 1)
        return match


# `(15/10/1930 - 15/10/2023)`: a full date right before a date, and a dash between them.
_DATE_RANGE_BEFORE = _Before(rf"\d{{4}}{_H}*[-–—]{_H}*$")


class FigureFinder:
    """Finds statements of a count of models (`1.635 mô hình`, `mười hai mô hình`).

    Anchored on the unit words, then the number is read just before them. `figure_sentences` reads a
    document once for both `dates` and `places`.
    """

    def __init__(self) -> None:
        periods = vocab.load("periods")
        unit_patterns = [u.lower() for u in periods["figure_units"]]
        units = vocab.alternation(unit_patterns)
        words = vocab.alternation([regex.escape(w) for w in periods["number_words"]])
        self._unit = regex.compile(rf"{units}(?!\w)")
        # Each unit alone starts with a literal: see `_matches_of_each`.
        self._each_unit = [regex.compile(rf"(?:{unit})(?!\w)") for unit in dict.fromkeys(unit_patterns)]
        # Only whether it matches counts. The runs of digits and word characters are possessive
        # (`++`, `*+`): giving a character back could only leave a digit or a letter where a space
        # or the start of the number must stand (a quote given back by the word before the unit
        # reaches the same space), so no match is lost, and failing windows fail a third faster.
        self._number_before = _Before(
            rf"(?<![\w.,/])(?:\d{{1,3}}(?:\.\d{{3}})+|\d++|{words}(?:{_H}+mươi)?(?:{_H}+\w++)?)"
            rf"(?:{_H}+[\"“”«»]?[\w“”\"]*+)?{_H}+$"
        )

    def offsets(self, low: str) -> list[int]:
        """Offsets of every count of models in the lower-cased `low`, in order."""
        return [start for start in self._unit_starts(low) if self._states_count(low, start)]

    def first_per_sentence(self, low: str, sentences: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int]]:
        """For each of `sentences` that states a count, in order: its index and its first count.

        The same as taking, for each sentence, the first of `offsets(low)` inside it, but a count
        is read (the costly search before the unit) only where it could be a sentence's first:
        whether a unit word states a count depends on the unit and the text before it alone, so
        the units after a sentence's first count and those outside every sentence are never read.
        Read lazily: a caller that needs only the first few sentences stops early. `sentences`
        are sorted and disjoint (a document's are), so a unit lies in at most one.
        """
        sentence_starts = [start for start, _ in sentences]
        done = -1  # the index of the last sentence whose first count is known
        for start in self._unit_starts(low):
            index = bisect.bisect_right(sentence_starts, start) - 1
            if index < 0 or index == done or start >= sentences[index][1]:
                continue  # outside every sentence, or after its sentence's first count
            if self._states_count(low, start):
                done = index
                yield index, start

    def _unit_starts(self, low: str) -> list[int]:
        """Where a unit word starts a word of `low`, in order."""
        return [
            unit.start() for unit in _matches_of_each(self._each_unit, self._unit, low)
            if not (unit.start() and low[unit.start() - 1].isalnum())
        ]

    def _states_count(self, low: str, unit_start: int) -> bool:
        """Whether a number stands right before the unit word at `unit_start`."""
        return self._number_before.search(low, max(0, unit_start - 30), unit_start) is not None


@remembered_for_last
def lowered_body(doc: Document) -> str:
    """The article's body (`doc.content` up to `body_end`) in lower case, offsets kept."""
    return lowered(doc.content[: body_end(doc)])


@functools.cache
def _figure_finder() -> FigureFinder:
    return FigureFinder()


@remembered_for_last
def figure_sentences(doc: Document) -> list[tuple[int, int]]:
    """For each sentence of the body that states a count, in order: its index and its first count.

    Read once per document for `dates` (the period each figure sentence votes for) and `places`
    (the level named before the first counts).
    """
    return list(_figure_finder().first_per_sentence(lowered_body(doc), doc.sentences))


@dataclass
class _DateToken:
    start: int
    end: int
    day: int
    month: int
    year: int | None


@dataclass
class _PeriodHit:
    start_year: int
    end_year: int
    start: int
    end: int
    rule: str
    target: bool = False
    relative: bool = False  # resolved from the publish year (`5 năm qua`, `đến nay`)
    score: float = 0.0
    excluded: bool = False  # a comparison baseline or a year still to come: never reported
    subset: bool = False  # singled out of a longer span: `Riêng năm 2014`
    planned: bool = False  # named in a plan or a cited document's title, not in a result


@dataclass
class _Layout:
    """Where things sit in a document: its header and footer, where the article ends."""

    body_end: int
    page_lines: list[tuple[int, int]]  # header and footer lines: page dates, never events
    header_lines: list[tuple[int, int]]
    title_span: tuple[int, int] | None


def _layout(doc: Document) -> _Layout:
    text = doc.text
    end = body_end(doc)
    # The header is the run of short lines before the first paragraph of prose.
    header: list[tuple[int, int]] = []
    for start, stop in itertools.islice(_lines_from_top(text), 10):
        if stop - start >= 160:
            break
        header.append((start, stop))
    # The footer is the last few lines, byline and source; only short lines, never a paragraph.
    footer = [ln for ln in _lines_up_to(text, end, 6) if ln[1] - ln[0] <= 120]
    return _Layout(end, header + footer, header, title_span(doc))


def _line_span(text: str, line_start: int, line_end: int) -> tuple[int, int] | None:
    """The span of the line `text[line_start:line_end]` without its outer spaces (None if blank)."""
    line = text[line_start:line_end]
    stripped = line.strip()
    if not stripped:
        return None
    start = line_start + len(line) - len(line.lstrip())
    return start, start + len(stripped)


def _lines_from_top(text: str) -> Iterator[tuple[int, int]]:
    """The non-blank lines of `text` (stripped spans), read one at a time: callers stop early."""
    line_start = 0
    while line_start <= len(text):
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = len(text)
        span = _line_span(text, line_start, line_end)
        if span is not None:
            yield span
        line_start = line_end + 1


def _lines_up_to(text: str, end: int, count: int) -> list[tuple[int, int]]:
    """The last `count` non-blank lines of `text` that end by `end` (stripped spans), in text order.

    Read backwards from `end`, so a long article costs no more than a short one.
    """
    found: list[tuple[int, int]] = []
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    while len(found) < count and line_end >= 0:
        line_start = text.rfind("\n", 0, line_end) + 1
        span = _line_span(text, line_start, line_end)
        if span is not None and span[1] <= end:
            found.append(span)
        line_end = line_start - 1
    found.reverse()
    return found


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= offset < e for s, e in spans)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


# An author's name (two to five capitalised words) and a dash before a date ending the line.
_BYLINE_NAME_DASH = regex.compile(r"\s*\p{Lu}\w*(?:\s+\p{Lu}\w*){1,4}\s*[-–—|]\s*")

# The year provinces were merged and districts abolished (two-level local government).
REORGANISATION_YEAR = 2025


class DatesStage:
    name = "dates"
    needs: tuple[str, ...] = ()
    gives = "dates"

    def __init__(self) -> None:
        words = vocab.load("dates")
        periods = vocab.load("periods")
        weekday = vocab.alternation(words["weekdays"])
        publish_label = vocab.alternation(words["publish_labels"])
        update_label = vocab.alternation(words["update_labels"])
        opener = vocab.alternation(words["event_openers"])
        boundary = vocab.alternation(words["boundary_words"])
        document_kind = vocab.alternation(words["document_kinds"])
        date_lead = rf"{_H}*:?{_H}*(?:lúc{_H}*)?(?:{_TIME}{_H}*[,\-–|]?{_H}*)?(?:ngày{_H}*)?$"
        # What stands before the date of a header line, strongest first: a label naming
        # publication, one naming an update, a weekday.
        self._publish_lead = [
            (0, "publish_label", _Before(rf"(?<!\w){publish_label}{date_lead}")),
            (1, "update_label", _Before(rf"(?<!\w){update_label}{date_lead}")),
            (2, "weekday", _Before(rf"(?<!\w){weekday}{_H}*[,.\-–]?{_H}*(?:ngày{_H}*)?$")),
        ]
        self._line_residue = regex.compile(
            rf"{weekday}|{publish_label}|{update_label}|ngày|lúc|\(?{_H}*gmt{_H}*[+\-]{_H}*\d{{1,2}}{_H}*\)?|{_TIME}"
            rf"|[\s,|\-–—:()./]"
        )
        self._event_lead = _Before(
            # "Sáng thứ Ba (16-12)": a weekday may stand between the opener and the day.
            rf"(?<!\w)(?P<opener>{opener})(?:{_H}+(?:ngày|hôm{_H}+nay|nay|qua))?(?:{_H}+{weekday})?{_H}*\(?{_H}*(?:ngày{_H}+)?"
            rf"(?:(?P<first>\d{{1,2}}){_H}*(?:-|–|và|,){_H}*)?$"
        )
        self._boundary_lead = _Before(rf"(?<!\w){boundary}{_H}+(?:ngày{_H}+)?$")
        self._boundary_before_opener = _Before(rf"(?<!\w){boundary}{_H}+$")
        # A document kind and its number right before a date: `Kế hoạch số 26-KH/TU, ngày `.
        self._document_lead = _Before(
            rf"(?<!\w)(?P<ref>{document_kind}{_H}+(?:số{_H}*)?\d+[\w.]*(?:[\-/][\w.]*\w)*)"
            rf"{_H}*(?:,|\(|-|–)?{_H}*(?:(?:ban{_H}+hành{_H}+)?ngày(?:{_H}+ban{_H}+hành)?{_H}*)?$"
        )
        # A document kind and its number anywhere in a window (`Kế hoạch số 26`): see `_cites_document`.
        self._document_before_number = _Before(rf"(?<!\w){document_kind}{_H}+(?:số{_H}*)?$")

        heads = vocab.alternation(periods["range_heads"])
        parts = vocab.alternation(periods["year_parts"])
        recent = vocab.alternation(periods["recent_years"])
        self._number_words: dict[str, int] = {k.lower(): int(v) for k, v in periods["number_words"].items()}
        number_word = vocab.alternation([regex.escape(w) for w in self._number_words])
        target_cue = vocab.alternation(periods["target_cues"])
        until_now = vocab.alternation(periods["until_now"])
        # Around a year: what follows makes a range or a span to now, what precedes names it.
        self._range_tail = regex.compile(rf"{_H}*(?:-|–|—|đến|tới){_H}*(?:năm{_H}+)?(?P<y2>{YEAR})(?![\d/])")
        self._range_head = _Before(rf"(?:(?<!\w)(?P<head>{heads}){_H}*:?{_H}*\(?{_H}*(?:năm{_H}+)?|\({_H}*)$")
        self._until_now_tail = regex.compile(rf"{_H}*\)?{_H}*,?{_H}*{until_now}")
        self._since_reorganisation = regex.compile(
            rf"(?<!\w){vocab.alternation(periods['since_reorganisation'])}[^.;\n]{{0,60}}?{until_now}"
        )
        # The same, one phrase at a time (each starts with a literal): see `_matches_of_each`.
        self._since_reorganisation_each = [
            regex.compile(rf"(?<!\w)(?:{phrase})[^.;\n]{{0,60}}?{until_now}")
            for phrase in dict.fromkeys(periods["since_reorganisation"])
        ]
        self._since_head = _Before(
            rf"(?<!\w)từ{_H}+(?:(?:khi|lúc|sau{_H}+khi)[^\d.;:\n]{{0,60}}?{_H})?(?:\({_H}*)?(?:(?:năm|ngày){_H}+)?$"
        )
        self._part_head = _Before(rf"(?<!\w){parts}{_H}*$")
        self._target_head = _Before(
            rf"(?:(?P<cue>{target_cue}){_H}+)?(?<!\w)(?:đến|tới){_H}+năm{_H}+$"
        )
        self._single_head = _Before(rf"(?<!\w)năm{_H}+$")
        self._yearless_part = regex.compile(rf"(?<!\w)tháng{_H}+(?:đầu|cuối){_H}+năm(?!{_H}*\d)")
        self._yearless_count = _Before(rf"(?<!\w)(?:\d{{1,2}}|sáu|chín|ba){_H}+$")
        self._recent_tail = regex.compile(rf"(?<!\w){recent}(?!\w)")
        self._recent_count = _Before(rf"(?<![\w.,])(?P<n>\d{{1,2}}|{number_word}){_H}+$")
        # `tổng kết 5 năm`, `sau hai năm`. Matched from the right: the engine then looks for the
        # `năm` that ends every match instead of trying the alternatives at each position (eight
        # times faster). Two matches never overlap (each starts at `tổng kết`, `sơ kết`, `sau` or
        # `qua`, and no count is one of those words), so they are the forward matches, in reverse.
        self._review_count_from_right = regex.compile(
            rf"(?<!\w)(?:tổng{_H}+kết|sơ{_H}+kết|sau|qua){_H}+(?P<n>\d{{1,2}}|{number_word}){_H}+năm(?!{_H}*\d)(?!\w)",
            regex.REVERSE,
        )
        self._plan_before = regex.compile(rf"(?<!\w){vocab.alternation(periods['plan_cues'])}(?!\w)")
        self._review_before = regex.compile(rf"(?<!\w){vocab.alternation(periods['review_cues'])}(?!\w)")
        self._quarter = regex.compile(rf"(?<!\w)quý{_H}+(?:i{{1,3}}|iv|[1-4]){_H}*(?:/|năm){_H}*(?P<y>{YEAR})(?!\d)")
        self._comparison_before = _Before(rf"{vocab.alternation(periods['comparison_cues'])}\s*$")
        self._subset_before = _Before(rf"(?<!\w){vocab.alternation(periods['subset_cues'])}\s*,?\s*$")

    # ------------------------------------------------------------------ stage
    def __call__(self, doc: Document, earlier: Records) -> list[DateMention | PeriodMention]:
        layout = _layout(doc)
        text = doc.text
        low = lowered_body(doc)
        tokens = self._date_tokens(low)

        publish, publish_mention, taken = self._publish_date(doc, layout, low, tokens)
        documents = self._documents(text, low, tokens, taken)
        taken += [(t.start, t.end) for t, _ in documents]
        periods = self._periods(low, tokens, publish)
        reported = self._choose_reported(doc, low, layout, periods, publish)
        fallback_year = reported.end_year if reported is not None else _latest_year(periods)
        # A day that opens a span (`từ ngày 1/7/2025 đến nay`) is the span's, not an event.
        events = self._events(text, low, layout, tokens, taken + [(p.start, p.end) for p in periods],
                              publish, fallback_year)

        out: list[DateMention | PeriodMention] = []
        if publish_mention is not None:
            out.append(publish_mention)
        cited: set[tuple[str, str]] = set()
        for token, ref in documents:
            year = token.year if token.year is not None else infer_year(token.day, token.month, publish, fallback_year)
            if year is None or not valid_date(year, token.month, token.day):
                continue
            value = dt.date(year, token.month, token.day).isoformat()
            # A plan cited twice is one document: the first citation stands for it.
            if (ref.casefold(), value) in cited:
                continue
            cited.add((ref.casefold(), value))
            out.append(DateMention("document", value, text[token.start:token.end], token.start, token.end,
                                   "document_ref", ref))
        out.extend(events)
        for period in periods:
            role = "reported" if period is reported else ("target" if period.target else "mentioned")
            out.append(PeriodMention(period.start_year, period.end_year, text[period.start:period.end],
                                     period.start, period.end, role, period.rule))
        return out

    # ------------------------------------------------------------------ tokens
    def _date_tokens(self, low: str) -> list[_DateToken]:
        """Every date in the body, in text order."""
        tokens: list[_DateToken] = []
        for match in _DATE.finditer(low):
            if match.group("iy") is not None:
                iso_year, month, day = (int(match.group(g)) for g in ("iy", "im", "id"))
                if valid_date(iso_year, month, day):
                    tokens.append(_DateToken(match.start(), match.end(), day, month, iso_year))
                continue
            day = int(match.group("d"))
            if match.group("wm") is not None:
                month, year_text = int(match.group("wm")), match.group("wy")
            else:
                month, year_text = int(match.group("m")), match.group("y")
                if year_text is None and match.group("sep") == ".":
                    continue  # `5.3` is a decimal, not a day and month
            year = int(year_text) if year_text else None
            if not valid_date(year or 2000, month, day):  # 2000 is a leap year: 29/2 stays
                continue
            tokens.append(_DateToken(match.start(), match.end(), day, month, year))
        return tokens

    # ------------------------------------------------------------------ publish
    def _publish_date(
        self, doc: Document, layout: _Layout, low: str, tokens: list[_DateToken]
    ) -> tuple[dt.date | None, DateMention | None, list[tuple[int, int]]]:
        """The publish date, its mention, and every page date (header or byline dates: no events)."""
        best: tuple[int, int, _DateToken, str] | None = None
        page_dates: list[tuple[int, int]] = []
        header_and_footer = layout.page_lines
        for token in tokens:
            if token.year is None:
                continue
            line_start = low.rfind("\n", 0, token.start) + 1
            line_end = low.find("\n", token.end)
            line_end = len(low) if line_end < 0 else line_end
            if line_end - line_start > 120:
                continue  # a header or byline line is short; a body sentence with a date is not one
            lead = low[max(line_start, token.start - 60): token.start]
            rank: tuple[int, str] | None = None
            for priority, rule, pattern in self._publish_lead:
                if pattern.search(lead):
                    rank = (priority, rule)
                    break
            if rank is None and _inside(token.start, header_and_footer):
                residue = self._line_residue.sub("", low[line_start:token.start] + low[token.end:line_end])
                if not residue:
                    rank = (3, "date_line")
                # A byline that ends with its date: `Bích Ngọc (28/12/2010)`.
                elif (low[token.start - 1: token.start] == "(" and low[token.end:line_end].strip() == ")" and \
                        _inside(token.start, layout.page_lines[len(layout.header_lines):])) or (_BYLINE_NAME_DASH.fullmatch(doc.text, line_start, token.start) and \
                        not low[token.end:line_end].strip() and \
                        _inside(token.start, layout.page_lines[len(layout.header_lines):])):
                    rank = (3, "byline_date")
            if rank is None:
                continue
            page_dates.append((token.start, token.end))
            if best is None or (rank[0], token.start) < (best[0], best[1]):
                best = (rank[0], token.start, token, rank[1])
        if best is not None:
            token, rule = best[2], best[3]
            assert token.year is not None
            value = dt.date(token.year, token.month, token.day)
            text = doc.text[token.start:token.end]
            return value, DateMention("publish", value.isoformat(), text, token.start, token.end, rule), page_dates
        if doc.publish_date_hint:
            try:
                return dt.date.fromisoformat(doc.publish_date_hint[:10]), None, page_dates
            except ValueError:
                pass
        return None, None, page_dates

    # ------------------------------------------------------------------ documents
    def _documents(
        self, text: str, low: str, tokens: list[_DateToken], taken: list[tuple[int, int]]
    ) -> list[tuple[_DateToken, str]]:
        found: list[tuple[_DateToken, str]] = []
        for token in tokens:
            if _overlaps(token.start, token.end, taken):
                continue
            window_start = max(0, token.start - 90)
            match = self._document_lead.search(low, window_start, token.start)
            if match is None:
                continue
            # The reference as written, not lower-cased: `Kế hoạch số 26-KH/TU`.
            found.append((token, " ".join(text[match.start("ref"): match.end("ref")].split())))
        return found

    # ------------------------------------------------------------------ events
    def _events(
        self,
        text: str,
        low: str,
        layout: _Layout,
        tokens: list[_DateToken],
        taken: list[tuple[int, int]],
        publish: dt.date | None,
        fallback_year: int | None,
    ) -> list[DateMention]:
        events: list[DateMention] = []
        reference_year = publish.year if publish else fallback_year
        for token in tokens:
            if _overlaps(token.start, token.end, taken):
                continue
            window = low[max(0, token.start - 45): token.start]
            if token.year is None:
                lead = self._event_lead.search(window)
                if lead is None:
                    continue
                # `tính đến ngày 30/6` is a cut-off, not the day something happened.
                if self._boundary_before_opener.search(window, 0, lead.start()):
                    continue
                start, day = token.start, token.day
                if lead.group("first") is not None:  # `ngày 12 - 13/12`: the event starts on the 12th
                    start = token.start - (len(window) - lead.start("first"))
                    day = int(lead.group("first"))
                year = infer_year(day, token.month, publish, fallback_year)
                if year is None:
                    continue
                rule = f"event_{lead.group('opener').split()[0]}"
                events.append(DateMention("event", dt.date(year, token.month, day).isoformat(),
                                          text[start:token.end], start, token.end, rule))
                continue
            if self._boundary_lead.search(window):
                continue
            # `(15/10/1930 - 15/10/2023)`: an anniversary's span, not a day something happened.
            if _DATE_RANGE_AFTER.match(low, token.end) or _DATE_RANGE_BEFORE.search(window):
                continue
            # A full date years before the report is history (a founding day, an old decision).
            if reference_year is not None and token.year < reference_year - 2:
                continue
            value = dt.date(token.year, token.month, token.day).isoformat()
            events.append(DateMention("event", value, text[token.start:token.end], token.start, token.end,
                                      "event_full_date"))
        return events

    # ------------------------------------------------------------------ periods
    def _periods(self, low: str, tokens: list[_DateToken], publish: dt.date | None) -> list[_PeriodHit]:
        date_spans = [(t.start, t.end) for t in tokens]
        year_tokens = _matches_of_each(_YEAR_TOKEN_BY_CENTURY, _YEAR_TOKEN, low)
        years = [m for m in year_tokens if not _overlaps(m.start(), m.end(), date_spans)]
        now_year: int | None
        if publish is not None:
            now_year = publish.year
        else:  # the latest year named, a target aside
            now_year = max((int(m.group(0)) for m in years
                            if not self._target_head.search(low, max(0, m.start() - 40), m.start())), default=None)
        hits: list[_PeriodHit] = []
        consumed: list[tuple[int, int]] = []
        for match in years:
            start, end = match.span()
            if _inside(start, consumed):
                continue
            year = int(match.group(0))
            before_start = max(0, start - 80)
            tail = self._range_tail.match(low, end, min(len(low), end + 40))
            if tail is not None and year < int(tail.group("y2")) <= year + 20:
                head = self._range_head.search(low, before_start, start)
                span_start = head.start() if head else start
                rule = "range_" + (head.group("head").split()[0] if head and head.group("head") else "bare")
                span_end = tail.end()
                if low[span_end: span_end + 1] == ")" and head is not None and not head.group("head"):
                    span_end += 1
                hits.append(_PeriodHit(year, int(tail.group("y2")), span_start, span_end, rule))
                consumed.append((start, span_end))
                continue
            # The anchored match after the year first: the search before it is only needed after one.
            until_now = self._until_now_tail.match(low, end, min(len(low), end + 30))
            if until_now is not None and now_year is not None and year <= now_year:
                since = self._since_head.search(low, before_start, start)
                if since is not None:
                    hits.append(_PeriodHit(year, now_year, since.start(), until_now.end(), "since_until_now",
                                           relative=True))
                    continue
            part = self._part_head.search(low, before_start, start)
            if part is not None:
                hits.append(_PeriodHit(year, year, part.start(), end, "year_part"))
                continue
            target = self._target_head.search(low, before_start, start)
            if target is not None:
                if target.group("cue") is not None or (publish is not None and year > publish.year):
                    hits.append(_PeriodHit(year, year, target.start(), end, "target", target=True))
                else:
                    hits.append(_PeriodHit(year, year, target.start(), end, "until_year"))
                continue
            single = self._single_head.search(low, max(0, start - 10), start)
            if single is not None:
                hits.append(_PeriodHit(year, year, single.start(), end, "year"))
        if now_year is not None and now_year >= REORGANISATION_YEAR:
            for match in _matches_of_each(self._since_reorganisation_each, self._since_reorganisation, low):
                if not _overlaps(match.start(), match.end(), [(h.start, h.end) for h in hits]):
                    hits.append(_PeriodHit(REORGANISATION_YEAR, now_year, match.start(), match.end(),
                                           "since_reorganisation", relative=True))
        spans = [(h.start, h.end) for h in hits]
        for match in self._quarter.finditer(low):
            if not _overlaps(match.start(), match.end(), spans):
                year = int(match.group("y"))
                hits.append(_PeriodHit(year, year, match.start(), match.end(), "year_part"))
        if now_year is not None:
            for match in self._yearless_part.finditer(low):
                count = self._yearless_count.search(low, max(0, match.start() - 8), match.start())
                if count is not None and not _overlaps(count.start(), match.end(), spans):
                    hits.append(_PeriodHit(now_year, now_year, count.start(), match.end(), "year_part", relative=True))
            for match in self._recent_tail.finditer(low):
                count = self._recent_count.search(low, max(0, match.start() - 14), match.start())
                if count is None or _overlaps(count.start(), match.end(), spans):
                    continue
                self._add_recent(hits, count.group("n"), count.start(), match.end(), now_year)
            for match in reversed(list(self._review_count_from_right.finditer(low))):
                if not _overlaps(match.start(), match.end(), [(h.start, h.end) for h in hits]):
                    self._add_recent(hits, match.group("n"), match.start(), match.end(), now_year)
        # A span to now that starts on a day: `từ khi hợp nhất (1/7/2025) đến nay`.
        for token in tokens:
            if token.year is None or now_year is None or token.year > now_year:
                continue
            until_now = self._until_now_tail.match(low, token.end, min(len(low), token.end + 30))
            if until_now is None:
                continue
            since = self._since_head.search(low, max(0, token.start - 80), token.start)
            if since is not None:
                hits.append(_PeriodHit(token.year, now_year, since.start(), until_now.end(), "since_until_now",
                                       relative=True))
        # `3 năm (2021 – 2023)`: the years as written beat the count back from the publish year.
        ranges = [h for h in hits if h.rule.startswith("range")]
        hits = [
            h for h in hits
            if not (h.rule == "recent_years" and any(0 <= r.start - h.end <= 3 for r in ranges))
        ]
        # Elsewhere a count of years (`Sau 3 năm, ...`) means the span the article names with that
        # many years, counted either way (2021-2023 is `3 năm`, 2009-2014 is `5 năm`).
        for hit in hits:
            if hit.rule != "recent_years":
                continue
            count = hit.end_year - hit.start_year
            named = [r for r in ranges if r.end_year - r.start_year in (count, count - 1) and r.end_year <= hit.end_year]
            if named:
                hit.start_year, hit.end_year = named[0].start_year, named[0].end_year
        hits.sort(key=lambda h: h.start)
        return hits

    def _cites_document(self, low: str, start: int, end: int) -> bool:
        """Whether `low[start:end]` holds a document kind and its number (`kế hoạch số 26`).

        Read from each number in the window back to its kind: the kinds tried at every position
        of a window of up to 200 characters cost ten times more. A reference's number follows a
        space or `số`, never another digit, so only the first digit of each number is tried.
        """
        for number in _NUMBER_START.finditer(low, start, end):
            if self._document_before_number.search(low, start, number.start()):
                return True
        return False

    def _add_recent(self, hits: list[_PeriodHit], number: str, start: int, end: int, now_year: int) -> None:
        years = int(number) if number.isdigit() else self._number_words.get(number)
        if years is not None and 0 < years <= 30:
            hits.append(_PeriodHit(now_year - years, now_year, start, end, "recent_years", relative=True))

    def _choose_reported(
        self, doc: Document, low: str, layout: _Layout, periods: list[_PeriodHit], publish: dt.date | None
    ) -> _PeriodHit | None:
        if not periods:
            return None
        for hit in periods:
            if not hit.target:  # a target is never reported: its score is never read
                self._score_mention(doc, low, layout, hit, publish)
        votes: dict[tuple[int, int], float] = defaultdict(float)
        usable = [p for p in periods if not p.target and not p.excluded]
        # Each figure sentence votes for the period that governs it: the last usable period named in
        # it before its first count, else the first in it, else the last named before it. The
        # sentences are found from the figures (an article has far more sentences than figures);
        # sentence spans are sorted and disjoint, so a figure lies in at most one.
        sentences = doc.sentences
        for index, figure in figure_sentences(doc):
            start, end = sentences[index]
            inside = [p for p in usable if start <= p.start < end]
            if inside:
                before_count = [p for p in inside if p.start < figure]
                governing = before_count[-1] if before_count else inside[0]
                # Stronger than the title's mention (+2, +1 with a review word): the figures' own
                # period is what the article reports, whatever the headline says.
                votes[(governing.start_year, governing.end_year)] += 2 if governing.subset else 4
                continue
            earlier = [p for p in usable if p.end <= start and start - p.end < 3000 and not p.planned]
            if earlier:
                governing = earlier[-1]
                votes[(governing.start_year, governing.end_year)] += 1 if governing.subset else 2
        best: _PeriodHit | None = None
        best_score = float("-inf")
        for hit in usable:
            total = hit.score + votes.get((hit.start_year, hit.end_year), 0.0)
            if total > best_score:
                best, best_score = hit, total
        if best is None or best_score <= -2:
            return None
        return best

    def _score_mention(
        self, doc: Document, low: str, layout: _Layout, hit: _PeriodHit, publish: dt.date | None
    ) -> None:
        sentence_start, _ = doc.sentence_at(hit.start)
        window_start = max(sentence_start, hit.start - 60)
        before = low[window_start: hit.start]
        # A comparison baseline and a year still to come are both excluded: the cheap test first.
        if (publish is not None and hit.start_year > publish.year) or self._comparison_before.search(before):
            hit.excluded = True
            return
        score = 0.0
        if publish is not None:
            if hit.end_year > publish.year:
                score -= 5
            # A year's review is published in its last weeks or early the next year: in January
            # `năm 2023` is the year's plan, not its results.
            if hit.start_year == hit.end_year == publish.year and publish.month <= 2 and not hit.relative:
                score -= 3
        if layout.title_span is not None and layout.title_span[0] <= hit.start < layout.title_span[1]:
            score += 2
        if self._subset_before.search(before):
            hit.subset = True
            score -= 2
        if self._plan_before.search(before[-40:]):
            score -= 3
            hit.planned = True
        elif self._review_before.search(before):
            score += 1
        if self._cites_document(low, max(sentence_start, hit.start - 200), hit.start):
            score -= 3  # the period is part of a cited plan's title
            hit.planned = True
        # A span counted back from the publish year (`3 năm qua`) is a reader's estimate: a span
        # the article names in years is better evidence of what the figures cover.
        if hit.rule == "recent_years":
            score -= 1.5
        if hit.relative and publish is None:
            score -= 1
        if hit.rule == "until_year":
            score -= 1
        # Earlier mentions win ties: the lead states what the article is about.
        score -= hit.start / max(len(low), 1)
        hit.score = score


_NUMBER_START = regex.compile(r"(?<!\d)\d")


def _latest_year(periods: list[_PeriodHit]) -> int | None:
    """The latest year the article names as a span (targets aside), for a text with no date."""
    years = [p.end_year for p in periods if not p.target]
    return max(years) if years else None
