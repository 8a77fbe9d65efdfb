"""Hand-built databases for the tests of checks, compare, export and report.

Each article is written in the gold format (shared/gold/seeds.jsonl) and stored through
`pipeline.checks.gold_extraction` + `Store.save`, so these tests depend on the store and the
checker, never on how well the extractors read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.api import Extraction
from pipeline.checks import gold_extraction, gold_text, load_gold
from pipeline.store import Store
from schemas.records import PlaceMention

QUALIFIER_WORDS = {"exact": "", "approx": "gần ", "more_than": "trên ", "at_least": "ít nhất ", "at_most": "không quá "}
STATUS_WORDS = {
    "registered": "đăng ký",
    "recognised": "được công nhận",
    "exemplary": "điển hình",
    "implemented": "đang duy trì",
    "supported": "được hỗ trợ",
    "unspecified": "",
}


def written(n: int) -> str:
    """A count as a Vietnamese paper prints it: 1635 -> 1.635."""
    return f"{n:,}".replace(",", ".")


@dataclass
class Count:
    count: int
    status: str = "registered"
    field: str = "total"
    qualifier: str = "exact"
    cumulative: bool = False
    sentence: str | None = None  # custom sentence holding the number; default: a plain one

    def gold(self) -> dict[str, Any]:
        return {"count": self.count, "status": self.status, "field": self.field, "field_text": self.field,
                "qualifier": self.qualifier, "cumulative": self.cumulative}

    def text(self) -> str:
        if self.sentence:
            return self.sentence
        running = " từ năm 2009 đến nay" if self.cumulative else ""
        field_words = "" if self.field == "total" else f" thuộc lĩnh vực {self.field}"
        return (f"Có {QUALIFIER_WORDS[self.qualifier]}{written(self.count)} mô hình "
                f"{STATUS_WORDS[self.status]}{field_words}{running}.")


@dataclass
class Article:
    id: str
    counts: Sequence[Count] = ()
    province: str | None = "Hà Nam"
    province_2025: str | None = "Ninh Bình"
    scope_level: str = "province"
    scope_name: str | None = None
    period: tuple[int, int] | None = (2023, 2023)
    publish_date: str | None = "2024-01-10"
    event_dates: Sequence[str] = ()
    documents: Sequence[dict[str, str]] = ()
    places: Sequence[tuple[str, str]] = ()  # (level, words in the text) for sub-unit places
    title: str | None = None
    extra_text: str = ""
    awards: Sequence[dict[str, Any]] = field(default_factory=list)

    def gold(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "province": self.province,
            "province_2025": self.province_2025,
            "scope": {"level": self.scope_level, "name": self.scope_name or self.province},
            "publish_date": self.publish_date,
            "event_dates": list(self.event_dates),
            "period": {"start_year": self.period[0], "end_year": self.period[1]} if self.period else None,
            "documents": list(self.documents),
            "model_counts": [c.gold() for c in self.counts],
            "awards": list(self.awards),
            "expected_checks": [],
        }

    def text(self) -> str:
        title = self.title or f"Bài {self.id}: phong trào Dân vận khéo"
        body = " ".join(c.text() for c in self.counts)
        return f"{title}\n\n{body}\n\n{self.extra_text}".strip() + "\n"

    def extraction(self) -> Extraction:
        extraction = gold_extraction(self.gold(), self.text(), source=f"{self.id}.txt")
        if self.places:
            text = extraction.document.text
            mentions = []
            for level, words in self.places:
                at = text.index(words)
                mentions.append(PlaceMention(level, words, self.province, words, at, at + len(words), "test"))
            extraction.records.put("places", [*extraction.records.get("places"), *mentions])
        return extraction


def build_db(path: Path, articles: Sequence[Article | Extraction]) -> Path:
    """A fresh database holding these articles."""
    path.unlink(missing_ok=True)
    with Store(path) as store:
        store.ensure_schema()
        store.save([a.extraction() if isinstance(a, Article) else a for a in articles])
    return path


def gold_db(path: Path, gold_path: Path, ids: Sequence[str] | None = None) -> tuple[Path, list[dict[str, Any]]]:
    """A database of a gold file's own annotations (figures placed on their numbers in the text)."""
    items = [i for i in load_gold(gold_path) if ids is None or i["id"] in ids]
    extractions = []
    for item in items:
        text = gold_text(item, gold_path)
        if text is None:
            raise FileNotFoundError(f"no text for gold item {item['id']} beside {gold_path}")
        extractions.append(gold_extraction(item, text, source=f"{item['id']}.txt"))
    return build_db(path, extractions), items
