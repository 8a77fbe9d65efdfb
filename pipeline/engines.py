"""Where extraction runs: in this process, in local worker processes, or on a Dask cluster.

Every engine maps chunks of raw documents to chunks of `ArticleRows`, in input order, with a
bounded number of chunks in flight: the reader never runs ahead of the workers by more than
that, so memory does not grow with the archive. Only raw documents go out and only plain rows
come back (no `Document`, no records), because pickling is the cost of crossing a process.
Each worker process builds its `Extractor` once and keeps it for every chunk it is given.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from pipeline.api import Extractor
from pipeline.document import Document, RawDocument, clean_text, content_id
from pipeline.rows import ArticleRows
from pipeline.stages import Stage

ENGINES = ("local", "dask")
# Chunks in flight per worker: one being extracted, one waiting, so a worker never idles while
# its next chunk is pickled, and the parent never holds more than a few chunks.
IN_FLIGHT_PER_WORKER = 2
PARENT_CHECK_S = 1.0  # how often a worker checks that its run is still alive


class EngineError(RuntimeError):
    """Extraction could not run at all (a worker died, the cluster is unreachable): one line."""


# Set by `bench --no-stages` for its child processes (and so for their workers).
NO_STAGES_ENV = "DANVAN_BENCH_NO_STAGES"
WARM_UP_TEXT = "Năm 2023, toàn tỉnh có 1.280 mô hình được công nhận."

# -- the work itself (runs wherever the engine sends it) ------------------------------------

_worker_extractor: Extractor | None = None


def worker_extractor() -> Extractor:
    """This process's one `Extractor`, built on first use (patterns compile once per process)."""
    global _worker_extractor
    if _worker_extractor is None:
        # The benchmark's machinery-only measurement: documents prepared and stored, no stages.
        no_stages: list[Stage] = []
        _worker_extractor = Extractor(no_stages if os.environ.get(NO_STAGES_ENV) else None)
        # The stages' patterns, vocabularies and gazetteer live as long as the process: frozen,
        # the cyclic collector stops walking them at every full collection (2% of a run's time),
        # and workers forked from a fork server stop writing to, hence copying, their pages.
        gc.freeze()
    return _worker_extractor


def extract_document(extractor: Extractor, raw: RawDocument) -> ArticleRows:
    """One raw document to its rows. A document that cannot be prepared becomes a failure."""
    try:
        document = Document.from_raw(raw)
    except Exception as exc:  # one odd text must not lose the rest of its chunk
        article_id = content_id(clean_text(raw.text))
        return ArticleRows.failed(article_id, raw.source, f"cannot prepare text: {type(exc).__name__}: {exc}")
    return ArticleRows.from_extraction(extractor(document))


def extract_chunk(raws: list[RawDocument]) -> list[ArticleRows]:
    """The task every engine runs: a module-level function, so it pickles by name."""
    extractor = worker_extractor()
    return [extract_document(extractor, raw) for raw in raws]


def warm_up() -> None:
    """Build this process's Extractor and run it once (underthesea loads on first use).

    A failure is not raised here: the first `extract_chunk` raises it again, where the parent
    gets it as one line; raising in a worker's start-up would only say "a worker died".
    """
    global _warm
    if not _warm:
        _warm = True
        with contextlib.suppress(Exception):
            extract_chunk([RawDocument(source="<warm-up>", text=WARM_UP_TEXT)])


_warm = False


def _init_worker_process(parent_pid: int) -> None:
    # Ctrl-C reaches the whole process group; the parent shuts the pool down cleanly, so a
    # worker must not also die printing a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    warm_up()  # a no-op when forked from a fork server that already did it


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker when the run that started it is gone (killed with SIGKILL, say).

    A pool worker holds both ends of its task queue, so it never sees the parent's end close
    and would otherwise wait for work forever, an orphan holding a few hundred MB.
    """
    while True:
        time.sleep(PARENT_CHECK_S)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the id now belongs to another user's process: ours is gone
            os._exit(1)


def _process_context() -> multiprocessing.context.BaseContext:
    """A fork server that has built and warmed the Extractor once, where the platform has one.

    Its workers are forked from that ready process: start-up is paid once, not once per
    worker, and the stages' memory is shared until written. The server itself starts clean
    (not forked from this process, whose threads and SQLite connection it must not inherit),
    which is what makes `spawn` safe too; `spawn` is the fallback (Windows).
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline._worker_preload"])
        return context
    return multiprocessing.get_context("spawn")


# -- engines -------------------------------------------------------------------------------


class Engine(Protocol):
    name: str
    workers: int  # processes (or Dask threads) extracting at once

    def map(self, chunks: Iterable[list[RawDocument]]) -> Iterator[list[ArticleRows]]: ...

    def close(self) -> None: ...


class InlineEngine:
    """Extraction in this process: one worker, no pickling, the fastest for one core."""

    name = "local"

    def __init__(self) -> None:
        self.workers: int = 1

    def map(self, chunks: Iterable[list[RawDocument]]) -> Iterator[list[ArticleRows]]:
        for chunk in chunks:
            yield extract_chunk(chunk)

    def close(self) -> None:
        pass


class ProcessEngine:
    """Extraction in `workers` local processes, started clean (never forked from this one)."""

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers: int = workers
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        # Started on the first chunk, so a re-run with nothing new never pays for the workers.
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_process_context(),
                initializer=_init_worker_process,
                initargs=(os.getpid(),),
            )
        return self._pool

    def map(self, chunks: Iterable[list[RawDocument]]) -> Iterator[list[ArticleRows]]:
        window = self.workers * IN_FLIGHT_PER_WORKER
        try:
            yield from _ordered_window(chunks, lambda chunk: self._start().submit(extract_chunk, chunk), window)
        except BrokenProcessPool as exc:
            raise EngineError(
                "a worker process died (out of memory, or killed); what was stored so far is kept "
                "and a re-run continues from there"
            ) from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskEngine:
    """Extraction on a Dask distributed cluster; results come back here, to the one writer.

    With no scheduler address it starts a `LocalCluster` of worker processes on this machine.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int = 2, *, connect_timeout: float = 20.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
            raise EngineError("--engine dask needs dask[distributed] installed") from exc
        self._cluster: Any = None
        self.workers: int = workers
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=connect_timeout)
            else:
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = scheduler or "a local cluster"
            raise EngineError(f"cannot reach the Dask scheduler at {where}: {exc}") from exc
        try:
            self._check_workers(connect_timeout)
        except BaseException:
            self.close()
            raise
        threads = sum(w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values())
        self.workers = max(threads, 1)

    def _check_workers(self, timeout: float) -> None:
        """At least one worker, and every worker running this very extraction code.

        A worker with another version of the extractors would store other figures without a
        word; comparing a fingerprint of the code turns that into one clear line.
        """
        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except TimeoutError as exc:
            raise EngineError("the Dask scheduler has no workers: start some with `dask worker ADDRESS`") from exc
        ours = code_fingerprint()
        theirs = self._client.run(code_fingerprint)
        different = sorted(address for address, fingerprint in theirs.items() if fingerprint != ours)
        if different:
            raise EngineError(
                f"Dask worker(s) {', '.join(different)} run other code than this machine: "
                "install the same version of the project on every worker"
            )

    def map(self, chunks: Iterable[list[RawDocument]]) -> Iterator[list[ArticleRows]]:
        window = max(self.workers, 1) * IN_FLIGHT_PER_WORKER
        # pure=False: two chunks that happen to be equal are still two tasks.
        yield from _ordered_window(chunks, lambda chunk: self._client.submit(extract_chunk, chunk, pure=False), window)

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def code_fingerprint() -> str:
    """A hash of everything that decides what extraction produces: the code and vocabularies
    of `pipeline`, `extractors` and `schemas` (relative paths and contents, not locations)."""
    import hashlib
    from pathlib import Path

    import extractors
    import pipeline
    import schemas

    digest = hashlib.sha256()
    for package in (pipeline, extractors, schemas):
        root = Path(str(package.__file__)).resolve().parent
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".yaml", ".yml", ".json", ".tsv"} and "__pycache__" not in path.parts:
                digest.update(f"{package.__name__}/{path.relative_to(root).as_posix()}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _ordered_window(
    chunks: Iterable[list[RawDocument]],
    submit: Any,
    window: int,
) -> Iterator[list[ArticleRows]]:
    """Submit chunks keeping at most `window` in flight; yield results in input order.

    Input order makes the database the same whatever the number of workers (row ids, article
    order). Chunks are the same size, so waiting for the oldest costs little; the bound on
    chunks in flight is what keeps memory flat.
    """
    # concurrent.futures or distributed futures: both have `.result()`
    pending: deque[Any] = deque()
    source = iter(chunks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            chunk = next(source, None)
            if chunk is None:
                exhausted = True
                break
            pending.append(submit(chunk))
        if not pending:
            return
        future = pending.popleft()
        try:
            result = future.result()
        except BrokenProcessPool:
            raise
        except Exception as exc:
            raise EngineError(f"extraction failed in a worker: {type(exc).__name__}: {exc}") from exc
        del future  # a Dask future holds its result on the cluster until released
        yield result


def make_engine(engine: str = "local", *, workers: int | None = None, scheduler: str | None = None) -> Engine:
    if engine == "local":
        count = workers or 1
        return InlineEngine() if count == 1 else ProcessEngine(count)
    if engine == "dask":
        return DaskEngine(scheduler, workers or 2)
    raise EngineError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
