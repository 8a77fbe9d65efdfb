"""Checks over the stored figures: sums, orders, conflicts and plausibility.

`run_checks` reads every model count, date and article from the database, applies the rules
below and replaces the `checks` table with what it found. Each finding is one `checks` row:
`article_id` (NULL when the finding compares articles), `rule`, `severity`, `message` and
`details`, a JSON object with the figures involved, their evidence spans (`start`/`end` into
`articles.text`) and the evidence text, so a reviewer can go straight to the words.

Rules, per article:
- `parts_sum_mismatch` (error): the per-field counts of one status do not add up to that
  status's stated total. Qualifiers widen a figure into a range (`gần 200` is 180..220, `trên
  1.000` is 1.001..∞) and the sum must fall in the total's range.
- `recognised_exceeds_registered`, `exemplary_exceeds_recognised` (warning).
- `conflicting_values` (error): one figure (status, field, running total or not) stated twice
  with values that cannot both hold.
- `date_after_publish` (warning), `implausible_year` (warning), `period_end_before_start` (error),
  `period_ends_after_publish` (info).
Across articles (article_id NULL):
- `conflicting_across_articles` (warning): the same scope, period, status and field, different values.
- `cumulative_decrease` (warning): a running total that falls from one period to a later one.
- `district_exceeds_province` (warning): a district above its own province in the same period.

The second half of the module scores the checker against gold (`expected_checks` of the gold
files), on a database built from the gold figures themselves so that extraction errors do not
blur the checker's own.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.store import Store

if TYPE_CHECKING:
    from pipeline.api import Extraction

# `gần 200`, `khoảng 1.500`: a reporter rounds, so an approximate figure stands for ±10 %.
APPROX_TOLERANCE_PERCENT = 10
# With fewer listed parts than this, a shortfall is most likely a partial list ("trong đó 451
# mô hình kinh tế") rather than an arithmetic slip, so it is only reported as info.
MIN_PARTS_FOR_SHORTFALL = 3
# The Party's mass-mobilisation work dates from 1930; earlier years are misreadings.
MIN_PLAUSIBLE_YEAR = 1930
# Plans look far ahead (`tầm nhìn đến năm 2045`); a period beyond this many years is a misreading.
PLAN_HORIZON_YEARS = 25

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
# Finer scope = larger rank; a place finer than the article's scope marks a sub-unit's figure.
_SCOPE_RANK = {"national": 0, "province": 1, "district": 2, "commune": 3}
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class Finding:
    article_id: str | None
    rule: str
    severity: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """The `checks` row (without its id, which SQLite assigns)."""
        return {
            "article_id": self.article_id,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "details": json.dumps(self.details, ensure_ascii=False),
        }


@dataclass(frozen=True)
class ArticleFacts:
    id: str
    source: str | None
    title: str | None
    publish_date: str | None
    province: str | None
    province_2025: str | None
    scope_level: str | None
    scope_name: str | None
    period_start: int | None
    period_end: int | None

    @property
    def period(self) -> tuple[int, int] | None:
        if self.period_start is None or self.period_end is None:
            return None
        return (self.period_start, self.period_end)

    @property
    def scope_key(self) -> tuple[str, str, str] | None:
        """Whose figures these are, comparable across articles (case and spacing ignored)."""
        if not self.scope_level:
            return None
        name = self.scope_name or (self.province if self.scope_level == "province" else None)
        if not name:
            return None
        return (self.scope_level, " ".join(name.casefold().split()), (self.province or "").casefold())

    def label(self) -> str:
        stem = Path(self.source).stem if self.source else self.id
        return stem

    def brief(self) -> dict[str, Any]:
        return {
            "article_id": self.id,
            "source": self.source,
            "title": self.title,
            "publish_date": self.publish_date,
            "scope_level": self.scope_level,
            "scope_name": self.scope_name,
            "province": self.province,
            "period": list(self.period) if self.period else None,
        }


@dataclass(frozen=True)
class Figure:
    """One stored model count with what the rules need to judge it."""

    id: int
    article_id: str
    count: int
    qualifier: str
    status: str
    field: str
    cumulative: bool
    start: int
    end: int
    evidence: str
    sentence: str
    sentence_start: int = -1
    field_text: str = ""  # the field as written: two list items may share one field code

    @property
    def item(self) -> tuple[str, str]:
        """Which per-field item this is: its field, and for a named field its wording."""
        if self.field == "total":
            return (self.field, "")
        return (self.field, " ".join(self.field_text.casefold().split()))

    @property
    def bounds(self) -> tuple[float, float]:
        return bounds(self.count, self.qualifier)

    @property
    def group(self) -> tuple[str, str, bool]:
        return (self.status, self.field, self.cumulative)

    def shown(self) -> str:
        """The figure as a reader says it: `gần 200`, `trên 1000`, `101`."""
        prefix = {"approx": "~", "more_than": ">", "at_least": "≥", "at_most": "≤"}.get(self.qualifier, "")
        return f"{prefix}{self.count}"

    def detail(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "count": self.count,
            "qualifier": self.qualifier,
            "status": self.status,
            "field": self.field,
            "cumulative": self.cumulative,
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "sentence": self.sentence,
            "sentence_start": self.sentence_start,
        }


def bounds(count: int, qualifier: str | None) -> tuple[float, float]:
    """The range of true values a figure admits, given how it was qualified."""
    if qualifier == "approx":
        # integer arithmetic: 200 * 1.1 in floats is 220.00000000000003, whose ceiling is 221
        low = count * (100 - APPROX_TOLERANCE_PERCENT) // 100
        high = -(-count * (100 + APPROX_TOLERANCE_PERCENT) // 100)
        return (low, high)
    if qualifier == "more_than":  # `trên 1.000`: strictly more
        return (count + 1, math.inf)
    if qualifier == "at_least":
        return (count, math.inf)
    if qualifier == "at_most":
        return (0, count)
    return (count, count)


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _sum_bounds(figures: Iterable[Figure]) -> tuple[float, float]:
    low = high = 0.0
    for figure in figures:
        lo, hi = figure.bounds
        low += lo
        high += hi
    return (low, high)


def _shown_range(span: tuple[float, float]) -> str:
    lo, hi = span
    if lo == hi:
        return f"{lo:g}"
    return f"{lo:g}..{'∞' if math.isinf(hi) else f'{hi:g}'}"


# -- loading --------------------------------------------------------------------------------
@dataclass
class Corpus:
    """What the rules read: articles, their article-level figures, their dates."""

    articles: dict[str, ArticleFacts]
    figures: dict[str, list[Figure]]  # article id -> figures for the article's own scope
    set_aside: dict[str, list[Figure]]  # article id -> figures of a sub-unit named in the sentence
    dates: list[dict[str, Any]]


def _none(value: Any) -> Any:
    """pandas gives NaN/NA for SQL NULL; the rules want None."""
    try:
        import pandas as pd

        if value is None or pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _int_or_none(value: Any) -> int | None:
    value = _none(value)
    return None if value is None else int(value)


def _articles(store: Store) -> dict[str, ArticleFacts]:
    articles: dict[str, ArticleFacts] = {}
    for row in store.articles_frame().to_dict("records"):
        articles[row["id"]] = ArticleFacts(
            id=row["id"],
            source=_none(row["source"]),
            title=_none(row["title"]),
            publish_date=_none(row["publish_date"]),
            province=_none(row["province"]),
            province_2025=_none(row["province_2025"]),
            scope_level=_none(row["scope_level"]),
            scope_name=_none(row["scope_name"]),
            period_start=_int_or_none(row["period_start"]),
            period_end=_int_or_none(row["period_end"]),
        )
    return articles


def load_corpus(store: Store) -> Corpus:
    articles = _articles(store)
    places: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in store.table_frame("places").to_dict("records"):
        places[row["article_id"]].append(row)
    figures: dict[str, list[Figure]] = defaultdict(list)
    set_aside: dict[str, list[Figure]] = defaultdict(list)
    for row in store.figures_frame().to_dict("records"):
        if _none(row["count"]) is None:
            continue
        sentence_start = _int_or_none(row.get("sentence_start"))
        figure = Figure(
            id=int(row["id"]),
            article_id=row["article_id"],
            count=int(row["count"]),
            qualifier=_none(row["qualifier"]) or "exact",
            status=_none(row["status"]) or "unspecified",
            field=_none(row["field"]) or "total",
            cumulative=bool(_int_or_none(row.get("cumulative")) or 0),
            start=int(row["start"]),
            end=int(row["end"]),
            evidence=_none(row["evidence"]) or "",
            sentence=_none(row["sentence"]) or "",
            sentence_start=sentence_start if sentence_start is not None else -1,
            field_text=_none(row.get("field_text")) or "",
        )
        article = articles.get(figure.article_id)
        if article and _names_sub_unit(figure, sentence_start, article, places[figure.article_id]):
            set_aside[figure.article_id].append(figure)
        else:
            figures[figure.article_id].append(figure)
    dates = [
        {k: _none(v) for k, v in row.items()} for row in store.dates_frame().to_dict("records")
    ]
    return Corpus(articles=articles, figures=dict(figures), set_aside=dict(set_aside), dates=dates)


def _names_sub_unit(
    figure: Figure, sentence_start: int | None, article: ArticleFacts, places: list[dict[str, Any]]
) -> bool:
    """True when the figure's sentence names a place finer than the article's scope before it.

    `Huyện Bạch Thông có 42 mô hình đăng ký` in a province report is the district's figure:
    comparing it with the province's totals would raise false sums and conflicts.
    """
    rank = _SCOPE_RANK.get(article.scope_level or "")
    if rank is None or sentence_start is None or sentence_start < 0:
        return False
    for place in places:
        finer = _SCOPE_RANK.get(place.get("level") or "", -1) > rank
        if finer and sentence_start <= int(place["start"]) < figure.start:
            return True
    return False


# -- per-article rules ----------------------------------------------------------------------
def _first_by_group(figures: Sequence[Figure]) -> dict[tuple[str, str, bool], Figure]:
    """The first stated figure of each (status, field, running total): the article's own value."""
    first: dict[tuple[str, str, bool], Figure] = {}
    for figure in sorted(figures, key=lambda f: f.start):
        first.setdefault(figure.group, figure)
    return first


def check_parts_sum(article: ArticleFacts, figures: Sequence[Figure]) -> list[Finding]:
    findings: list[Finding] = []
    by_status: dict[tuple[str, bool], list[Figure]] = defaultdict(list)
    for figure in figures:
        by_status[(figure.status, figure.cumulative)].append(figure)
    for (status, _cumulative), group in sorted(by_status.items()):
        totals = sorted((f for f in group if f.field == "total"), key=lambda f: f.start)
        parts_by_field = _first_by_item(f for f in group if f.field != "total")
        if not totals or not parts_by_field:
            continue
        parts = sorted(parts_by_field.values(), key=lambda f: f.start)
        parts_span = _sum_bounds(parts)
        if any(overlaps(parts_span, total.bounds) for total in totals):
            continue
        # several totals (a title and the body): report against the one nearest the sum
        total = min(totals, key=lambda t: abs(t.count - parts_span[0]))
        over = parts_span[0] > total.bounds[1]
        shown_sum = " + ".join(p.shown() for p in parts)
        total_sum = sum(p.count for p in parts)
        if over or len(parts) >= MIN_PARTS_FOR_SHORTFALL:
            severity = "error"
            tail = ""
        else:
            severity = "info"
            tail = f" (only {len(parts)} part{'' if len(parts) == 1 else 's'} listed: may be a partial list)"
        admits = "" if total.qualifier == "exact" else f" ({total.qualifier}: admits {_shown_range(total.bounds)})"
        if len(parts) == 1:
            what = f"the only per-field {status} count {shown_sum} {'exceeds' if over else 'falls short of'}"
        else:
            what = f"{status} per-field counts {shown_sum} = {total_sum} {'exceed' if over else 'fall short of'}"
        message = f"{what} the stated {status} total {total.shown()}{admits}{tail}"
        findings.append(
            Finding(
                article.id,
                "parts_sum_mismatch",
                severity,
                message,
                {
                    "status": status,
                    "direction": "over" if over else "under",
                    "parts_sum": total_sum,
                    "parts_range": [parts_span[0], None if math.isinf(parts_span[1]) else parts_span[1]],
                    "total": total.detail(),
                    "parts": [p.detail() for p in parts],
                    "other_totals": [t.detail() for t in totals if t is not total],
                },
            )
        )
    return findings


def _first_by_item(figures: Iterable[Figure]) -> dict[tuple[str, str], Figure]:
    """One figure per list item: "Khám, chữa bệnh: 23" and "Chăm sóc sức khỏe: 15" are two
    items although both are `culture_society`."""
    first: dict[tuple[str, str], Figure] = {}
    for figure in sorted(figures, key=lambda f: f.start):
        first.setdefault(figure.item, figure)
    return first


def _is_breakdown(group: Sequence[Figure]) -> bool:
    """One figure is the sum of all the others: a breakdown (by level, "cấp tỉnh 64, cấp huyện
    512, cấp xã 1.160" of 1.736), not one figure stated with different values."""
    for whole in group:
        rest = [f for f in group if f is not whole]
        if len(rest) >= 2 and overlaps(_sum_bounds(rest), whole.bounds):
            return True
    return False


def check_status_order(article: ArticleFacts, figures: Sequence[Figure]) -> list[Finding]:
    """A subset stated above its superset: recognised above registered, exemplary above recognised."""
    findings: list[Finding] = []
    first = _first_by_group(figures)
    pairs = (
        ("recognised", "registered", "recognised_exceeds_registered"),
        ("exemplary", "recognised", "exemplary_exceeds_recognised"),
    )
    for small_status, big_status, rule in pairs:
        for (status, field_code, cumulative), small in sorted(first.items()):
            if status != small_status:
                continue
            big = first.get((big_status, field_code, cumulative))
            if big is None or small.bounds[0] <= big.bounds[1]:
                continue
            message = (
                f"{small_status} {field_code} ({small.shown()}) exceeds {big_status} {field_code} "
                f"({big.shown()}) in the same article and period; the figures may cover different "
                "scopes or periods"
            )
            findings.append(
                Finding(article.id, rule, "warning", message,
                        {"field": field_code, "figures": [small.detail(), big.detail()]})
            )
    return findings


def _sentence_years(figure: Figure) -> frozenset[str]:
    return frozenset(_YEAR.findall(figure.sentence))


def check_conflicts(article: ArticleFacts, figures: Sequence[Figure]) -> list[Finding]:
    """The same figure stated twice with values that cannot both hold.

    A title repeating the body's value is not a conflict (same value), nor is a running total
    beside a year's figure (different `cumulative`), nor two figures whose sentences name
    different years ("năm 2022 ... năm 2023 ..."): those are two periods, not one figure.
    """
    findings: list[Finding] = []
    groups: dict[tuple[str, str, bool], list[Figure]] = defaultdict(list)
    for figure in figures:
        groups[figure.group].append(figure)
    for (status, field_code, cumulative), group in sorted(groups.items()):
        if _is_breakdown(group):
            continue
        clashing: dict[int, Figure] = {}
        for a, b in combinations(sorted(group, key=lambda f: f.start), 2):
            if overlaps(a.bounds, b.bounds) or a.item != b.item:
                continue
            years_a, years_b = _sentence_years(a), _sentence_years(b)
            if years_a and years_b and not (years_a & years_b):
                continue
            clashing.setdefault(a.id, a)
            clashing.setdefault(b.id, b)
        if not clashing:
            continue
        stated = sorted(clashing.values(), key=lambda f: f.start)
        values = ", ".join(f.shown() for f in stated)
        kind = "running total" if cumulative else "figure"
        message = f"{status} {field_code} {kind} stated with different values in one article: {values}"
        findings.append(
            Finding(article.id, "conflicting_values", "error", message,
                    {"status": status, "field": field_code, "cumulative": cumulative,
                     "figures": [f.detail() for f in stated]})
        )
    return findings


def _period_label(period: tuple[int, int]) -> str:
    return str(period[0]) if period[0] == period[1] else f"{period[0]}-{period[1]}"


def _year_of(value: str | None) -> int | None:
    if not value:
        return None
    match = re.match(r"(\d{4})", value)
    return int(match.group(1)) if match else None


def check_dates(article: ArticleFacts, dates: Sequence[dict[str, Any]], today: date) -> list[Finding]:
    findings: list[Finding] = []
    publish = article.publish_date
    publish_year = _year_of(publish)
    latest_year = max(today.year, publish_year or today.year) + 1
    # a period may be a plan (`nhiệm kỳ 2025-2030`, `tầm nhìn 2045`) even when not marked as target
    latest_plan_year = latest_year + PLAN_HORIZON_YEARS

    def detail(row: dict[str, Any]) -> dict[str, Any]:
        return {key: row.get(key) for key in ("id", "kind", "value", "text", "start", "end", "role", "evidence")}

    for row in dates:
        kind, value = row.get("kind"), row.get("value") or ""
        if kind == "period":
            years = [int(y) for y in re.findall(r"\d{4}", value)]
            if len(years) == 2 and years[1] < years[0]:
                findings.append(Finding(article.id, "period_end_before_start", "error",
                                        f"period {row.get('text') or value!r} ends ({years[1]}) before it starts "
                                        f"({years[0]})", {"dates": [detail(row)]}))
            if row.get("role") == "target":
                continue  # `định hướng đến năm 2030` is meant to lie in the future
            if years and (min(years) < MIN_PLAUSIBLE_YEAR or max(years) > latest_plan_year):
                findings.append(Finding(article.id, "implausible_year", "warning",
                                        f"period {row.get('text') or value!r} lies outside "
                                        f"{MIN_PLAUSIBLE_YEAR}..{latest_plan_year}", {"dates": [detail(row)]}))
            continue
        year = _year_of(value)
        if year is not None and (year < MIN_PLAUSIBLE_YEAR or year > latest_year):
            findings.append(Finding(article.id, "implausible_year", "warning",
                                    f"{kind} date {value} ({row.get('text')!r}) lies outside "
                                    f"{MIN_PLAUSIBLE_YEAR}..{latest_year}", {"dates": [detail(row)]}))
            continue
        if kind in ("event", "document") and publish and value and _after(value, publish):
            findings.append(Finding(article.id, "date_after_publish", "warning",
                                    f"{kind} date {value} ({row.get('text')!r}) is after the publish date "
                                    f"{publish}", {"publish_date": publish, "dates": [detail(row)]}))
    period = article.period
    if period and period[1] < period[0]:
        findings.append(Finding(article.id, "period_end_before_start", "error",
                                f"the article's reported period ends ({period[1]}) before it starts ({period[0]})",
                                {"period": list(period)}))
    elif period and publish_year is not None:
        if period[0] > publish_year:
            findings.append(Finding(article.id, "date_after_publish", "warning",
                                    f"the reported period {period[0]}-{period[1]} starts after the publish "
                                    f"date {publish}", {"publish_date": publish, "period": list(period)}))
        elif period[1] > publish_year:
            findings.append(Finding(article.id, "period_ends_after_publish", "info",
                                    f"the reported period {period[0]}-{period[1]} ends after the publish date "
                                    f"{publish} (a plan's period rather than what was achieved?)",
                                    {"publish_date": publish, "period": list(period)}))
    return findings


def _after(value: str, publish: str) -> bool:
    """`value` (YYYY, YYYY-MM or YYYY-MM-DD) lies wholly after the publish date."""
    length = min(len(value), len(publish))
    # compare at the coarser precision: `2023` is not after `2023-05-01`
    return value[:length] > publish[:length]


# -- across articles ------------------------------------------------------------------------
def _representatives(corpus: Corpus) -> list[tuple[ArticleFacts, Figure]]:
    out: list[tuple[ArticleFacts, Figure]] = []
    for article_id, figures in corpus.figures.items():
        article = corpus.articles.get(article_id)
        if article is None:
            continue
        out.extend((article, figure) for figure in _first_by_group(figures).values())
    return out


def _cross_detail(pairs: Iterable[tuple[ArticleFacts, Figure]]) -> list[dict[str, Any]]:
    return [{**article.brief(), "figure": figure.detail()} for article, figure in pairs]


def check_across_articles(corpus: Corpus) -> list[Finding]:
    findings: list[Finding] = []
    reps = _representatives(corpus)

    same_figure: dict[tuple[Any, ...], list[tuple[ArticleFacts, Figure]]] = defaultdict(list)
    running: dict[tuple[Any, ...], list[tuple[ArticleFacts, Figure]]] = defaultdict(list)
    for article, figure in reps:
        scope = article.scope_key
        if scope is None:
            continue
        if article.period is not None:
            same_figure[(scope, article.period, *figure.group)].append((article, figure))
        if figure.cumulative:
            running[(scope, figure.status, figure.field)].append((article, figure))

    for (scope, period, status, field_code, cumulative), group in sorted(same_figure.items(), key=str):
        if len(group) < 2:
            continue
        if all(overlaps(a[1].bounds, b[1].bounds) for a, b in combinations(group, 2)):
            continue
        values = "; ".join(f"{a.label()}: {f.shown()}" for a, f in group)
        name = group[0][0].scope_name or group[0][0].province
        message = (
            f"{scope[0]} {name}, {_period_label(period)}: {status} {field_code}"
            f"{' (running total)' if cumulative else ''} differs between articles ({values})"
        )
        findings.append(Finding(None, "conflicting_across_articles", "warning", message,
                                {"status": status, "field": field_code, "period": list(period),
                                 "articles": _cross_detail(group)}))

    for (_scope, status, field_code), group in sorted(running.items(), key=str):
        ordered = sorted(group, key=lambda p: (p[0].period_end or 0, p[0].publish_date or ""))
        for (a_article, a_fig), (b_article, b_fig) in combinations(ordered, 2):
            if (b_article.period_end or 0) <= (a_article.period_end or 0):
                continue
            if b_fig.bounds[1] < a_fig.bounds[0]:
                message = (
                    f"running total of {status} {field_code} for {a_article.scope_name or a_article.province} "
                    f"falls from {a_fig.shown()} (to {a_article.period_end}, {a_article.label()}) "
                    f"to {b_fig.shown()} (to {b_article.period_end}, {b_article.label()})"
                )
                findings.append(Finding(None, "cumulative_decrease", "warning", message,
                                        {"status": status, "field": field_code,
                                         "articles": _cross_detail([(a_article, a_fig), (b_article, b_fig)])}))

    provinces: dict[tuple[Any, ...], list[tuple[ArticleFacts, Figure]]] = defaultdict(list)
    for article, figure in reps:
        if article.scope_level == "province" and article.province and article.period:
            provinces[(article.province, article.period, *figure.group)].append((article, figure))
    for article, figure in reps:
        if article.scope_level != "district" or not article.province or not article.period:
            continue
        for p_article, p_fig in provinces.get((article.province, article.period, *figure.group), []):
            if figure.bounds[0] > p_fig.bounds[1]:
                message = (
                    f"district {article.scope_name} states {figure.shown()} {figure.status} {figure.field} "
                    f"for {_period_label(article.period)}, more than its province {article.province} "
                    f"({p_fig.shown()}, {p_article.label()})"
                )
                findings.append(Finding(None, "district_exceeds_province", "warning", message,
                                        {"status": figure.status, "field": figure.field,
                                         "articles": _cross_detail([(article, figure), (p_article, p_fig)])}))
    return findings


# -- running --------------------------------------------------------------------------------
def find_all(corpus: Corpus, today: date | None = None) -> list[Finding]:
    """Every rule over a loaded corpus (pure: no database), findings sorted for reading."""
    today = today or date.today()
    dates_by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in corpus.dates:
        dates_by_article[row["article_id"]].append(row)
    findings: list[Finding] = []
    for article_id, article in corpus.articles.items():
        figures = corpus.figures.get(article_id, [])
        findings += check_parts_sum(article, figures)
        findings += check_status_order(article, figures)
        findings += check_conflicts(article, figures)
        findings += check_dates(article, dates_by_article.get(article_id, []), today)
    findings += check_across_articles(corpus)
    return sort_findings(findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (f.article_id is None, f.article_id or "", SEVERITY_ORDER.get(f.severity, 9), f.rule),
    )


def run_checks(db_path: str | Path, today: date | None = None) -> list[Finding]:
    """Check everything in the database and replace the `checks` table with the findings."""
    with Store.open_existing(db_path) as store:
        store.ensure_schema()
        findings = find_all(load_corpus(store), today)
        store.replace_checks([f.row() for f in findings])
    return findings


def format_findings(findings: Sequence[Finding], db_path: str | Path | None = None,
                    summary_only: bool = False) -> str:
    """A report for a person: counts first, then each article's findings, worst first."""
    articles: dict[str, ArticleFacts] = {}
    if db_path is not None and Path(db_path).is_file():
        with Store.open_existing(db_path) as store:
            articles = _articles(store)
    total_articles = len(articles)
    by_severity: dict[str, int] = defaultdict(int)
    by_rule: dict[tuple[str, str], int] = defaultdict(int)
    for f in findings:
        by_severity[f.severity] += 1
        by_rule[(f.rule, f.severity)] += 1
    flagged = {f.article_id for f in findings if f.article_id}
    lines = [
        f"checks: {len(findings)} finding(s): {by_severity['error']} error, {by_severity['warning']} warning, "
        f"{by_severity['info']} info"
        + (f"; {len(flagged)} of {total_articles} article(s) flagged" if total_articles else "")
    ]
    if not findings:
        return lines[0] + "\nno problems found"
    for (rule, severity), n in sorted(by_rule.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][1], 9), kv[0][0])):
        lines.append(f"  {severity:<7} {rule:<32} {n}")
    if summary_only:
        return "\n".join(lines)
    grouped: dict[str | None, list[Finding]] = defaultdict(list)
    for f in sort_findings(findings):
        grouped[f.article_id].append(f)

    def reading_order(article_id: str | None) -> tuple[bool, str]:
        facts = articles.get(article_id or "")
        return (article_id is None, facts.label() if facts else article_id or "")

    for article_id in sorted(grouped, key=reading_order):
        group = grouped[article_id]
        lines.append("")
        if article_id is None:
            lines.append("== across articles")
        else:
            facts = articles.get(article_id)
            if facts:
                where = ", ".join(str(x) for x in (facts.scope_level, facts.scope_name or facts.province) if x)
                period = f", {_period_label(facts.period)}" if facts.period else ""
                lines.append(f"== {facts.label()}  [{where}{period}]  {facts.title or ''}".rstrip())
            else:
                lines.append(f"== article {article_id}")
        for severity in sorted({f.severity for f in group}, key=lambda s: SEVERITY_ORDER.get(s, 9)):
            lines.append(f"  {severity.upper()}")
            for f in (g for g in group if g.severity == severity):
                lines.append(f"    {f.rule}: {f.message}")
                for evidence in _evidence_lines(f):
                    lines.append(f"      {evidence}")
    return "\n".join(lines)


def _evidence_lines(finding: Finding) -> list[str]:
    """Each figure's words as written, with its offsets, so the reviewer can find them."""
    out: list[str] = []
    details = finding.details
    figures: list[dict[str, Any]] = []
    if "total" in details:
        figures.append(details["total"])
    figures += details.get("parts", []) + details.get("figures", [])
    figures += [a["figure"] for a in details.get("articles", []) if "figure" in a]
    for fig in figures[:8]:
        out.append(f"{fig['status']}/{fig['field']} {fig['count']} at {fig['start']}-{fig['end']}: "
                   f"«{_context(fig)}»")
    for d in details.get("dates", []):
        out.append(f"{d.get('kind')} {d.get('value')} at {d.get('start')}-{d.get('end')}: «{d.get('text')}»")
    return out


def _context(fig: dict[str, Any], before: int = 60, after: int = 40) -> str:
    """The words around a figure, the figure itself in [brackets]."""
    sentence, evidence = fig.get("sentence") or "", fig.get("evidence") or ""
    at = int(fig.get("start", 0)) - int(fig.get("sentence_start", -1))
    if not sentence or fig.get("sentence_start", -1) < 0 or sentence[at : at + len(evidence)] != evidence:
        return evidence
    head = sentence[max(0, at - before) : at]
    tail = sentence[at + len(evidence) : at + len(evidence) + after]
    text = f"{'…' if at > before else ''}{head}[{evidence}]{tail}{'…' if len(sentence) > at + len(evidence) + after else ''}"
    return " ".join(text.split())


# -- scoring the checker against gold -------------------------------------------------------
RULE_ALIASES = {"parts_exceed_total": "parts_sum_mismatch"}
# Seeds state expected checks in words; these keywords name the rule they mean (first match wins).
_RULE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("parts_sum_mismatch", ("add up", "sum", "parts")),
    ("exemplary_exceeds_recognised", ("exemplary",)),
    ("recognised_exceeds_registered", ("recognised", "registered")),
    ("conflicting_across_articles", ("across articles", "another article", "other article")),
    ("conflicting_values", ("conflict", "stated twice", "different values")),
    ("cumulative_decrease", ("cumulative", "running total")),
    ("district_exceeds_province", ("district",)),
    ("period_end_before_start", ("before it starts", "before start", "ends before")),
    ("date_after_publish", ("after the publish", "after publish", "publish date")),
)


@dataclass(frozen=True)
class ExpectedCheck:
    rule: str
    severity: str
    message: str


def expected_checks(item: dict[str, Any]) -> list[ExpectedCheck]:
    """A gold line's `expected_checks`, objects or the seeds' plain sentences, as rules."""
    out: list[ExpectedCheck] = []
    for entry in item.get("expected_checks") or []:
        if isinstance(entry, dict):
            rule = str(entry.get("rule", ""))
            out.append(ExpectedCheck(RULE_ALIASES.get(rule, rule), str(entry.get("severity", "")),
                                     str(entry.get("message", ""))))
            continue
        text = str(entry)
        tail = text.rsplit(":", 1)[-1].strip().split(" ")[0].strip(" .,").lower() if ":" in text else ""
        severity = tail if tail in SEVERITY_ORDER else ""
        lowered = text.lower()
        rule = next((name for name, words in _RULE_KEYWORDS if any(w in lowered for w in words)), "unknown")
        out.append(ExpectedCheck(rule, severity, text))
    return out


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                items.append(json.loads(line))
    return items


def gold_text(item: dict[str, Any], gold_path: str | Path, texts_dir: str | Path | None = None) -> str | None:
    """The article text of a gold line: its `text`, else `<texts>/<id>.txt` beside the gold."""
    if item.get("text"):
        return str(item["text"])
    gold_path = Path(gold_path)
    candidates = [Path(texts_dir)] if texts_dir else []
    candidates += [gold_path.parent / "texts", gold_path.parent, gold_path.parent.parent / "seeds"]
    for folder in candidates:
        path = folder / f"{item['id']}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![\d])|(?<![\d.,])\d+(?![\d])")


def gold_extraction(item: dict[str, Any], text: str, source: str | None = None) -> Extraction:
    """An `Extraction` holding the gold annotation itself, each figure found again in the text.

    Gold gives values, not offsets: each count is placed at the next unused number in the
    text with that value (gold lists counts in reading order), so highlights and evidence
    point at real words. Used to test the checker and the report independent of the extractors.
    """
    from pipeline.api import Extraction
    from pipeline.document import Document, RawDocument
    from schemas.records import ArticlePlace, Award, DateMention, ModelCount, PeriodMention, Records

    document = Document.from_raw(RawDocument(source=source or f"{item['id']}.txt", text=text))
    numbers = [(m.start(), m.end(), int(re.sub(r"[.,]", "", m.group()))) for m in _NUMBER.finditer(document.text)]
    used: set[int] = set()
    cursor = 0

    def place_number(value: int | None) -> tuple[int, int]:
        nonlocal cursor
        if value is None:
            return (0, 0)
        for pass_from in (cursor, 0):
            for start, end, number in numbers:
                if start >= pass_from and number == value and start not in used:
                    used.add(start)
                    cursor = end
                    return (start, end)
        return (0, 0)

    records = Records()
    counts = []
    for c in item.get("model_counts") or []:
        start, end = place_number(int(c["count"]))
        sentence = document.sentence_at(start)
        counts.append(ModelCount(
            count=int(c["count"]), qualifier=c.get("qualifier") or "exact", status=c["status"],
            field=c["field"], field_text=c.get("field_text") or "", start=start, end=end, rule="gold",
            cumulative=bool(c.get("cumulative")), sentence_start=sentence[0], sentence_end=sentence[1],
        ))
    records.put("model_counts", counts)
    awards = []
    for a in item.get("awards") or []:
        first = next((a[k] for k in ("combined", "collectives", "individuals") if a.get(k) is not None), None)
        start, end = place_number(first)
        sentence = document.sentence_at(start)
        awards.append(Award(
            award=a["award"], giver=a.get("giver"), collectives=a.get("collectives"),
            individuals=a.get("individuals"), combined=a.get("combined"), qualifier=a.get("qualifier") or "exact",
            start=start, end=end, rule="gold", sentence_start=sentence[0], sentence_end=sentence[1],
        ))
    records.put("awards", awards)
    dates: list[Any] = []
    if item.get("publish_date"):
        dates.append(DateMention("publish", item["publish_date"], item["publish_date"], 0, 0, "gold"))
    for value in item.get("event_dates") or []:
        dates.append(DateMention("event", value, value, 0, 0, "gold"))
    for doc in item.get("documents") or []:
        if doc.get("date"):
            dates.append(DateMention("document", doc["date"], doc.get("ref") or doc["date"], 0, 0, "gold",
                                     ref=doc.get("ref")))
    period = item.get("period")
    if period:
        dates.append(PeriodMention(int(period["start_year"]), int(period["end_year"]),
                                   f"{period['start_year']}-{period['end_year']}", 0, 0, "reported", "gold"))
    records.put("dates", dates)
    scope = item.get("scope") or {}
    records.put("places", [ArticlePlace(
        province=item.get("province"), province_2025=item.get("province_2025"),
        scope_level=scope.get("level") or "province", scope_name=scope.get("name"), start=0, end=0, rule="gold",
    )])
    return Extraction(document=document, records=records)


@dataclass
class GoldCheckResult:
    gold_id: str
    article_id: str | None
    expected: list[ExpectedCheck]
    found: list[Finding]
    missed: list[ExpectedCheck]
    unexpected_errors: list[Finding]  # errors on an article whose gold expects none of that rule


@dataclass
class GoldCheckScore:
    results: list[GoldCheckResult]

    @property
    def expected(self) -> int:
        return sum(len(r.expected) for r in self.results)

    @property
    def missed(self) -> int:
        return sum(len(r.missed) for r in self.results)

    @property
    def unexpected(self) -> int:
        return sum(len(r.unexpected_errors) for r in self.results)

    def format(self) -> str:
        lines = [
            f"checker against gold: {self.expected - self.missed}/{self.expected} expected check(s) found, "
            f"{self.unexpected} unexpected error(s) over {len(self.results)} gold article(s)"
        ]
        for r in self.results:
            if r.article_id is None:
                lines.append(f"  {r.gold_id}: not in the database")
            for m in r.missed:
                lines.append(f"  {r.gold_id}: MISSED {m.rule} ({m.severity}): {m.message}")
            for f in r.unexpected_errors:
                lines.append(f"  {r.gold_id}: UNEXPECTED {f.rule}: {f.message}")
        return "\n".join(lines)


def score_against_gold(findings: Sequence[Finding], gold_items: Sequence[dict[str, Any]],
                       article_ids: dict[str, str]) -> GoldCheckScore:
    """Match findings to each gold line's expected checks by article and rule.

    `article_ids` maps a gold id to the stored article id (the input file's stem is the gold
    id). Only errors count as unexpected: warnings and info are prompts for a reviewer.
    """
    by_article: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.article_id:
            by_article[f.article_id].append(f)
    results = []
    for item in gold_items:
        gold_id = str(item["id"])
        article_id = article_ids.get(gold_id)
        expected = expected_checks(item)
        found = by_article.get(article_id, []) if article_id else []
        found_rules = {f.rule for f in found}
        missed = [e for e in expected if e.rule not in found_rules]
        expected_rules = {e.rule for e in expected}
        unexpected = [f for f in found if f.severity == "error" and f.rule not in expected_rules]
        results.append(GoldCheckResult(gold_id, article_id, expected, found, missed, unexpected))
    return GoldCheckScore(results)


def article_ids_by_stem(db_path: str | Path) -> dict[str, str]:
    """Gold id (the input file's stem) -> stored article id."""
    with Store.open_existing(db_path) as store:
        frame = store.articles_frame()
    return {Path(str(row["source"])).stem: row["id"] for row in frame.to_dict("records") if row["source"]}
