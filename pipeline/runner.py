"""Runs the stages over inputs and hands whole articles to the one writer, in batches.

The parent process reads inputs as a stream, computes each article's id (the hash of its
cleaned text) and asks the database which ids it already holds: those are skipped before any
extraction, so a re-run costs a read and a hash per article. New articles go, in chunks, to an
engine (this process, local worker processes, or a Dask cluster) and come back as plain rows;
the parent alone writes them, a batch per transaction. A run killed at any moment leaves whole
articles or none, and the next run stores exactly what is missing.

Bad inputs become `failures` rows, never exceptions.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpora.readers import ReaderOptions, ReadFailure, ReadResult, iter_files, read_inputs
from pipeline.document import RawDocument, clean_text, content_id
from pipeline.engines import Engine, make_engine
from pipeline.store import BUSY_TIMEOUT_S, ArticleRows, SaveStats, Store

BATCH_SIZE = 200  # articles per write transaction
CHUNK_SIZE = 32  # articles per task sent to a worker: large enough to amortise the pickling
# A batch is written at least this often, so a slow run (heavy extractors) that is killed
# loses seconds of work, and the stored count the progress bar shows stays current.
FLUSH_SECONDS = 2.0
# Inputs whose files hold exactly one article: with only these, counting files counts articles
# and the progress bar can show the time left.
ONE_ARTICLE_SUFFIXES = frozenset({".txt", ".html", ".htm"})


@dataclass
class RunSummary:
    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    figures: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    # When the first extracted articles came back, and how many: what came before is start-up
    # (imports, stages built, workers started), paid once per run whatever its size.
    first_results_seconds: float | None = None
    first_results_articles: int = 0
    engine: str = "local"
    workers: int = 1

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    @property
    def articles_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    @property
    def steady_articles_per_second(self) -> float | None:
        """The rate once extraction is under way (start-up left out); None for a tiny run."""
        if self.first_results_seconds is None:
            return None
        articles = self.read - self.first_results_articles
        seconds = self.seconds - self.first_results_seconds
        return articles / seconds if articles > 0 and seconds > 0 else None


def run(
    inputs: Sequence[str | Path],
    db_path: str | Path,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    quiet: bool = False,
    batch_size: int = BATCH_SIZE,
    chunk_size: int = CHUNK_SIZE,
    busy_timeout: float = BUSY_TIMEOUT_S,
    reader_options: ReaderOptions | None = None,
) -> RunSummary:
    """Read every input, extract what is new, store it; return what happened.

    `reader_options` names the JSON Lines/CSV fields holding text, URL, title and date.
    """
    show_progress = not quiet and sys.stderr.isatty()
    total = count_articles(inputs) if show_progress else None
    return run_documents(
        read_inputs(inputs, reader_options),
        db_path,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        progress=show_progress,
        total=total,
        batch_size=batch_size,
        chunk_size=chunk_size,
        busy_timeout=busy_timeout,
    )


def run_documents(
    items: Iterable[ReadResult],
    db_path: str | Path,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: bool = False,
    total: int | None = None,
    batch_size: int = BATCH_SIZE,
    chunk_size: int = CHUNK_SIZE,
    busy_timeout: float = BUSY_TIMEOUT_S,
) -> RunSummary:
    """The run over raw documents (or read failures) from any source, e.g. a generator."""
    started = time.perf_counter()
    summary = RunSummary(engine=engine)
    with Store(db_path, busy_timeout=busy_timeout) as store:
        store.ensure_schema()
        extraction: Engine = make_engine(engine, workers=workers, scheduler=scheduler)
        summary.workers = extraction.workers
        bar = _progress_bar(total) if progress else None
        writer = _Writer(db_path, busy_timeout, summary, batch_size, bar)
        try:
            for results in extraction.map(_new_chunks(items, store, writer, chunk_size)):
                if summary.first_results_seconds is None:
                    summary.first_results_seconds = time.perf_counter() - started
                    # Read ahead is not done: only what came back, or needed no extraction.
                    summary.first_results_articles = len(results) + summary.skipped + summary.failed
                writer.add(results)
            writer.flush()
        except KeyboardInterrupt:
            writer.flush()  # keep what is already extracted; the next run starts after it
            raise
        finally:
            try:
                writer.close()  # waits until every batch handed over is stored
            finally:
                extraction.close()
                if bar is not None:
                    bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def count_articles(inputs: Sequence[str | Path]) -> int | None:
    """The number of articles, when counting files gives it cheaply; else None (rate only)."""
    count = 0
    for item in iter_files(inputs):
        if isinstance(item, Path) and item.suffix.lower() not in ONE_ARTICLE_SUFFIXES:
            return None  # an archive or a JSON Lines file: its articles are only known by reading it
        count += 1
    return count


def identified(raw: RawDocument) -> tuple[str, RawDocument]:
    """`Document.from_raw(raw).id` without sentence splitting (what the skip test needs), and
    `raw` with its text already cleaned, so the extraction does not clean it again."""
    text = clean_text(raw.text)
    return content_id(text), replace(raw, text=text, text_is_clean=True)


class _Writer:
    """The one writer: buffers rows and failures and stores them a batch per transaction.

    The batches are written by a thread with its own connection (the run's connection only
    reads, which WAL allows meanwhile). SQLite inserts, indexes the text for full-text search
    and commits with the GIL released, so with extraction in this process one batch is written
    while the next is extracted, on the other core. One batch at most waits while another is
    written: memory stays bounded, and a slow disk slows the run instead of filling memory.
    """

    def __init__(
        self, db_path: str | Path, busy_timeout: float, summary: RunSummary, batch_size: int, bar: Any
    ) -> None:
        self.summary = summary
        self.batch_size = max(1, batch_size)
        self.bar = bar
        self.rows: list[ArticleRows] = []
        self.failures: list[tuple[str, str]] = []
        # Ids sent for extraction and not yet stored: the same article twice among the inputs
        # is then extracted once. Bounded by the chunks in flight plus two batches.
        self.in_flight: set[str] = set()
        self.last_flush = time.monotonic()
        # What the writing thread found; the run's summary gets it in `close`.
        self._saved = SaveStats()
        self._lock = threading.Lock()  # guards `_saved` and `in_flight` across the two threads
        self._error: BaseException | None = None
        self._batches: queue.Queue[tuple[list[ArticleRows], list[tuple[str, str]]] | None] = queue.Queue(maxsize=1)
        self._thread = threading.Thread(
            target=self._write_batches, args=(db_path, busy_timeout), name="danvan-writer", daemon=True
        )
        self._thread.start()
        self._closed = False

    def fail(self, source: str, reason: str) -> None:
        self.summary.failed += 1
        self.summary.failures.append((source, reason))
        self.failures.append((source, reason))
        self._advance(1)

    def skip(self, count: int) -> None:
        self.summary.skipped += count
        self._advance(count)

    def is_pending(self, article_id: str) -> bool:
        with self._lock:
            return article_id in self.in_flight

    def mark_pending(self, article_id: str) -> None:
        with self._lock:
            self.in_flight.add(article_id)

    def add(self, results: list[ArticleRows]) -> None:
        for item in results:
            for error in item.errors:
                self.summary.failed += 1
                self.summary.failures.append((item.source, error))
        self.rows.extend(results)
        self._advance(len(results))
        if len(self.rows) >= self.batch_size or time.monotonic() - self.last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Hand the buffered rows to the writing thread (waits while it still has a batch queued)."""
        self._raise_if_failed()
        if self.rows or self.failures:
            self._batches.put((self.rows, self.failures))
            self.rows = []
            self.failures = []
            if self.bar is not None:
                with self._lock:
                    stored, skipped = self._saved.stored, self._saved.skipped
                self.bar.set_postfix(
                    stored=stored, skipped=self.summary.skipped + skipped, failed=self.summary.failed,
                    refresh=False,
                )
        self.last_flush = time.monotonic()

    def close(self) -> None:
        """Wait until every batch handed over is stored; raise what the writing failed with."""
        if self._closed:
            return
        self._closed = True
        self._batches.put(None)
        self._thread.join()
        self.summary.stored += self._saved.stored
        self.summary.skipped += self._saved.skipped  # stored meanwhile by another run
        self.summary.figures += self._saved.figures
        self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _write_batches(self, db_path: str | Path, busy_timeout: float) -> None:
        try:
            with Store(db_path, busy_timeout=busy_timeout) as store:
                while (batch := self._batches.get()) is not None:
                    rows, failures = batch
                    stats = store.save_rows(rows, failures)
                    with self._lock:
                        self._saved.add(stats)
                        self.in_flight.difference_update(item.id for item in rows)
        except BaseException as exc:  # handed to the run's thread, which raises it
            self._error = exc
            while self._batches.get() is not None:  # never leave the run's thread waiting on `put`
                pass

    def _advance(self, count: int) -> None:
        if self.bar is not None and count:
            self.bar.update(count)


def _new_chunks(
    items: Iterable[ReadResult], store: Store, writer: _Writer, chunk_size: int
) -> Iterator[list[RawDocument]]:
    """Chunks of raw documents not yet in the database; failures and known ones handed to `writer`."""
    chunk: list[RawDocument] = []
    for group in _groups(items, max(1, chunk_size)):
        new: list[tuple[str, RawDocument]] = []
        for item in group:
            if isinstance(item, ReadFailure):
                writer.fail(item.source, item.reason)
                continue
            writer.summary.read += 1
            try:
                new.append(identified(item))
            except Exception as exc:  # a text the cleaner cannot take is a failure, not a crash
                writer.fail(item.source, f"cannot prepare text: {type(exc).__name__}: {exc}")
        known = store.existing_ids(i for i, _ in new)
        skipped = 0
        for doc_id, raw in new:
            if doc_id in known or writer.is_pending(doc_id):
                skipped += 1
                continue
            writer.mark_pending(doc_id)
            chunk.append(raw)
        writer.skip(skipped)
        while len(chunk) >= chunk_size:
            yield chunk[:chunk_size]
            chunk = chunk[chunk_size:]
    if chunk:
        yield chunk


def _groups(items: Iterable[ReadResult], size: int) -> Iterator[list[ReadResult]]:
    group: list[ReadResult] = []
    for item in items:
        group.append(item)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def _progress_bar(total: int | None) -> Any:
    from tqdm import tqdm

    # Rate and time left are over recent articles (smoothing), not the run's start, so a first
    # stretch of already-stored articles does not make the estimate wildly optimistic for long.
    return tqdm(
        total=total,
        unit=" articles",
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
        mininterval=0.5,
    )
