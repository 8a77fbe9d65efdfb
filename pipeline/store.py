"""The only module that writes or reads SQLite.

An article and every row that belongs to it are written in one transaction, keyed by the
article's content hash, so a run killed half-way leaves whole articles or none, and a re-run
stores only what is new. WAL mode lets readers (Datasette, a notebook) look while a run writes;
a second writer waits `BUSY_TIMEOUT_S` and then gets a clear `DatabaseBusyError`.

Writes come as `ArticleRows` (`pipeline.rows`): the plain rows of one article, which a worker
process or a Dask worker builds and ships back cheaply; `save_rows` stores a batch of them with
one statement per table, inside one transaction.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.rows import ArticleRows, rows_for
from schemas.tables import ARTICLE_CHILD_TABLES, TABLES

__all__ = ["ArticleRows", "DatabaseBusyError", "SaveStats", "Store", "StoreError", "failure_id", "rows_for"]

if TYPE_CHECKING:
    import pandas as pd
    import sqlite_utils

    from pipeline.api import Extraction

BUSY_TIMEOUT_S = 30.0
# Rows per multi-row INSERT (`Store._insert_many`): a batch's articles in one statement.
ROWS_PER_STATEMENT = 500


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


# Full-text search over articles, as sqlite-utils' `enable_fts(create_triggers=True)` writes it
# (so sqlite-utils and Datasette recognise it), plus filling it from rows already present.
_FTS_SQL = (
    """CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    "title", "text",
    tokenize='unicode61',
    content="articles"
)""",
    'INSERT INTO "articles_fts" (rowid, "title", "text") SELECT rowid, "title", "text" FROM "articles"',
    """CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN
  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END""",
    """CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text") VALUES('delete', old.rowid, old."title", old."text");
END""",
    """CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "text") VALUES('delete', old.rowid, old."title", old."text");
  INSERT INTO "articles_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END""",
)


_SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "FLOAT", bytes: "BLOB"}


def create_table_sql(name: str, columns: dict[str, Any], pk: str, fk: str | None) -> str:
    """The CREATE TABLE that sqlite-utils' `table.create(columns, pk=pk, foreign_keys=...)`
    writes, the foreign key pointing at `articles.id` (same text, so tools see one schema)."""
    lines = []
    for column, kind in columns.items():
        line = f'   "{column}" {_SQL_TYPES[kind]}'
        if column == pk:
            line += " PRIMARY KEY"
        elif column == fk:
            line += ' REFERENCES "articles"("id")'
        lines.append(line)
    return f'CREATE TABLE "{name}" (\n' + ",\n".join(lines) + "\n)"


def create_index_sql(table: str, column: str) -> str:
    """sqlite-utils' `create_index([column], if_not_exists=True)`."""
    return f'CREATE INDEX IF NOT EXISTS "idx_{table}_{column}"\n    ON "{table}" ("{column}");'


def failure_id(source: str, reason: str) -> str:
    return hashlib.sha256(f"{source}\x00{reason}".encode()).hexdigest()[:16]


def _failure_row(source: str, reason: str) -> dict[str, Any]:
    return {"id": failure_id(source, reason), "source": source, "reason": reason}


class Store:
    def __init__(self, path: str | Path, *, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(self.path), timeout=busy_timeout, isolation_level=None)
            _use_wal(conn, busy_timeout)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusyError(_busy_message(self.path)) from exc
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite database ({exc})") from exc
        self.conn = conn
        self._db: sqlite_utils.Database | None = None
        # Bound parameters one statement may hold: 32,766 by default since SQLite 3.32, 999 before
        # (`getlimit` is Python 3.11+).
        getlimit = getattr(conn, "getlimit", None)
        self._max_variables: int = getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for reading and for the checks table.

        Imported on first use: sqlite-utils imports pandas (most of a second), and a run, which
        only creates tables and inserts rows in plain SQL, never needs it.
        """
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

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
        """Create what is missing, all in one write transaction.

        Two runs started together on a new file must not both create tables, so the check and
        the creation happen under the same write lock (full-text search included: sqlite-utils'
        `enable_fts` commits half-way, hence the explicit SQL below). The tables are created
        with the statements sqlite-utils would write (`create_table_sql`, held equal by a test),
        without importing it. A database that is already complete needs no write lock at all,
        so a run can start while another one writes.
        """
        if self._schema_complete():
            return
        try:
            with self._transaction():
                present = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master")}
                for name, (columns, pk, fk) in TABLES.items():
                    if name not in present:
                        self.conn.execute(create_table_sql(name, columns, pk, fk))
                    else:  # an older database: add what later versions added
                        have = {row[1] for row in self.conn.execute(f"PRAGMA table_info([{name}])")}
                        for column, kind in columns.items():
                            if column not in have:
                                self.conn.execute(f'ALTER TABLE "{name}" ADD COLUMN "{column}" {_SQL_TYPES[kind]}')
                for name in (*ARTICLE_CHILD_TABLES, "checks"):
                    self.conn.execute(create_index_sql(name, "article_id"))
                if "articles_fts" not in present:
                    for statement in _FTS_SQL:
                        self.conn.execute(statement)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc

    def _schema_complete(self) -> bool:
        try:
            names = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master")}
            if not set(TABLES) | {"articles_fts", "articles_ai"} <= names:
                return False
            for name, (columns, _, _) in TABLES.items():
                have = {row[1] for row in self.conn.execute(f"PRAGMA table_info([{name}])")}
                if not set(columns) <= have:
                    return False
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc
        return True

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
        return self.save_rows([ArticleRows.from_extraction(e) for e in extractions])

    def save_rows(
        self, articles: Sequence[ArticleRows], failures: Sequence[tuple[str, str]] = ()
    ) -> SaveStats:
        """Store a batch in one transaction: new articles with their rows, and failures.

        Presence is checked again under the write lock, so two runs writing the same database
        (or one input holding the same article twice) still store each article once.
        An article that could not be prepared (`article is None`) becomes only a failure row.
        """
        stats = SaveStats()
        try:
            with self._transaction():
                present = self.existing_ids(a.id for a in articles if a.article is not None)
                new_articles: list[dict[str, Any]] = []
                children: dict[str, list[dict[str, Any]]] = {name: [] for name in ARTICLE_CHILD_TABLES}
                failure_rows = [_failure_row(source, reason) for source, reason in failures]
                for item in articles:
                    failure_rows.extend(_failure_row(item.source, error) for error in item.errors)
                    if item.article is None:
                        continue
                    if item.id in present:
                        stats.skipped += 1
                        continue
                    present.add(item.id)
                    new_articles.append(item.article)
                    for table, rows in item.children.items():
                        children[table].extend(rows)
                    stats.stored += 1
                    stats.figures += item.figures
                # Parents first: the child rows' foreign keys point at these articles.
                self._insert_many("articles", new_articles)
                for table, rows in children.items():
                    self._insert_many(table, rows)
                self._insert_many("failures", failure_rows, replace=True)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc
        return stats

    def _insert_many(self, table: str, rows: Sequence[dict[str, Any]], *, replace: bool = False) -> None:
        """Many rows in a few multi-row INSERT statements (sqlite-utils' insert_all re-plans per call).

        Multi-row, not `executemany`: the articles' full-text index is filled by a trigger, and
        FTS5 writes its pending terms out at the end of every statement. One statement per row
        made a tiny index segment per article, then merged them: 0.25 ms of the writer's time
        per article, against 0.1 ms when a whole batch is one statement.

        Rows of one table come from one function (`rows_for`, `article_row`), so they share keys;
        a row with other keys gets its own statement rather than a wrong column order.
        """
        if not rows:
            return
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        groups: dict[tuple[str, ...], list[Any]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).extend(row.values())
        for keys, values in groups.items():
            columns = ", ".join(f"[{k}]" for k in keys)
            width = len(keys)
            per_statement = max(1, min(ROWS_PER_STATEMENT, self._max_variables // width))
            step = per_statement * width
            for begin in range(0, len(values), step):
                part = values[begin : begin + step]
                marks = ", ".join(["(" + ", ".join("?" * width) + ")"] * (len(part) // width))
                self.conn.execute(f"{verb} INTO [{table}] ({columns}) VALUES {marks}", part)

    def record_failure(self, source: str, reason: str) -> None:
        try:
            with self._transaction():
                self._insert_failure(source, reason)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc

    def _insert_failure(self, source: str, reason: str) -> None:
        self._insert_many("failures", [_failure_row(source, reason)], replace=True)

    def replace_checks(self, rows: Sequence[dict[str, Any]]) -> None:
        """Replace every stored check finding by `rows` (checks are recomputed as a whole)."""
        try:
            with self._transaction():
                self.conn.execute("DELETE FROM checks")
                if rows:
                    self.db.table("checks").insert_all(rows)
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc

    def merge_from(self, other: str | Path) -> SaveStats:
        """Copy into this database the articles of `other` it lacks, with their rows and failures.

        For runs made apart (on several machines, or a laptop's) brought together: the content
        hash decides what is new, as in `save_rows`, so merging twice adds nothing. Checks are
        not copied: `check` recomputes them over everything. One transaction per source file.
        """
        stats = SaveStats()
        source = Path(other)
        try:
            # ATTACH is refused inside a transaction: attach first, then lock and copy.
            self.conn.execute("ATTACH DATABASE ? AS merged", (str(source),))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{source}: cannot open as a database ({exc})") from exc
        try:
            names = {row[0] for row in self.conn.execute("SELECT name FROM merged.sqlite_master")}
            if "articles" not in names:
                raise StoreError(f"{source}: not a database written by `run` (no articles table)")
            with self._transaction():
                self.conn.execute("DROP TABLE IF EXISTS temp.merged_new")
                self.conn.execute(
                    "CREATE TEMP TABLE merged_new AS SELECT id FROM merged.articles "
                    "WHERE id NOT IN (SELECT id FROM main.articles) ORDER BY rowid"
                )
                stats.stored = self.conn.execute("SELECT count(*) FROM temp.merged_new").fetchone()[0]
                stats.skipped = self.conn.execute("SELECT count(*) FROM merged.articles").fetchone()[0] - stats.stored
                self._copy_rows("articles", "id IN (SELECT id FROM temp.merged_new)", names, keep_id=True)
                for table in ARTICLE_CHILD_TABLES:
                    if table in names:
                        self._copy_rows(table, "article_id IN (SELECT id FROM temp.merged_new)", names)
                if "failures" in names:
                    self._copy_rows("failures", "1", names, keep_id=True, ignore_present=True)
                for table in ("model_counts", "awards"):  # the figures, as `save_rows` counts them
                    if table in names:
                        stats.figures += self.conn.execute(
                            f"SELECT count(*) FROM merged.[{table}] "
                            "WHERE article_id IN (SELECT id FROM temp.merged_new)"
                        ).fetchone()[0]
                self.conn.execute("DROP TABLE temp.merged_new")
        except sqlite3.OperationalError as exc:
            raise self._explain(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{source}: not a usable SQLite database ({exc})") from exc
        finally:
            self.conn.execute("DETACH DATABASE merged")
        return stats

    def _copy_rows(
        self, table: str, where: str, names: set[str], *, keep_id: bool = False, ignore_present: bool = False
    ) -> None:
        """Rows of `merged.table` matching `where`, in their order, into the same table here.

        Only the columns both have (an older database lacks later columns); autoincrement ids are
        given anew here, content ids (`articles`, `failures`) are kept.
        """
        ours = [row[1] for row in self.conn.execute(f"PRAGMA main.table_info([{table}])")]
        theirs = {row[1] for row in self.conn.execute(f"PRAGMA merged.table_info([{table}])")}
        columns = [c for c in ours if c in theirs and (keep_id or c != "id")]
        names_sql = ", ".join(f"[{c}]" for c in columns)
        verb = "INSERT OR IGNORE" if ignore_present else "INSERT"
        self.conn.execute(
            f"{verb} INTO main.[{table}] ({names_sql}) SELECT {names_sql} FROM merged.[{table}] "
            f"WHERE {where} ORDER BY rowid"
        )

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
        return self._with_article_and_evidence("model_counts")

    # -- reading for checks, compare, export, report (issue 4) ---------------------------
    def table_frame(self, table: str) -> pd.DataFrame:
        """A whole contract table, rows in primary-key order (export writes these as they are)."""
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        if not self.db.table(table).exists():
            import pandas as pd

            return pd.DataFrame(columns=list(TABLES[table][0]))
        return self.frame(f'SELECT * FROM "{table}" ORDER BY rowid')

    def award_figures_frame(self) -> pd.DataFrame:
        """One row per award with its article's facts and its evidence (like `figures_frame`)."""
        return self._with_article_and_evidence("awards")

    def _with_article_and_evidence(self, table: str) -> pd.DataFrame:
        """Rows of a figure table joined with their article, its evidence and its sentence."""
        if table not in ("model_counts", "awards"):
            raise StoreError(f"{table!r} holds no figures")
        return self.frame(
            f"""
            SELECT f.*, a.source, a.title, a.publish_date, a.province, a.province_2025,
                   a.scope_level, a.scope_name, a.period_start, a.period_end,
                   substr(a.text, f.start + 1, f."end" - f.start) AS evidence,
                   CASE WHEN f.sentence_start >= 0
                        THEN substr(a.text, f.sentence_start + 1, f.sentence_end - f.sentence_start)
                   END AS sentence
            FROM "{table}" f JOIN articles a ON a.id = f.article_id
            ORDER BY a.province, a.id, f.start
            """
        )

    def dates_frame(self) -> pd.DataFrame:
        """Every date and period mention with its article's publish date and source."""
        return self.frame(
            """
            SELECT d.*, a.publish_date, a.source, a.title,
                   substr(a.text, d.start + 1, d."end" - d.start) AS evidence
            FROM dates d JOIN articles a ON a.id = d.article_id
            ORDER BY d.article_id, d.start
            """
        )

    def articles_frame(self) -> pd.DataFrame:
        """Every article's facts without its text (the text is fetched one article at a time)."""
        return self.frame(
            """
            SELECT id, source, title, publish_date, province, province_2025, scope_level,
                   scope_name, period_start, period_end, url, site_name
            FROM articles ORDER BY province, publish_date, source
            """
        )

    def article(self, article_id: str) -> dict[str, Any] | None:
        found = self.query("SELECT * FROM articles WHERE id = ?", [article_id])
        return found[0] if found else None

    def article_children(self, table: str, article_id: str) -> list[dict[str, Any]]:
        """The rows of one article-owned table (officials, model_counts, ...) for one article."""
        if table not in ARTICLE_CHILD_TABLES:
            raise StoreError(f"{table!r} is not a table of article rows")
        return self.query(f'SELECT * FROM "{table}" WHERE article_id = ? ORDER BY start, id', [article_id])

    def checks_rows(self) -> list[dict[str, Any]]:
        """Every stored check finding, worst first within each article."""
        if not self.db.table("checks").exists():
            return []
        return self.query(
            """SELECT * FROM checks
               ORDER BY article_id IS NOT NULL, article_id,
                        CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, id"""
        )

    def integrity_ok(self) -> bool:
        row = self.conn.execute("PRAGMA integrity_check").fetchone()
        return bool(row and row[0] == "ok")

    # -- helpers ------------------------------------------------------------------------
    def _transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def _explain(self, exc: sqlite3.OperationalError) -> StoreError:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return DatabaseBusyError(_busy_message(self.path))
        return StoreError(f"{self.path}: {message}")


def _use_wal(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch to WAL, waiting up to `busy_timeout` for another connection doing the same.

    On a new file two runs started together race to switch it, and SQLite answers the loser
    "database is locked" at once, without its busy handler: that must wait, not fail.
    """
    deadline = time.monotonic() + busy_timeout
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _busy_message(path: Path) -> str:
    return f"{path}: the database is busy (another run is writing to it); try again when it has finished"


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
