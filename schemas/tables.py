"""SQLite table definitions: the contract's tables (shared/CONTRACT.md) plus added columns.

Each table is `name -> (columns, primary key, foreign key)`; `pipeline.store` creates them with
sqlite-utils. Columns may be added, never renamed or dropped (the contract).
"""

from __future__ import annotations

from typing import Any

ColumnTypes = dict[str, Any]

ARTICLES: ColumnTypes = {
    "id": str,
    "source": str,
    "title": str,
    "text": str,
    "publish_date": str,
    "province": str,
    "province_2025": str,
    "scope_level": str,
    "scope_name": str,
    "period_start": int,
    "period_end": int,
    # added beyond the contract
    "url": str,
    "site_name": str,
}

OFFICIALS: ColumnTypes = {
    "id": int,
    "article_id": str,
    "name": str,
    "titles": str,  # JSON array of strings
    "start": int,
    "end": int,
    "rule": str,
}

MODEL_COUNTS: ColumnTypes = {
    "id": int,
    "article_id": str,
    "count": int,
    "qualifier": str,
    "status": str,
    "field": str,
    "field_text": str,
    "start": int,
    "end": int,
    "cumulative": int,  # 1 for running totals ("từ năm 2009 đến nay", "lũy kế")
    "sentence_start": int,
    "sentence_end": int,
    "rule": str,
}

AWARDS: ColumnTypes = {
    "id": int,
    "article_id": str,
    "award": str,
    "giver": str,
    "collectives": int,
    "individuals": int,
    "combined": int,
    "qualifier": str,
    "start": int,
    "end": int,
    "sentence_start": int,
    "sentence_end": int,
    "rule": str,
}

DATES: ColumnTypes = {
    "id": int,
    "article_id": str,
    "kind": str,
    "value": str,
    "text": str,
    "start": int,
    "end": int,
    "ref": str,  # for kind=document
    "role": str,  # for kind=period: reported | mentioned | target
    "rule": str,
}

PLACES: ColumnTypes = {
    "id": int,
    "article_id": str,
    "level": str,
    "name": str,
    "province": str,
    "text": str,
    "start": int,
    "end": int,
    "rule": str,
}

CHECKS: ColumnTypes = {
    "id": int,
    "article_id": str,
    "rule": str,
    "severity": str,
    "message": str,
    "details": str,  # JSON: the figures and their evidence spans
}

FAILURES: ColumnTypes = {
    "id": str,  # hash of source + reason, so a re-run records a failure once
    "source": str,
    "reason": str,
}

TABLES: dict[str, tuple[ColumnTypes, str, str | None]] = {
    "articles": (ARTICLES, "id", None),
    "officials": (OFFICIALS, "id", "article_id"),
    "model_counts": (MODEL_COUNTS, "id", "article_id"),
    "awards": (AWARDS, "id", "article_id"),
    "dates": (DATES, "id", "article_id"),
    "places": (PLACES, "id", "article_id"),
    "checks": (CHECKS, "id", None),
    "failures": (FAILURES, "id", None),
}

# Tables whose rows belong to one article and are written with it, in one transaction.
ARTICLE_CHILD_TABLES = ("officials", "model_counts", "awards", "dates", "places")
