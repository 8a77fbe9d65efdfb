"""Resumable and safe to share: a run killed with SIGKILL, two runs on one database, a busy one."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.synthetic import write_archive
from tests.conftest import ROOT
from tests.test_runner import table_rows

ARTICLES = 300
# Waiting for a subprocess to reach a state is not a timing assertion: these only bound how long
# a broken run may hang the test suite.
GIVE_UP_S = 240.0


def run_command(archive: Path, db: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "run_pipeline.py"), "run", str(archive), "--db", str(db), *extra]


def stored_articles(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_archive(tmp_path_factory.mktemp("resume") / "archive", ARTICLES)


@pytest.fixture(scope="module")
def reference_db(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same archive stored by one uninterrupted run."""
    db = tmp_path_factory.mktemp("reference") / "whole.db"
    done = subprocess.run(run_command(archive, db, "--quiet"), capture_output=True, text=True, timeout=GIVE_UP_S)
    assert done.returncode == 0, done.stderr
    return db


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_database(archive: Path, reference_db: Path, tmp_path: Path) -> None:
    import psutil

    db = tmp_path / "killed.db"
    # Small batches commit often, so the kill lands between commits with some already stored.
    # Two worker processes: the kill takes the writer away from under them.
    run = subprocess.Popen(
        run_command(archive, db, "--quiet", "--workers", "2", "--batch-size", "5", "--chunk-size", "5"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + GIVE_UP_S
    while stored_articles(db) == 0 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    helpers = psutil.Process(run.pid).children(recursive=True)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    before = stored_articles(db)
    # The workers notice their run is gone and end; none is left waiting for work forever.
    _, orphans = psutil.wait_procs(helpers, timeout=60)
    for orphan in orphans:  # only so a failure does not leave them behind
        orphan.kill()
    assert not orphans, f"{len(orphans)} worker processes outlived the killed run"
    assert 0 < before < ARTICLES, "the kill must land in the middle of the run"
    assert integrity(db) == "ok"

    again = subprocess.run(run_command(archive, db), capture_output=True, text=True, timeout=GIVE_UP_S)
    assert again.returncode == 0, again.stderr
    assert f"articles read {ARTICLES}, stored {ARTICLES - before}, already present {before}," in again.stdout
    assert integrity(db) == "ok"
    resumed, whole = table_rows(db), table_rows(reference_db)
    for table, rows in whole.items():
        assert resumed[table] == rows, f"{table} differs from an uninterrupted run"


@pytest.mark.slow
def test_two_runs_at_once_store_each_article_once(archive: Path, reference_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    runs = [
        subprocess.Popen(run_command(archive, db, "--batch-size", "10"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=GIVE_UP_S) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err
    stored = [int(out.split("stored ")[1].split(",")[0]) for out, _ in outputs]
    assert sum(stored) == ARTICLES  # each article stored by exactly one of the two
    assert integrity(db) == "ok"
    shared, whole = table_rows(db), table_rows(reference_db)
    for table, rows in whole.items():
        assert shared[table] == rows, f"{table} differs from a single run"


def test_a_busy_database_is_one_clear_line(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE hold (x)")
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock and does not let go
    holder.execute("INSERT INTO hold VALUES (1)")
    try:
        result = subprocess.run(
            run_command(archive / "0000" / "0000000.txt", db, "--busy-timeout", "0.2"),
            capture_output=True, text=True, timeout=GIVE_UP_S,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "database is busy" in result.stderr
    assert integrity(db) == "ok"
