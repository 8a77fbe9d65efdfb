"""The runner: skip before extraction, one writer, failures as rows, bounded work in flight."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from corpora.readers import ReadFailure
from pipeline import engines, runner
from pipeline.cli import cli
from pipeline.document import Document, RawDocument
from pipeline.engines import EngineError, InlineEngine, ProcessEngine, make_engine
from pipeline.runner import count_articles, identified, run, run_documents
from pipeline.store import ArticleRows, Store
from pipeline.synthetic import synthetic_documents, write_archive

TEXT = "Năm 2023, toàn tỉnh đăng ký 1.245 mô hình, công nhận 950 mô hình \"Dân vận khéo\"."


def table_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without autoincrement ids, sorted: equal content, row for row."""
    conn = sqlite3.connect(db)
    tables = ("articles", "officials", "model_counts", "awards", "dates", "places", "failures")
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
        if table not in ("articles", "failures"):  # their ids are content hashes: compared too
            columns.remove("id")
        names = ", ".join(f"[{c}]" for c in columns)
        found[table] = sorted(conn.execute(f"SELECT {names} FROM [{table}]"), key=repr)
    conn.close()
    return found


def test_identified_gives_the_documents_id_and_the_same_document() -> None:
    raw = RawDocument(source="a.txt", text="Dòng một\r\n\u00a0Dòng hai  \n", title="Tiêu đề")
    doc_id, cleaned = identified(raw)
    assert doc_id == Document.from_raw(raw).id
    assert cleaned.text == "Dòng một\n Dòng hai"
    assert Document.from_raw(cleaned) == Document.from_raw(raw)


def test_run_stores_every_article_once_and_counts_figures(tmp_path: Path) -> None:
    docs = list(synthetic_documents(30))
    summary = run_documents(docs, tmp_path / "x.db", batch_size=7, chunk_size=4)
    assert (summary.read, summary.stored, summary.skipped, summary.failed) == (30, 30, 0, 0)
    with Store(tmp_path / "x.db") as store:
        assert store.count("articles") == 30
        assert summary.figures == store.count("model_counts") + store.count("awards")
        assert store.integrity_ok()
    # the first chunk (4 articles) came back after the start-up; the rest is the steady rate
    assert summary.first_results_articles == 4
    assert summary.first_results_seconds is not None and 0 < summary.first_results_seconds < summary.seconds
    expected = 26 / (summary.seconds - summary.first_results_seconds)
    assert summary.steady_articles_per_second == pytest.approx(expected)


def test_rerun_skips_before_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = list(synthetic_documents(12))
    run_documents(docs, tmp_path / "x.db")

    def must_not_extract(raws: list[RawDocument]) -> list[ArticleRows]:
        raise AssertionError(f"extracted {len(raws)} already stored articles")

    monkeypatch.setattr(engines, "extract_chunk", must_not_extract)
    again = run_documents(docs, tmp_path / "x.db")
    assert (again.read, again.stored, again.skipped) == (12, 0, 12)


def test_duplicate_inside_one_run_is_extracted_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extracted: list[str] = []
    real = engines.extract_chunk

    def counting(raws: list[RawDocument]) -> list[ArticleRows]:
        extracted.extend(raw.source for raw in raws)
        return real(raws)

    monkeypatch.setattr(engines, "extract_chunk", counting)
    docs = [RawDocument("a.txt", TEXT), RawDocument("b.txt", TEXT + "\n"), RawDocument("c.txt", TEXT + " Hết.")]
    summary = run_documents(docs, tmp_path / "x.db", chunk_size=2)
    assert extracted == ["a.txt", "c.txt"]  # b.txt cleans to a.txt's text: same id
    assert (summary.stored, summary.skipped) == (2, 1)


def test_read_failures_and_unpreparable_texts_become_failure_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Document.from_raw

    def fragile(raw: RawDocument) -> Document:
        if "BOOM" in raw.text:
            raise ValueError("cannot split sentences")
        return real(raw)

    monkeypatch.setattr(engines.Document, "from_raw", fragile)
    items: list[RawDocument | ReadFailure] = [
        RawDocument("good.txt", TEXT),
        ReadFailure("image.png", "not text: the file is a PNG image"),
        RawDocument("odd.txt", "BOOM " + TEXT),
    ]
    summary = run_documents(items, tmp_path / "x.db")
    assert (summary.read, summary.stored, summary.failed) == (2, 1, 2)
    assert summary.exit_code == 1
    with Store(tmp_path / "x.db") as store:
        reasons = {r["source"]: r["reason"] for r in store.query("SELECT * FROM failures")}
    assert reasons["image.png"] == "not text: the file is a PNG image"
    assert reasons["odd.txt"].startswith("cannot prepare text: ValueError")


def test_cli_run_saves_everything_then_exits_1_without_traceback(tmp_path: Path) -> None:
    folder = write_archive(tmp_path / "in", 5)
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = CliRunner().invoke(cli, ["run", str(folder), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "articles read 5, stored 5, already present 0, failed 1" in result.output
    assert "image.png" in result.output


def test_scheduler_without_dask_engine_is_wrong_usage(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--db", str(tmp_path / "x.db"), "--scheduler", "tcp://h:8786"])
    assert result.exit_code == 2
    assert "--engine dask" in result.output


def test_unknown_engine_is_an_engine_error() -> None:
    with pytest.raises(EngineError):
        make_engine("spark")


def test_make_engine_picks_in_process_for_one_worker() -> None:
    assert isinstance(make_engine("local"), InlineEngine)
    engine = make_engine("local", workers=3)
    assert isinstance(engine, ProcessEngine) and engine.workers == 3
    engine.close()


def test_ordered_window_bounds_work_in_flight_and_keeps_order() -> None:
    """Memory stays flat only if the reader never runs more than `window` chunks ahead."""
    pulled = 0
    outstanding: list[int] = []
    most_outstanding = 0

    def chunks() -> Iterator[list[RawDocument]]:
        nonlocal pulled
        for index in range(50):
            pulled += 1
            yield [RawDocument(f"{index}", "x")]

    class Done:
        def __init__(self, index: int) -> None:
            self.index = index

        def result(self) -> list[ArticleRows]:
            outstanding.remove(self.index)
            return [ArticleRows(id=str(self.index), source=str(self.index), article=None)]

    def submit(chunk: list[RawDocument]) -> Done:
        nonlocal most_outstanding
        index = int(chunk[0].source)
        outstanding.append(index)
        most_outstanding = max(most_outstanding, len(outstanding))
        return Done(index)

    order = []
    for result in engines._ordered_window(chunks(), submit, window=4):
        order.append(int(result[0].id))
        assert pulled <= len(order) + 4
    assert order == list(range(50))
    assert most_outstanding == 4


def test_count_articles_only_when_files_are_articles(tmp_path: Path) -> None:
    write_archive(tmp_path / "in", 3)
    assert count_articles([tmp_path / "in", tmp_path / "absent.txt"]) == 4  # the missing one fails: one item
    (tmp_path / "in" / "more.jsonl").write_text("{}\n", encoding="utf-8")
    assert count_articles([tmp_path / "in"]) is None


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_silent_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_archive(tmp_path / "in", 4)
    terminal = _Terminal()
    monkeypatch.setattr(runner.sys, "stderr", terminal)
    run([folder], tmp_path / "a.db")
    shown = terminal.getvalue()
    assert "4/4" in shown and "articles/s" in shown

    quiet = _Terminal()
    monkeypatch.setattr(runner.sys, "stderr", quiet)
    run([folder], tmp_path / "b.db", quiet=True)
    assert quiet.getvalue() == ""

    piped = io.StringIO()  # not a terminal: a log file, a CI job
    monkeypatch.setattr(runner.sys, "stderr", piped)
    run([folder], tmp_path / "c.db")
    assert piped.getvalue() == ""


def test_two_stores_saving_the_same_article_store_it_once(tmp_path: Path) -> None:
    rows = ArticleRows.from_extraction(engines.worker_extractor()(Document.from_text(TEXT)))
    with Store(tmp_path / "x.db") as first, Store(tmp_path / "x.db") as second:
        first.ensure_schema()
        assert first.save_rows([rows]).stored == 1
        again = second.save_rows([rows])
        assert (again.stored, again.skipped) == (0, 1)
        assert first.count("articles") == 1
        assert first.count("model_counts") == len(rows.children["model_counts"])


@pytest.mark.slow
def test_two_worker_processes_store_what_one_does(tmp_path: Path) -> None:
    docs = list(synthetic_documents(40))
    one = run_documents(docs, tmp_path / "one.db")
    two = run_documents(docs, tmp_path / "two.db", workers=2, chunk_size=5)
    assert two.workers == 2
    assert (one.stored, one.figures) == (two.stored, two.figures) == (40, one.figures)
    in_process, in_workers = table_rows(tmp_path / "one.db"), table_rows(tmp_path / "two.db")
    for table, rows in in_process.items():
        assert rows == in_workers[table], f"{table} differs"


def test_merge_of_parts_equals_one_run_and_is_idempotent(tmp_path: Path) -> None:
    docs: list[RawDocument | ReadFailure] = [*synthetic_documents(24), ReadFailure("bad.png", "not text")]
    run_documents(docs, tmp_path / "whole.db")
    run_documents(docs[:15], tmp_path / "part1.db")
    run_documents(docs[10:], tmp_path / "part2.db")  # five articles in both parts

    runner_cli = CliRunner()
    result = runner_cli.invoke(cli, ["merge", str(tmp_path / "part1.db"), str(tmp_path / "part2.db"),
                                     "--db", str(tmp_path / "merged.db")])
    assert result.exit_code == 0, result.output
    assert "part1.db: added 15 articles" in result.output
    assert "part2.db: added 9 articles" in result.output and "5 already present" in result.output
    merged, whole = table_rows(tmp_path / "merged.db"), table_rows(tmp_path / "whole.db")
    for table, rows in whole.items():
        assert merged[table] == rows, f"{table} differs"

    again = runner_cli.invoke(cli, ["merge", str(tmp_path / "part2.db"), "--db", str(tmp_path / "merged.db")])
    assert "added 0 articles" in again.output
    assert table_rows(tmp_path / "merged.db") == merged


def test_merge_refuses_what_is_not_a_run_database(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not sqlite", encoding="utf-8")
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "notes.db"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "notes.db" in result.output and "Traceback" not in result.output


def test_a_writer_kept_waiting_fails_the_run_with_the_busy_error_and_stores_nothing(tmp_path: Path) -> None:
    # The batches are written by a thread: what it fails with must reach the caller as the one
    # clear error, not be lost in the thread, and the run must not hang on a full queue.
    from pipeline.store import DatabaseBusyError

    db = tmp_path / "held.db"
    run_documents(list(synthetic_documents(1)), db)  # the schema exists: only the writes wait
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock and does not let go
    try:
        with pytest.raises(DatabaseBusyError, match="busy"):
            run_documents(list(synthetic_documents(40))[1:], db, batch_size=5, chunk_size=4, busy_timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(db) as store:
        assert store.count("articles") == 1
        assert store.integrity_ok()


def test_batches_written_by_the_thread_are_all_counted(tmp_path: Path) -> None:
    docs = list(synthetic_documents(23))
    summary = run_documents(docs + docs[:5], tmp_path / "x.db", batch_size=3, chunk_size=2)
    assert (summary.read, summary.stored, summary.skipped) == (28, 23, 5)
    with Store(tmp_path / "x.db") as store:
        assert store.count("articles") == 23
        assert summary.figures == store.count("model_counts") + store.count("awards")
