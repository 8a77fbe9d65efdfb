"""The store: contract tables, idempotent writes, whole articles only."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.api import extract
from pipeline.store import Store
from schemas.tables import ARTICLE_CHILD_TABLES, TABLES
from tests.conftest import ROOT

TEXT = (
    "Sơ kết phong trào\nNgày 23-12, Ban Dân vận tổ chức hội nghị. Năm 2022, toàn tỉnh đăng ký 120 mô hình, "
    "trong đó 50 mô hình thuộc lĩnh vực kinh tế; 70 mô hình thuộc lĩnh vực văn hóa - xã hội. "
    "Dịp này, 12 tập thể, 8 cá nhân được nhận Bằng khen của Chủ tịch UBND tỉnh."
)

CONTRACT_COLUMNS = {
    "articles": {"id", "source", "title", "text", "publish_date", "province", "province_2025", "scope_level",
                 "scope_name", "period_start", "period_end"},
    "officials": {"article_id", "name", "titles", "start", "end"},
    "model_counts": {"article_id", "count", "qualifier", "status", "field", "field_text", "start", "end"},
    "awards": {"article_id", "award", "giver", "collectives", "individuals", "combined", "qualifier", "start", "end"},
    "dates": {"article_id", "kind", "value", "text", "start", "end"},
    "checks": {"article_id", "rule", "severity", "message"},
    "failures": {"source", "reason"},
}


def test_schema_has_every_contract_column(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.ensure_schema()
        for table, columns in CONTRACT_COLUMNS.items():
            have = set(store.db.table(table).columns_dict)
            assert columns <= have, f"{table} lacks {columns - have}"


def test_save_is_idempotent_and_offsets_hold(tmp_path: Path) -> None:
    extraction = extract(TEXT, source="a.txt")
    with Store(tmp_path / "x.db") as store:
        store.ensure_schema()
        first = store.save([extraction])
        second = store.save([extract(TEXT, source="copy.txt")])
        assert (first.stored, first.skipped) == (1, 0)
        assert (second.stored, second.skipped) == (0, 1)
        assert store.count("articles") == 1
        counts = store.query("SELECT m.*, a.text FROM model_counts m JOIN articles a ON a.id = m.article_id")
        assert sorted(r["count"] for r in counts) == [50, 70, 120]
        for row in counts:
            assert row["text"][row["start"] : row["end"]].replace(".", "") == str(row["count"])
        awards = store.query("SELECT * FROM awards")
        assert [(a["collectives"], a["individuals"]) for a in awards] == [(12, 8)]


def test_failures_are_recorded_once(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.ensure_schema()
        store.record_failure("bad.png", "not text: the file is a PNG image")
        store.record_failure("bad.png", "not text: the file is a PNG image")
        assert store.query("SELECT source, reason FROM failures") == [
            {"source": "bad.png", "reason": "not text: the file is a PNG image"}
        ]


def test_titles_are_a_json_array(tmp_path: Path) -> None:
    text = "Dự hội nghị có đồng chí Nguyễn Văn Bình, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh."
    with Store(tmp_path / "x.db") as store:
        store.ensure_schema()
        store.save([extract(text)])
        for row in store.query("SELECT titles FROM officials"):
            assert isinstance(json.loads(row["titles"]), list)


def test_figures_frame_joins_evidence(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.ensure_schema()
        store.save([extract(TEXT, source="a.txt")])
        frame = store.figures_frame()
    assert set(frame["evidence"]) == {"120", "50", "70"}
    assert all("mô hình" in s for s in frame["sentence"])


def _varied(count: int) -> list[str]:
    return [TEXT.replace("120 mô hình", f"{100 + i} mô hình") for i in range(count)]


def test_batches_written_in_multi_row_statements_keep_every_row_in_order(tmp_path: Path) -> None:
    """A parameter limit far below a batch splits it into many statements: nothing lost or
    reordered, and the full-text index (filled by the insert trigger) agrees with the table."""
    texts = _varied(23)
    with Store(tmp_path / "x.db") as store:
        store.ensure_schema()
        store._max_variables = 40  # three articles' worth of columns per statement at most
        stats = store.save([extract(text, source=f"{i}.txt") for i, text in enumerate(texts)])
        assert stats.stored == 23
        assert [r["text"] for r in store.query("SELECT text FROM articles ORDER BY rowid")] == texts
        totals = [r["count"] for r in store.query(
            "SELECT m.count FROM model_counts m JOIN articles a ON a.id = m.article_id "
            "WHERE m.count >= 100 ORDER BY a.rowid"
        )]
        assert totals == [100 + i for i in range(23)]
        store.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        found = store.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"mô hình\" AND 107'")
        assert len(found) == 1


def test_rows_with_other_keys_get_their_own_statement(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.ensure_schema()
        with store._transaction():
            store._insert_many(
                "failures",
                [{"id": "a", "source": "x", "reason": "r"}, {"reason": "s", "id": "b", "source": "y"}],
            )
        assert store.query("SELECT id, source, reason FROM failures ORDER BY id") == [
            {"id": "a", "source": "x", "reason": "r"},
            {"id": "b", "source": "y", "reason": "s"},
        ]


def _open_at_once(path: str, barrier: Any, failures: Any) -> None:
    barrier.wait()
    try:
        with Store(path, busy_timeout=10) as store:
            store.ensure_schema()
    except Exception as exc:  # reported to the test, which names it
        failures.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork to start quickly")
def test_runs_opening_a_new_database_together_wait_for_each_other(tmp_path: Path) -> None:
    """SQLite answers a second switch to WAL on a new file "locked" at once, without waiting:
    four processes opening one new database together must all get in (without the wait, some
    of the 20 rounds failed in every try)."""
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    for round_ in range(20):
        barrier = context.Barrier(4)
        path = str(tmp_path / f"new-{round_}.db")
        processes = [context.Process(target=_open_at_once, args=(path, barrier, failures)) for _ in range(4)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert all(process.exitcode == 0 for process in processes)
    found = []
    while not failures.empty():
        found.append(failures.get())
    assert found == []


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'articles_fts%'"))
    finally:
        conn.close()


def test_tables_are_created_as_sqlite_utils_creates_them(tmp_path: Path) -> None:
    """The store writes the CREATE statements itself (no sqlite-utils import in a run); they must
    be the very ones sqlite-utils writes, so sqlite-utils and Datasette see the same schema."""
    import sqlite_utils

    with Store(tmp_path / "ours.db") as store:
        store.ensure_schema()
    reference = sqlite_utils.Database(tmp_path / "theirs.db")
    for name, (columns, pk, fk) in TABLES.items():
        reference.table(name).create(columns, pk=pk, foreign_keys=[(fk, "articles", "id")] if fk else None)
    for name in (*ARTICLE_CHILD_TABLES, "checks"):
        reference.table(name).create_index(["article_id"], if_not_exists=True)
    reference.close()
    ours = _schema(tmp_path / "ours.db")
    assert [row for row in ours if row[0] != "trigger"] == _schema(tmp_path / "theirs.db")
    assert sqlite_utils.Database(tmp_path / "ours.db").table("articles").detect_fts() == "articles_fts"


def test_an_older_database_gains_the_columns_added_since(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute('CREATE TABLE "articles" ("id" TEXT PRIMARY KEY, "source" TEXT, "title" TEXT, "text" TEXT)')
    conn.execute("INSERT INTO articles VALUES ('x', 'old.txt', 'Tiêu đề', 'Nội dung')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        store.ensure_schema()
        have = {row[1]: row[2] for row in store.conn.execute("PRAGMA table_info(articles)")}
        assert set(TABLES["articles"][0]) <= set(have)
        assert have["period_start"] == "INTEGER" and have["province"] == "TEXT"
        assert store.query("SELECT source, province FROM articles") == [{"source": "old.txt", "province": None}]
        assert store.count("failures") == 0


def test_a_run_imports_neither_sqlite_utils_nor_pandas(tmp_path: Path) -> None:
    """Their import costs most of a second, and a run only creates tables and inserts rows."""
    script = (
        "import sys\n"
        "from pipeline.runner import run\n"
        f"summary = run([{str(ROOT / 'corpora' / 'sample' / 'texts')!r}], {str(tmp_path / 'x.db')!r}, quiet=True)\n"
        "assert summary.stored > 0, summary\n"
        "print(sorted(name for name in ('sqlite_utils', 'pandas') if name in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
