"""The Dask engine: a real local cluster of two worker processes stores what the local engine does."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.engines import DaskEngine, EngineError, code_fingerprint
from pipeline.runner import run
from pipeline.synthetic import write_archive
from tests.test_runner import table_rows

ARTICLES = 60


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as local:
        yield local


@pytest.mark.slow
def test_dask_cluster_stores_what_the_local_engine_does(cluster: Any, tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "archive", ARTICLES)
    (archive / "broken.txt").write_bytes(b"")  # a failure travels the same way

    local = run([archive], tmp_path / "local.db", quiet=True)
    result = CliRunner().invoke(
        cli,
        ["run", str(archive), "--db", str(tmp_path / "dask.db"), "--engine", "dask",
         "--scheduler", cluster.scheduler_address, "--chunk-size", "7", "--batch-size", "11"],
    )
    assert result.exit_code == 1, result.output  # the empty file
    assert f"articles read {ARTICLES}, stored {ARTICLES}, already present 0, failed 1" in result.output
    assert "dask engine, 2 workers" in result.output

    in_process, on_cluster = table_rows(tmp_path / "local.db"), table_rows(tmp_path / "dask.db")
    assert len(in_process["articles"]) == local.stored == ARTICLES
    for table, rows in in_process.items():
        assert on_cluster[table] == rows, f"{table} differs between the local and the dask engine"


@pytest.mark.slow
def test_dask_work_runs_in_the_cluster_worker_processes(cluster: Any) -> None:
    """The tasks run in the two worker processes, each with its own Extractor built once."""
    import os

    from pipeline.document import RawDocument

    engine = DaskEngine(cluster.scheduler_address)
    try:
        assert engine.workers == 2
        chunks = [[RawDocument(f"{i}.txt", f"Năm 2023, toàn tỉnh có {100 + i} mô hình.")] for i in range(8)]
        results = list(engine.map(chunks))
        assert [r[0].source for r in results] == [f"{i}.txt" for i in range(8)]  # input order
        pids = engine._client.run(os.getpid)
        assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
        built = engine._client.run(lambda: __import__("pipeline.engines").engines._worker_extractor is not None)
        assert all(built.values())
    finally:
        engine.close()


def test_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="cannot reach the Dask scheduler"):
        DaskEngine("tcp://127.0.0.1:9", connect_timeout=1.0)


class FakeCluster:
    started: ClassVar[dict[str, Any]] = {}

    def __init__(self, **options: Any) -> None:
        FakeCluster.started = dict(options)

    def close(self) -> None:
        FakeCluster.started["closed"] = True


class FakeClient:
    """Stands for a scheduler: its workers and the code fingerprint each reports."""

    fingerprints: ClassVar[dict[str, str]] = {}

    def __init__(self, address: Any, **options: Any) -> None:
        self.address = address

    def wait_for_workers(self, n_workers: int, timeout: float | None = None) -> None:
        if not self.fingerprints:
            raise TimeoutError("no workers")

    def run(self, function: Any) -> dict[str, str]:
        return dict(self.fingerprints)

    def scheduler_info(self) -> dict[str, Any]:
        return {"workers": {address: {"nthreads": 1} for address in self.fingerprints}}

    def close(self) -> None:
        pass


@pytest.fixture
def fake_dask(monkeypatch: pytest.MonkeyPatch) -> type[FakeClient]:
    import distributed

    monkeypatch.setattr(distributed, "LocalCluster", FakeCluster)
    monkeypatch.setattr(distributed, "Client", FakeClient)
    ours = code_fingerprint()
    monkeypatch.setattr(FakeClient, "fingerprints", {"tcp://a:1": ours, "tcp://b:1": ours})
    return FakeClient


def test_without_an_address_a_local_cluster_of_two_processes_starts(fake_dask: type[FakeClient]) -> None:
    engine = DaskEngine()
    started = FakeCluster.started
    assert (started["n_workers"], started["threads_per_worker"], started["processes"]) == (2, 1, True)
    assert engine.workers == 2
    engine.close()
    assert started["closed"]


def test_a_worker_with_other_code_is_refused(fake_dask: type[FakeClient], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fake_dask.fingerprints, "tcp://old:1", "0123456789abcdef")
    with pytest.raises(EngineError, match=r"tcp://old:1 run other code"):
        DaskEngine("tcp://scheduler:8786")


def test_a_scheduler_without_workers_is_one_line(fake_dask: type[FakeClient], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fake_dask, "fingerprints", {})
    with pytest.raises(EngineError, match="has no workers"):
        DaskEngine("tcp://scheduler:8786", connect_timeout=0.1)
