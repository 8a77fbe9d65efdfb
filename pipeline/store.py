"""The only module that writes or reads SQLite.

An article and every row that belongs to it are written in one transaction, keyed by the
article's content hash, so a run killed half-way leaves whole articles or none, and a re-run
stores only what is new. WAL mode lets readers (Datasette, a notebook) look while a run writes;
a second writer waits `BUSY_TIMEOUT_S` and then gets a clear `DatabaseBusyError`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from schemas.tables import ARTICLE_CHILD_TABLES, TABLES

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.api import Extraction

BUSY_TIMEOUT_S = 30.0


class StoreError(RuntimeError):
    """A database problem worth one line to the user (never a traceback)."""


class DatabaseBusyError(StoreError):
    pass


@dataclass
class SaveStats:
    stored: int = 0
    skipped: int = 0  # already present (same content hash)
    figures: int = 0

    def add(self, other: SaveStats) -> None:
        self.stored += other.stored
        self.skipped += other.skipped
        self.figures += other.figures


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


def failure_id(source: str, reason: str) -> str:
    return hashlib.sha256(f"{source}\x00{reason}".encode()).hexdigest()[:16]


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from exc
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

    @classmethod
    def open_existing(cls, path: str | Path) -> Store:
        if not Path(path).is_file():
            raise StoreError(f"{path}: no such database (run `run --db {path}` first)")
        return cls(path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- schema -------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        try:
            with self._transaction():
                for name, (columns, pk, fk) in TABLES.items():
                    table = self.db.table(name)
                    if not table.exists():
                        foreign = [(fk, "articles", "id")] if fk else None
                        table.create(columns, pk=pk, foreign_keys=foreign)
                    else:  # an older database: add what later versions added
                        have = set(table.columns_dict)
                        for column, kind in columns.items():
                            if column not in have:
                                table.add_column(column, kind)
                for name in ARTICLE_CHILD_TABLES:
                    self.db.table(name).create_index(["article_id"], if_not_exists=True)
                self.db.table("checks").create_index(["article_id"], if_not_exists=True)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc
        articles = self.db.table("articles")
        if not self.db.table("articles_fts").exists():
            try:
                articles.enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")
            except sqlite3.OperationalError as exc:
                raise self._explain(exc) from exc

    # -- writing ------------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            cursor = self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            found.update(row[0] for row in cursor)
        return found

    def save(self, extractions: Sequence[Extraction]) -> SaveStats:
        """Store new articles with all their rows, in one transaction; skip known ones."""
        stats = SaveStats()
        try:
            with self._transaction():
                present = self.existing_ids(e.document.id for e in extractions)
                for extraction in extractions:
                    article_id = extraction.document.id
                    if article_id in present:
                        stats.skipped += 1
                        continue
                    present.add(article_id)
                    self.db.table("articles").insert(extraction.article_row())
                    for table, rows in rows_for(extraction).items():
                        if rows:
                            self.db.table(table).insert_all(rows)
                    for error in extraction.errors:
                        self._insert_failure(extraction.document.source, error)
                    stats.stored += 1
                    stats.figures += len(extraction.model_counts) + len(extraction.awards)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc
        return stats

    def record_failure(self, source: str, reason: str) -> None:
        try:
            with self._transaction():
                self._insert_failure(source, reason)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc

    def _insert_failure(self, source: str, reason: str) -> None:
        row = {"id": failure_id(source, reason), "source": source, "reason": reason}
        self.db.table("failures").insert(row, replace=True)

    def replace_checks(self, rows: Sequence[dict[str, Any]]) -> None:
        """Replace every stored check finding by `rows` (checks are recomputed as a whole)."""
        try:
            with self._transaction():
                self.conn.execute("DELETE FROM checks")
                if rows:
                    self.db.table("checks").insert_all(rows)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc

    # -- reading ------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        yield from self.db.table(table).rows

    def count(self, table: str) -> int:
        return self.db.table(table).count if self.db.table(table).exists() else 0

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        import pandas as pd

        return pd.read_sql_query(sql, self.conn, params=list(params))

    def figures_frame(self) -> pd.DataFrame:
        """One row per model count with its article's facts and its evidence."""
        frame = self.frame(
            """
            SELECT m.*, a.source, a.title, a.publish_date, a.province, a.province_2025,
                   a.scope_level, a.scope_name, a.period_start, a.period_end,
                   substr(a.text, m.start + 1, m."end" - m.start) AS evidence,
                   CASE WHEN m.sentence_start >= 0
                        THEN substr(a.text, m.sentence_start + 1, m.sentence_end - m.sentence_start)
                   END AS sentence
            FROM model_counts m JOIN articles a ON a.id = m.article_id
            ORDER BY a.province, a.id, m.start
            """
        )
        return frame

    def integrity_ok(self) -> bool:
        row = self.conn.execute("PRAGMA integrity_check").fetchone()
        return bool(row and row[0] == "ok")

    # -- helpers ------------------------------------------------------------------------
    def _transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def _explain(self, exc: sqlite3.OperationalError) -> StoreError:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return DatabaseBusyError(
                f"{self.path}: the database is busy (another run is writing to it); "
                "try again when it has finished"
            )
        return StoreError(f"{self.path}: {message}")


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, so a second writer waits at the start, not half-way."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
