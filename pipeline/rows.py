"""One article as plain rows: what extraction hands to the one writer.

Kept apart from `pipeline.store` so that worker processes, which only build rows, never import
SQLite helpers (sqlite-utils pulls in pandas: 100 MB and most of a second per process).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from schemas.tables import ARTICLE_CHILD_TABLES

if TYPE_CHECKING:
    from pipeline.api import Extraction


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def rows_for(extraction: Extraction) -> dict[str, list[dict[str, Any]]]:
    """The rows of every article-owned table for one extraction (pure; no database)."""
    article_id = extraction.document.id
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ARTICLE_CHILD_TABLES}
    for o in extraction.officials:
        rows["officials"].append(
            {
                "article_id": article_id,
                "name": o.name,
                "titles": _json(list(o.titles)),
                "start": o.start,
                "end": o.end,
                "rule": o.rule,
            }
        )
    for c in extraction.model_counts:
        rows["model_counts"].append(
            {
                "article_id": article_id,
                "count": c.count,
                "qualifier": c.qualifier,
                "status": c.status,
                "field": c.field,
                "field_text": c.field_text,
                "start": c.start,
                "end": c.end,
                "cumulative": int(c.cumulative),
                "sentence_start": c.sentence_start,
                "sentence_end": c.sentence_end,
                "rule": c.rule,
            }
        )
    for a in extraction.awards:
        rows["awards"].append(
            {
                "article_id": article_id,
                "award": a.award,
                "giver": a.giver,
                "collectives": a.collectives,
                "individuals": a.individuals,
                "combined": a.combined,
                "qualifier": a.qualifier,
                "start": a.start,
                "end": a.end,
                "sentence_start": a.sentence_start,
                "sentence_end": a.sentence_end,
                "rule": a.rule,
            }
        )
    for d in extraction.dates:
        rows["dates"].append(
            {
                "article_id": article_id,
                "kind": d.kind,
                "value": d.value,
                "text": d.text,
                "start": d.start,
                "end": d.end,
                "ref": d.ref,
                "role": None,
                "rule": d.rule,
            }
        )
    for p in extraction.periods:
        value = str(p.start_year) if p.start_year == p.end_year else f"{p.start_year}/{p.end_year}"
        rows["dates"].append(
            {
                "article_id": article_id,
                "kind": "period",
                "value": value,
                "text": p.text,
                "start": p.start,
                "end": p.end,
                "ref": None,
                "role": p.role,
                "rule": p.rule,
            }
        )
    for m in extraction.places:
        rows["places"].append(
            {
                "article_id": article_id,
                "level": m.level,
                "name": m.name,
                "province": m.province,
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "rule": m.rule,
            }
        )
    return rows


@dataclass
class ArticleRows:
    """One article as rows: what extraction sends to the one writer (plain, cheap to pickle).

    `article` is None when the document could not even be prepared; `errors` then says why.
    """

    id: str
    source: str
    article: dict[str, Any] | None
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_extraction(cls, extraction: Extraction) -> ArticleRows:
        return cls(
            id=extraction.document.id,
            source=extraction.document.source,
            article=extraction.article_row(),
            children=rows_for(extraction),
            errors=list(extraction.errors),
        )

    @classmethod
    def failed(cls, article_id: str, source: str, reason: str) -> ArticleRows:
        return cls(id=article_id, source=source, article=None, errors=[reason])

    @property
    def figures(self) -> int:
        return len(self.children.get("model_counts", ())) + len(self.children.get("awards", ()))
