"""The library face: one text in, its typed records out; a database in, a DataFrame out."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.document import Document, RawDocument
from pipeline.stages import Stage, build_stages
from schemas.records import (
    ArticlePlace,
    Award,
    DateMention,
    ModelCount,
    Official,
    PeriodMention,
    PlaceMention,
    Records,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Extraction:
    """Everything extracted from one document, with article-level facts derived from it."""

    document: Document
    records: Records
    errors: list[str] = field(default_factory=list)  # "stage officials failed: ..."

    @property
    def dates(self) -> list[DateMention]:
        return [r for r in self.records.get("dates") if isinstance(r, DateMention)]

    @property
    def periods(self) -> list[PeriodMention]:
        return [r for r in self.records.get("dates") if isinstance(r, PeriodMention)]

    @property
    def places(self) -> list[PlaceMention]:
        return [r for r in self.records.get("places") if isinstance(r, PlaceMention)]

    @property
    def place(self) -> ArticlePlace | None:
        found = [r for r in self.records.get("places") if isinstance(r, ArticlePlace)]
        return found[0] if found else None

    @property
    def officials(self) -> list[Official]:
        return list(self.records.get("officials"))

    @property
    def model_counts(self) -> list[ModelCount]:
        return list(self.records.get("model_counts"))

    @property
    def awards(self) -> list[Award]:
        return list(self.records.get("awards"))

    @property
    def publish_date(self) -> str | None:
        for mention in self.dates:
            if mention.kind == "publish":
                return mention.value
        return self.document.publish_date_hint

    @property
    def period(self) -> PeriodMention | None:
        for mention in self.periods:
            if mention.role == "reported":
                return mention
        return None

    def article_row(self) -> dict[str, Any]:
        """The `articles` row of the contract."""
        doc, place, period = self.document, self.place, self.period
        return {
            "id": doc.id,
            "source": doc.source,
            "title": doc.title,
            "text": doc.text,
            "publish_date": self.publish_date,
            "province": place.province if place else None,
            "province_2025": place.province_2025 if place else None,
            "scope_level": place.scope_level if place else None,
            "scope_name": place.scope_name if place else None,
            "period_start": period.start_year if period else None,
            "period_end": period.end_year if period else None,
            "url": doc.url,
            "site_name": doc.site_name,
        }


class Extractor:
    """The stages, built once, applied to documents. One per process."""

    def __init__(self, stages: list[Stage] | None = None) -> None:
        self.stages = stages if stages is not None else build_stages()

    def __call__(self, doc: Document) -> Extraction:
        records = Records()
        errors: list[str] = []
        for stage in self.stages:
            try:
                found = stage(doc, records)
            except Exception as exc:  # a bug in one stage must not lose the article
                errors.append(f"stage {stage.name} failed: {type(exc).__name__}: {exc}")
                found = []
            records.put(stage.gives, found)
        return Extraction(document=doc, records=records, errors=errors)

    def extract_raw(self, raw: RawDocument) -> Extraction:
        return self(Document.from_raw(raw))


@cache
def default_extractor() -> Extractor:
    return Extractor()


def extract(
    text: str,
    *,
    source: str = "<text>",
    title: str | None = None,
    url: str | None = None,
    publish_date: str | None = None,
    site_name: str | None = None,
) -> Extraction:
    """Extract every record from one article's text.

    `text` may be raw (decomposed Unicode, CRLF, page furniture): it is cleaned first, and every
    record's `start`/`end` index `result.document.text`. The optional metadata is what an input
    format carried (an HTML page's title, a JSON record's date); the text is still searched.

    >>> r = extract("Năm 2023, toàn tỉnh có 1.280 mô hình được công nhận.")
    >>> [(c.count, c.status) for c in r.model_counts]
    [(1280, 'recognised')]
    """
    raw = RawDocument(
        source=source,
        text=text,
        title=title,
        url=url,
        publish_date=publish_date,
        site_name=site_name,
    )
    return default_extractor().extract_raw(raw)


def load_figures(db_path: str | Path) -> pd.DataFrame:
    """Every stored model count joined with its article (province, period, dates, evidence).

    One row per figure; `evidence` is `articles.text[start:end]` and `sentence` the sentence
    that contains it.
    """
    from pipeline.store import Store

    with Store.open_existing(db_path) as store:
        return store.figures_frame()
