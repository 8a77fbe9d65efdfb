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
mention (plan words, a document's title, a comparison, a year still to come) break the rest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import regex

from extractors import vocab
from pipeline.document import Document
from schemas.records import DateMention, PeriodMention, Records

YEAR = r"(?:19[5-9]\d|20[0-4]\d)"

# A full numeric date. Spaces around the separator occur in portal headers (`06 / 01 / 2023`).
_FULL_NUMERIC = (
    r"(?<![\d/.])(?P<d>\d{1,2})\s{0,2}(?P<sep>[/.\-])\s{0,2}(?P<m>\d{1,2})\s{0,2}(?P=sep)\s{0,2}"
    rf"(?P<y>{YEAR})(?!\d)"
)
# A full date in words: `24 tháng 6 năm 2021`, `24 tháng 6, năm 2021`.
_FULL_WORDED = rf"(?<!\d)(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})\s*,?\s*năm\s+(?P<y>{YEAR})(?!\d)"
# A day and month with no year (`25/9`, `23-12`); never a ratio, since an opener must precede it.
_DAY_MONTH = r"(?P<d>\d{1,2})\s{0,2}(?P<sep>[/\-])\s{0,2}(?P<m>\d{1,2})(?!\s{0,2}[/.\-]?\s{0,2}\d)(?!\d)"
_DAY_MONTH_WORDED = rf"(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})(?!\d)(?!\s*,?\s*năm\s+{YEAR})"
_TIME = r"\d{1,2}\s?[:hg]\s?\d{2}(?:\s?:\s?\d{2})?(?:\s?(?:AM|PM|SA|CH))?"

# Lines that open the list of other articles at the foot of a page: nothing after them belongs to
# the article (their dates and years would pose as the article's own).
_RELATED_HEADING = regex.compile(
    r"(?:tin|bài(?: viết)?|các tin|các bài(?: viết)?)\s+(?:liên quan|khác|cùng chuyên mục|mới nhất|đã đưa|"
    r"mới|nổi bật|xem nhiều|đọc nhiều)\s*:?|xem thêm\s*:?|đọc thêm\s*:?|các tin khác\s*:?",
    regex.IGNORECASE,
)


@dataclass
class _DateHit:
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


@dataclass
class _Layout:
    """Where things sit in a document: its lines, its header, where the article ends."""

    lines: list[tuple[int, int]]  # (start, end) of non-empty lines in doc.text
    body_end: int  # offset where related-article lists begin (or len(text))
    header_lines: list[tuple[int, int]]
    footer_lines: list[tuple[int, int]]
    title_span: tuple[int, int] | None


def _alternation(entries: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{e})" for e in sorted(entries, key=len, reverse=True)) + ")"


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


def _layout(doc: Document) -> _Layout:
    text = doc.text
    lines: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            lines.append((offset + lead, offset + lead + len(stripped)))
        offset += len(line) + 1
    body_end = len(text)
    # Related-article lists start after the body; only look in the second half of the page so that
    # a heading-like phrase in a short lead never cuts the article.
    for start, end in lines:
        if start > len(text) * 0.4 and _RELATED_HEADING.fullmatch(text[start:end]):
            body_end = start
            break
    # The header is the run of short lines before the first paragraph of prose.
    header: list[tuple[int, int]] = []
    for start, end in lines[:10]:
        if end - start >= 160:
            break
        header.append((start, end))
    body_lines = [ln for ln in lines if ln[1] <= body_end]
    footer = body_lines[-6:]
    title_span = None
    for start, end in lines[:6]:
        if doc.content[start:end].strip():
            title_span = (start, end)
            break
    return _Layout(lines, body_end, header, footer, title_span)


class DatesStage:
    name = "dates"
    needs: tuple[str, ...] = ()
    gives = "dates"

    def __init__(self) -> None:
        words = vocab.load("dates")
        periods = vocab.load("periods")
        flags = regex.IGNORECASE
        weekday = _alternation(words["weekdays"])
        publish_label = _alternation(words["publish_labels"])
        update_label = _alternation(words["update_labels"])
        opener = _alternation(words["event_openers"])
        boundary = _alternation(words["boundary_words"])
        document_kind = _alternation(words["document_kinds"])
        full = rf"(?:{_FULL_NUMERIC}|{_FULL_WORDED})"

        self._full_date = regex.compile(rf"(?:{_FULL_NUMERIC})|(?:{_FULL_WORDED})", flags)
        self._time = regex.compile(_TIME, flags)
        # Publish-date forms, strongest first: a label naming publication, one naming an update,
        # a weekday before the date; a line that holds nothing but a date is the weakest.
        self._labelled = [
            (0, "publish_label", regex.compile(
                rf"(?<!\w){publish_label}\s*:?\s*(?:lúc\s*)?(?:{_TIME}\s*[,\-–|]?\s*)?(?:ngày\s*)?{full}", flags)),
            (1, "update_label", regex.compile(
                rf"(?<!\w){update_label}\s*:?\s*(?:lúc\s*)?(?:{_TIME}\s*[,\-–|]?\s*)?(?:ngày\s*)?{full}", flags)),
            (2, "weekday", regex.compile(rf"(?<!\w){weekday}\s*[,.\-–]?\s*(?:ngày\s*)?{full}", flags)),
        ]
        self._line_residue = regex.compile(
            rf"{weekday}|{publish_label}|{update_label}|ngày|lúc|\(?\s*GMT\s*[+\-]\s*\d{{1,2}}\s*\)?|{_TIME}|[\s,|\-–—:()./]",
            flags,
        )
        self._event_opener = regex.compile(
            rf"(?<!\w)(?P<opener>{opener})(?:\s+(?:ngày|hôm\s+nay|nay|qua))?\s*\(?\s*(?:ngày\s+)?"
            rf"(?:(?P<first>\d{{1,2}})\s*(?:-|–|và|,)\s*)?(?:{_DAY_MONTH}|{_DAY_MONTH_WORDED})",
            flags,
        )
        self._boundary_before = regex.compile(rf"(?<!\w){boundary}\s+(?:ngày\s+)?$", flags)
        # A document kind, its number, then its date. The number is `26-KH/TU`, `120/QĐ-UBND`, `13`.
        self._document = regex.compile(
            rf"(?<!\w)(?P<ref>(?P<kind>{document_kind})\s+(?:số\s*)?(?P<number>\d+[\w.]*(?:[\-/][\w.]*\w)*))"
            rf"\s*(?:,|\(|-|–)?\s*(?:(?:ban\s+hành\s+)?(?:ngày|ngày\s+ban\s+hành)\s*)?"
            rf"(?P<date>(?:{_FULL_NUMERIC})|(?:{_FULL_WORDED})|(?:{_DAY_MONTH})|(?:{_DAY_MONTH_WORDED}))",
            flags,
        )

        heads = _alternation(periods["range_heads"])
        parts = _alternation(periods["year_parts"])
        recent = _alternation(periods["recent_years"])
        self._number_words: dict[str, int] = {k.lower(): int(v) for k, v in periods["number_words"].items()}
        number_word = _alternation([regex.escape(w) for w in self._number_words])
        target_cue = _alternation(periods["target_cues"])
        until_now = _alternation(periods["until_now"])
        self._range = regex.compile(
            rf"(?<![\w/.\-])(?:(?P<head>{heads})\s*:?\s*)?(?P<paren>\(\s*)?(?:năm\s+)?(?P<y1>{YEAR})\s*(?:-|–|—|đến|tới)\s*"
            rf"(?:năm\s+)?(?P<y2>{YEAR})(?![\d/])(?(paren)\s*\))",
            flags,
        )
        self._since = regex.compile(
            rf"(?<!\w)từ\s+(?:(?:khi|lúc|sau\s+khi)[^\d.;:\n]{{0,60}}?\s)?(?:năm\s+)?(?P<y1>{YEAR})\s*,?\s*"
            rf"(?:đến|tới)\s+(?:nay|hiện\s+nay|thời\s+điểm\s+này)",
            flags,
        )
        self._part = regex.compile(rf"(?<!\w)(?P<part>{parts})(?:[^\S\n]*(?P<y>{YEAR}))?(?!\d)", flags)
        self._recent = regex.compile(
            rf"(?<![\w.,])(?P<n>\d{{1,2}}|{number_word})\s+(?P<rest>{recent})(?!\s*{YEAR})"
            rf"|(?<!\w)(?:tổng\s+kết|sơ\s+kết|sau|qua)\s+(?P<n2>\d{{1,2}}|{number_word})\s+năm(?!\s*{YEAR})(?!\w)",
            flags,
        )
        self._single = regex.compile(rf"(?<!\w)năm\s+(?P<y>{YEAR})(?![\d/])", flags)
        self._target = regex.compile(
            rf"(?:(?P<cue>{target_cue})\s+)?(?<!\w)(?:đến|tới)\s+năm\s+(?P<y>{YEAR})(?!\d)", flags
        )
        self._until_now = regex.compile(rf"^\s*,?\s*{until_now}", flags)
        self._plan_before = regex.compile(_alternation(periods["plan_cues"]), flags)
        self._review_before = regex.compile(_alternation(periods["review_cues"]), flags)
        self._comparison_before = regex.compile(rf"{_alternation(periods['comparison_cues'])}\s*$", flags)
        units = _alternation(periods["figure_units"])
        self._figure = regex.compile(
            rf"(?<![\w.,/])(?:\d{{1,3}}(?:\.\d{{3}})+|\d+|{number_word}(?:\s+mươi)?(?:\s+\w+)?)\s+(?:{units})(?!\w)",
            flags,
        )
        self._any_year = regex.compile(rf"(?<![\d/.\-]){YEAR}(?![\d/])")
        self._document_anywhere = regex.compile(rf"(?<!\w){document_kind}\s+(?:số\s*)?\d", flags)

    # ------------------------------------------------------------------ stage
    def __call__(self, doc: Document, earlier: Records) -> list[DateMention | PeriodMention]:
        layout = _layout(doc)
        text = doc.text
        body = doc.content[: layout.body_end]
        taken: list[tuple[int, int]] = []

        publish, publish_mention = self._publish_date(doc, layout)
        if publish_mention is not None:
            taken.append((publish_mention.start, publish_mention.end))

        documents, document_spans = self._documents(body, taken)
        periods = self._periods(doc, body, layout, publish, taken + document_spans)
        reported = self._choose_reported(doc, body, layout, periods, publish)
        fallback_year = reported.end_year if reported is not None else self._latest_year(body, periods)
        events = self._events(doc, body, layout, publish, fallback_year, taken + document_spans)

        out: list[DateMention | PeriodMention] = []
        if publish_mention is not None:
            out.append(publish_mention)
        cited: set[tuple[str, str]] = set()
        for hit, ref, rule in documents:
            year = hit.year if hit.year is not None else infer_year(hit.day, hit.month, publish, fallback_year)
            if year is None or not valid_date(year, hit.month, hit.day):
                continue
            # A plan cited twice is one document: the first citation stands for it.
            key = (ref.casefold(), dt.date(year, hit.month, hit.day).isoformat())
            if key in cited:
                continue
            cited.add(key)
            out.append(DateMention("document", dt.date(year, hit.month, hit.day).isoformat(),
                                   text[hit.start:hit.end], hit.start, hit.end, rule, ref))
        out.extend(events)
        for period in periods:
            role = "reported" if period is reported else ("target" if period.target else "mentioned")
            out.append(PeriodMention(period.start_year, period.end_year, text[period.start:period.end],
                                     period.start, period.end, role, period.rule))
        return out

    # ------------------------------------------------------------------ publish
    def _publish_date(self, doc: Document, layout: _Layout) -> tuple[dt.date | None, DateMention | None]:
        text = doc.text
        best: tuple[int, int, DateMention, dt.date] | None = None
        # Labels and weekdays mark a header or byline line wherever it sits; a line is a header line
        # only when short (a body sentence that opens with `Thứ Hai, ngày ...` is rare and long).
        for start, end in layout.lines:
            if start >= layout.body_end or end - start > 120:
                continue
            line = text[start:end]
            for priority, rule, pattern in self._labelled:
                for match in pattern.finditer(line):
                    found = self._date_in(match.group(0), start + match.start())
                    if found is None:
                        continue
                    mention, value = found
                    mention = DateMention("publish", value.isoformat(), mention.text, mention.start,
                                          mention.end, rule)
                    if best is None or (priority, start) < (best[0], best[1]):
                        best = (priority, start, mention, value)
                    break
        for start, end in [*layout.header_lines, *layout.footer_lines]:
            line = text[start:end]
            if best is not None and best[0] < 3:
                break
            match = self._full_date.search(line)
            if match is None:
                continue
            residue = self._line_residue.sub("", line[: match.start()] + line[match.end():])
            if residue:
                continue
            found = self._date_in(match.group(0), start + match.start())
            if found is not None:
                mention, value = found
                mention = DateMention("publish", value.isoformat(), mention.text, mention.start, mention.end,
                                      "date_line")
                if best is None or (3, start) < (best[0], best[1]):
                    best = (3, start, mention, value)
        if best is not None:
            return best[3], best[2]
        if doc.publish_date_hint:
            try:
                return dt.date.fromisoformat(doc.publish_date_hint[:10]), None
            except ValueError:
                return None, None
        return None, None

    def _date_in(self, chunk: str, offset: int) -> tuple[DateMention, dt.date] | None:
        match = self._full_date.search(chunk)
        if match is None:
            return None
        day, month, year = (int(match.group(g)) for g in ("d", "m", "y"))
        if not valid_date(year, month, day):
            return None
        start, end = offset + match.start(), offset + match.end()
        return DateMention("publish", "", chunk[match.start():match.end()], start, end), dt.date(year, month, day)

    # ------------------------------------------------------------------ documents
    def _documents(
        self, body: str, taken: list[tuple[int, int]]
    ) -> tuple[list[tuple[_DateHit, str, str]], list[tuple[int, int]]]:
        found: list[tuple[_DateHit, str, str]] = []
        spans: list[tuple[int, int]] = []
        for match in self._document.finditer(body):
            date_start, date_end = match.span("date")
            if _overlaps(date_start, date_end, taken):
                continue
            hit = _hit_from(match.group("date"), date_start)
            if hit is None:
                continue
            ref = " ".join(match.group("ref").split())
            found.append((hit, ref, "document_ref"))
            spans.append((match.start(), match.end()))
        return found, spans

    # ------------------------------------------------------------------ events
    def _events(
        self,
        doc: Document,
        body: str,
        layout: _Layout,
        publish: dt.date | None,
        fallback_year: int | None,
        taken: list[tuple[int, int]],
    ) -> list[DateMention]:
        text = doc.text
        events: list[DateMention] = []
        seen_spans: list[tuple[int, int]] = list(taken)
        # Header and footer lines hold page dates, never the day something happened.
        page_lines = [*layout.header_lines, *layout.footer_lines]
        for match in self._event_opener.finditer(body):
            start = match.start("d")
            if self._boundary_before.search(body[max(0, match.start() - 12): match.start()]):
                continue
            end = match.end("m")
            if _overlaps(start, end, seen_spans) or _inside(start, page_lines):
                continue
            day, month = int(match.group("d")), int(match.group("m"))
            first = match.group("first")
            if first is not None:  # `ngày 12 - 13/12`: the event starts on the first day
                day, start = int(first), match.start("first")
            year = infer_year(day, month, publish, fallback_year)
            if year is None:
                continue
            events.append(DateMention("event", dt.date(year, month, day).isoformat(), text[start:end], start, end,
                                      f"event_{match.group('opener').split()[0].lower()}"))
            seen_spans.append((start, end))
        # Full dates in the body that are no document's, no page date and no edge of a span.
        reference_year = publish.year if publish else fallback_year
        for match in self._full_date.finditer(body):
            start, end = match.span()
            if _overlaps(start, end, seen_spans) or _inside(start, page_lines):
                continue
            if self._boundary_before.search(body[max(0, start - 12): start]):
                continue
            day, month, year = (int(match.group(g)) for g in ("d", "m", "y"))
            if not valid_date(year, month, day):
                continue
            # A date years before the report is history (a founding day, an old decision).
            if reference_year is not None and year < reference_year - 2:
                continue
            events.append(DateMention("event", dt.date(year, month, day).isoformat(), text[start:end], start, end,
                                      "event_full_date"))
            seen_spans.append((start, end))
        events.sort(key=lambda m: m.start)
        return events

    # ------------------------------------------------------------------ periods
    def _periods(
        self, doc: Document, body: str, layout: _Layout, publish: dt.date | None, taken: list[tuple[int, int]]
    ) -> list[_PeriodHit]:
        date_spans = [m.span() for m in self._full_date.finditer(body)] + taken
        candidates: list[tuple[int, _PeriodHit]] = []  # (priority, hit); lower priority wins overlaps
        latest = self._latest_year(body, [])
        now_year = publish.year if publish else latest

        for match in self._since.finditer(body):
            y1 = int(match.group("y1"))
            if now_year is not None and y1 <= now_year:
                candidates.append((0, _PeriodHit(y1, now_year, *match.span(), "since_until_now", relative=True)))
        for match in self._range.finditer(body):
            y1, y2 = int(match.group("y1")), int(match.group("y2"))
            if not (y1 < y2 <= y1 + 20):
                continue
            start, end = match.span()
            tail = body[end:end + 30]
            if self._until_now.match(tail):  # `từ năm 2009 - 2010 đến nay` is read by _since
                continue
            rule = "range_" + ((match.group("head") or "bare").split()[0].lower())
            candidates.append((1, _PeriodHit(y1, y2, start, end, rule)))
        for match in self._part.finditer(body):
            year_text = match.group("y")
            year = int(year_text) if year_text else now_year
            if year is None:
                continue
            candidates.append((2, _PeriodHit(year, year, *match.span(), "year_part", relative=year_text is None)))
        for match in self._target.finditer(body):
            year = int(match.group("y"))
            is_target = match.group("cue") is not None or (publish is not None and year > publish.year)
            start = match.start() if match.group("cue") else match.start("y") - len("năm ")
            if is_target:
                candidates.append((2, _PeriodHit(year, year, match.start(), match.end(), "target", target=True)))
            else:
                candidates.append((4, _PeriodHit(year, year, start, match.end(), "until_year")))
        for match in self._recent.finditer(body):
            number = match.group("n") or match.group("n2")
            years = int(number) if number.isdigit() else self._number_words.get(number.lower())
            if years is None or now_year is None or not 0 < years <= 30:
                continue
            candidates.append(
                (3, _PeriodHit(now_year - years, now_year, *match.span(), "recent_years", relative=True))
            )
        for match in self._single.finditer(body):
            year = int(match.group("y"))
            candidates.append((5, _PeriodHit(year, year, *match.span(), "year")))

        accepted: list[_PeriodHit] = []
        spans: list[tuple[int, int]] = []
        for _, hit in sorted(candidates, key=lambda c: (c[0], -(c[1].end - c[1].start), c[1].start)):
            if _overlaps(hit.start, hit.end, spans):
                continue
            if _overlaps(hit.start, hit.end, date_spans) and hit.rule == "year":
                continue  # `năm 2021` inside `ngày 24 tháng 6 năm 2021`
            accepted.append(hit)
            spans.append((hit.start, hit.end))
        accepted.sort(key=lambda h: h.start)
        return accepted

    def _latest_year(self, body: str, periods: list[_PeriodHit]) -> int | None:
        """The latest year the article names, for a text with no publish date (targets aside)."""
        targets = [(p.start, p.end) for p in periods if p.target]
        years = [
            int(m.group(0)) for m in self._any_year.finditer(body) if not _overlaps(m.start(), m.end(), targets)
        ]
        if not periods:
            # Without the period list yet, a target year (`định hướng đến năm 2030`) must not count.
            years = [
                int(m.group(0)) for m in self._any_year.finditer(body)
                if not regex.search(r"(?:đến|tới)\s+năm\s*$", body[max(0, m.start() - 12): m.start()])
            ]
        return max(years) if years else None

    def _choose_reported(
        self, doc: Document, body: str, layout: _Layout, periods: list[_PeriodHit], publish: dt.date | None
    ) -> _PeriodHit | None:
        if not periods:
            return None
        for hit in periods:
            self._score_mention(doc, body, layout, hit, publish)
        votes: dict[tuple[int, int], float] = defaultdict(float)
        usable = [p for p in periods if not p.target and not p.excluded]
        # Each figure sentence votes for the period that governs it: the last usable period named in
        # it before its first count, else the first in it, else the last named before it.
        for start, end in doc.sentences:
            if start >= layout.body_end:
                break
            sentence = body[start:end]
            figure = self._figure.search(sentence)
            if figure is None:
                continue
            inside = [p for p in usable if start <= p.start < end]
            if inside:
                before_count = [p for p in inside if p.start < start + figure.start()]
                governing = before_count[-1] if before_count else inside[0]
                votes[(governing.start_year, governing.end_year)] += 3
                continue
            earlier = [p for p in usable if p.end <= start and start - p.end < 3000 and p.score > -2]
            if earlier:
                governing = earlier[-1]
                votes[(governing.start_year, governing.end_year)] += 2
        best: _PeriodHit | None = None
        best_score = float("-inf")
        for hit in usable:
            key = (hit.start_year, hit.end_year)
            total = hit.score + votes.get(key, 0.0)
            if total > best_score:
                best, best_score = hit, total
        if best is None or best_score <= -2:
            return None
        return best

    def _score_mention(
        self, doc: Document, body: str, layout: _Layout, hit: _PeriodHit, publish: dt.date | None
    ) -> None:
        sentence_start, _ = doc.sentence_at(hit.start)
        before = body[max(sentence_start, hit.start - 60): hit.start]
        score = 0.0
        if self._comparison_before.search(before):
            hit.excluded = True
            return
        if publish is not None:
            if hit.start_year > publish.year:
                hit.excluded = True
                return
            if hit.end_year > publish.year:
                score -= 5
            # A year's review is published in its last weeks or early the next year: in January
            # `năm 2023` is the year's plan, not its results.
            if hit.start_year == hit.end_year == publish.year and publish.month <= 2 and not hit.relative:
                score -= 3
        if layout.title_span is not None and layout.title_span[0] <= hit.start < layout.title_span[1]:
            score += 2
        elif doc.title and hit.rule.startswith("range") and f"{hit.start_year}" in doc.title:
            score += 0.5
        plan = self._plan_before.search(before[-40:])
        if plan is not None:
            score -= 3
        elif self._review_before.search(before):
            score += 1
        if self._document_anywhere.search(body[sentence_start:hit.start]):
            score -= 3  # the period is part of a cited plan's title
        # A span counted back from the publish year (`3 năm qua`) is a reader's estimate: a span
        # the article names in years is better evidence of what the figures cover.
        if hit.rule == "recent_years":
            score -= 1.5
        if hit.relative and publish is None:
            score -= 1
        if hit.rule == "until_year":
            score -= 1
        # Earlier mentions win ties: the lead states what the article is about.
        score -= hit.start / max(len(body), 1)
        hit.score = score


def _hit_from(chunk: str, offset: int) -> _DateHit | None:
    full = regex.match(rf"(?:{_FULL_NUMERIC})|(?:{_FULL_WORDED})", chunk, regex.IGNORECASE)
    if full is not None:
        day, month, year = (int(full.group(g)) for g in ("d", "m", "y"))
        if not valid_date(year, month, day):
            return None
        return _DateHit(offset + full.start(), offset + full.end(), day, month, year)
    partial = regex.match(rf"(?:{_DAY_MONTH})|(?:{_DAY_MONTH_WORDED})", chunk, regex.IGNORECASE)
    if partial is None:
        return None
    day, month = int(partial.group("d")), int(partial.group("m"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _DateHit(offset + partial.start(), offset + partial.end(), day, month, None)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= offset < e for s, e in spans)
