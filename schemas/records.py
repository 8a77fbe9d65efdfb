"""Frozen records the extractors produce.

Every record carries `start`/`end` (character offsets into `Document.text`, which is what the
store keeps as `articles.text`) and `rule`, the name of the pattern that produced it, so that a
miss in the evaluation report can be traced to one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class DateMention:
    kind: str  # schemas.vocab.DateKind
    value: str  # ISO date, or YYYY / YYYY/YYYY for years and periods
    text: str  # as written
    start: int
    end: int
    rule: str = ""
    ref: str | None = None  # for kind=document: "Kế hoạch số 26-KH/TU"


@dataclass(frozen=True, slots=True)
class PeriodMention:
    """Years named as a span of time: `giai đoạn 2021-2023`, `năm 2023`, `5 năm qua`.

    `role` tells the reported period (what the figures cover, at most one per article) from
    other mentions and from targets (`định hướng đến năm 2030`).
    """

    start_year: int
    end_year: int
    text: str
    start: int
    end: int
    role: str = "mentioned"  # reported | mentioned | target
    rule: str = ""


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in the text, resolved to its legacy province."""

    level: str  # schemas.vocab.ScopeLevel
    name: str  # as resolved: "Phủ Lý", "Hà Nam"
    province: str | None  # legacy province it lies in
    text: str
    start: int
    end: int
    rule: str = ""


@dataclass(frozen=True, slots=True)
class ArticlePlace:
    """The article-level decision: whose figures these are."""

    province: str | None
    province_2025: str | None
    scope_level: str
    scope_name: str | None
    start: int  # the evidence that decided it
    end: int
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Official:
    name: str
    titles: tuple[str, ...]
    start: int  # the name's first mention
    end: int
    rule: str = ""


@dataclass(frozen=True, slots=True)
class ModelCount:
    count: int
    qualifier: str
    status: str
    field: str
    field_text: str
    start: int  # the number as written
    end: int
    rule: str = ""
    cumulative: bool = False
    sentence_start: int = -1
    sentence_end: int = -1


@dataclass(frozen=True, slots=True)
class Award:
    award: str
    giver: str | None
    collectives: int | None
    individuals: int | None
    combined: int | None
    qualifier: str
    start: int  # from the first number to the award's name
    end: int
    rule: str = ""
    sentence_start: int = -1
    sentence_end: int = -1


Record = DateMention | PeriodMention | PlaceMention | ArticlePlace | Official | ModelCount | Award


@dataclass
class Records:
    """What the stages of one document produced, by kind (the stage's `gives`)."""

    by_kind: dict[str, list[Any]] = field(default_factory=dict)

    def get(self, kind: str) -> list[Any]:
        return self.by_kind.get(kind, [])

    def put(self, kind: str, records: list[Any]) -> None:
        self.by_kind[kind] = records
