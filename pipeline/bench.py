"""The throughput and memory benchmark behind `run_pipeline.py bench`.

It writes a synthetic archive (`pipeline.synthetic`: N unique articles varied from the real
ones) and runs the real `run` over it, each measurement in a fresh process, so imports, worker
start-up and the memory of one measurement do not leak into the next. From outside, it samples
the resident memory and CPU time of that process and all its descendants; from inside, the
run reports its own time. The reference is underthesea's `word_tokenize`
over the same articles: what one common NLP step alone would cost. The ceiling (`Ceiling`) is
extraction alone in one process and in two at once: what this machine allows two workers.

    python run_pipeline.py bench --articles 2000 --workers-list 1,2 --memory-scan 1000,50000
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.synthetic import FILES_PER_FOLDER, base_texts, synthetic_documents, write_archive

# The targets the numbers are reported against (issue 5).
TARGET_RATE_ONE_WORKER = 300.0  # articles per second, end to end
TARGET_SPEEDUP_TWO_WORKERS = 1.7
TARGET_MEMORY_GROWTH = 0.20  # peak memory from the smallest to the largest memory-scan size
TARGET_RERUN_FRACTION = 0.10  # a re-run over stored articles, against the first run
SAMPLE_SECONDS = 0.05
CEILING_ROUNDS = 3  # alternations of "one extraction process alone" and "two at once"


@dataclass
class RunMeasure:
    articles: int
    workers: int
    engine: str
    seconds: float  # the run itself: engine start, read, extract, store
    wall_seconds: float  # the whole process, interpreter start included
    articles_per_second: float
    # Start-up (imports, stages built, workers started: until the first results come back) and
    # the rate after it; the start-up is paid once per run, however large the archive.
    startup_seconds: float
    steady_articles_per_second: float
    cpu_ms_per_article: float  # the process tree's CPU time: robust to other load on the machine
    parent_cpu_ms_per_article: float  # the reading, hashing, writing process alone
    peak_rss_mb: float  # resident memory of the process tree, at its highest
    db_bytes_per_article: float
    stored: int
    skipped: int
    failed: int
    figures: int
    # The same, with each page shared between processes (a fork server's workers share the
    # stages' memory) counted once in all: what the run really holds. 0 where the system cannot
    # tell (PSS is Linux's).
    peak_pss_mb: float = 0.0

    @property
    def peak_memory_mb(self) -> float:
        """PSS where measured, else RSS."""
        return self.peak_pss_mb or self.peak_rss_mb


@dataclass
class Reference:
    name: str
    articles_measured: int
    articles_per_second: float
    extrapolated_seconds: float


@dataclass
class Ceiling:
    """Extraction alone (no reading, hashing, pickling or writing), in one process and then in
    two at once, each over the same articles: what this machine allows two workers at best.

    Two processes rarely run as fast as one alone, even on two idle cores: they share the
    caches, the memory bandwidth and, on a virtual machine, the host. `speedup` is the most two
    workers could reach here if reading and writing cost nothing.
    """

    articles: int  # per process
    alone_ms_per_article: float  # CPU time, one extraction process, the other core idle
    together_ms_per_article: float  # CPU time of each of two extraction processes running at once

    @property
    def slowdown(self) -> float:
        """How much slower each process extracts when both run (0.12: 12% slower)."""
        return self.together_ms_per_article / self.alone_ms_per_article - 1 if self.alone_ms_per_article else 0.0

    @property
    def speedup(self) -> float:
        return 2 * self.alone_ms_per_article / self.together_ms_per_article if self.together_ms_per_article else 0.0


@dataclass
class BenchReport:
    articles: int
    base_texts: int
    cpus: int
    load_average: float  # before the first run: other work on the machine skews wall-clock rates
    stages: str = "all"
    runs: list[RunMeasure] = field(default_factory=list)
    rerun: RunMeasure | None = None
    reference: Reference | None = None
    memory_scan: list[RunMeasure] = field(default_factory=list)
    ceiling: Ceiling | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.ceiling is not None:
            data["ceiling"].update(slowdown=round(self.ceiling.slowdown, 3), speedup=round(self.ceiling.speedup, 2))
        data["targets"] = self.targets()
        return data

    def targets(self) -> dict[str, dict[str, Any]]:
        """Each target with the measured figure and whether it is met (None: not measured)."""
        found: dict[str, dict[str, Any]] = {}
        one = next((r for r in self.runs if r.workers == 1), None)
        two = next((r for r in self.runs if r.workers == 2), None)
        if one is not None:
            found["rate_one_worker"] = {
                "target": f">= {TARGET_RATE_ONE_WORKER:.0f} articles/s",
                "measured": round(one.articles_per_second, 1),
                "met": one.articles_per_second >= TARGET_RATE_ONE_WORKER,
            }
        if one is not None and one.steady_articles_per_second > 0:
            found["rate_one_worker_after_startup"] = {
                "target": f">= {TARGET_RATE_ONE_WORKER:.0f} articles/s, start-up left out",
                "measured": round(one.steady_articles_per_second, 1),
                "met": one.steady_articles_per_second >= TARGET_RATE_ONE_WORKER,
            }
        if one is not None and two is not None and one.articles_per_second > 0:
            speedup = two.articles_per_second / one.articles_per_second
            found["speedup_two_workers"] = {
                "target": f">= {TARGET_SPEEDUP_TWO_WORKERS}x one worker",
                "measured": round(speedup, 2),
                "met": speedup >= TARGET_SPEEDUP_TWO_WORKERS,
            }
        if one is not None and two is not None and one.steady_articles_per_second > 0:
            speedup = two.steady_articles_per_second / one.steady_articles_per_second
            found["speedup_two_workers_after_startup"] = {
                "target": f">= {TARGET_SPEEDUP_TWO_WORKERS}x one worker, start-up left out",
                "measured": round(speedup, 2),
                "met": speedup >= TARGET_SPEEDUP_TWO_WORKERS,
            }
        if one is not None and two is not None and two.cpu_ms_per_article > 0:
            projected = projected_speedup(one, two, self.cpus)
            found["speedup_two_workers_projected"] = {
                "target": f">= {TARGET_SPEEDUP_TWO_WORKERS}x, from CPU times (idle cores)",
                "measured": round(projected, 2),
                "met": projected >= TARGET_SPEEDUP_TWO_WORKERS,
            }
        if one is not None and self.rerun is not None and one.seconds > 0:
            fraction = self.rerun.seconds / one.seconds
            found["rerun_fraction"] = {
                "target": f"< {TARGET_RERUN_FRACTION} of the first run",
                "measured": round(fraction, 3),
                "met": fraction < TARGET_RERUN_FRACTION,
            }
        if len(self.memory_scan) >= 2:
            low, high = self.memory_scan[0], self.memory_scan[-1]
            growth = high.peak_memory_mb / low.peak_memory_mb - 1 if low.peak_memory_mb else 0.0
            found["memory_growth"] = {
                "target": f"<= {TARGET_MEMORY_GROWTH:.0%} from {low.articles:,} to {high.articles:,} articles",
                "measured": round(growth, 3),
                "met": growth <= TARGET_MEMORY_GROWTH,
            }
        return found


def projected_speedup(one: RunMeasure, many: RunMeasure, cpus: int) -> float:
    """The speedup `many` would reach on `cpus` otherwise idle cores, from CPU times alone.

    The run is as slow as its busiest part: the one parent (reading, hashing, writing), the
    workers sharing the extraction, or all of them sharing the cores. Wall-clock rates on a
    shared machine say more about the neighbours than about the pipeline; CPU times do not.
    """
    parent = many.parent_cpu_ms_per_article
    workers = (many.cpu_ms_per_article - parent) / many.workers
    busiest = max(parent, workers, many.cpu_ms_per_article / max(cpus, 1))
    if busiest <= 0:
        return 0.0
    return one.cpu_ms_per_article / busiest


def benchmark(
    articles: int = 2000,
    workers_list: Sequence[int] = (1, 2),
    memory_scan: Sequence[int] = (),
    *,
    reference_articles: int = 40,
    ceiling_articles: int = 400,
    work_dir: str | Path | None = None,
    stages: bool = True,
    progress: Any = None,
) -> BenchReport:
    """Build the archive, measure every configuration, return the figures.

    `stages=False` measures the machinery alone (read, prepare, store; no extraction stage),
    the ceiling the extractors' cost is taken from.
    """
    say = progress or (lambda message: None)
    with tempfile.TemporaryDirectory(prefix="danvan-bench-") as scratch:
        root = Path(work_dir) if work_dir else Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        bases = base_texts()
        report = BenchReport(
            articles=articles, base_texts=len(bases), cpus=os.cpu_count() or 1, load_average=_load_average(),
            stages="all" if stages else "none (machinery only)",
        )
        largest = max([articles, *memory_scan])
        say(f"writing {largest:,} synthetic articles from {len(bases)} base texts")
        archive = write_archive(root / "archive", largest, bases)
        # The archive's pages are still being written out to disk: without waiting here, that
        # writeback would slow the first measured run alone.
        if hasattr(os, "sync"):
            os.sync()

        for workers in workers_list:
            say(f"run: {articles:,} articles, {workers} worker(s)")
            db = root / f"run-{workers}.db"
            report.runs.append(measure_run(_inputs_for(archive, articles), db, workers=workers, stages=stages))
            if workers == workers_list[0]:
                say("re-run over the same articles (all already stored)")
                report.rerun = measure_run(_inputs_for(archive, articles), db, workers=workers, stages=stages)
            db.unlink(missing_ok=True)

        if reference_articles > 0:
            say(f"reference: underthesea word_tokenize over {min(reference_articles, articles)} articles")
            report.reference = measure_word_tokenize(articles, min(reference_articles, articles), bases)

        if ceiling_articles > 0 and stages:
            count = min(ceiling_articles, articles)
            say(f"ceiling: extraction alone over {count} articles, in one process, then in two at once")
            report.ceiling = measure_ceiling(count)

        scan_workers = max(workers_list)
        for size in sorted(memory_scan):
            say(f"memory: {size:,} articles, {scan_workers} worker(s)")
            db = root / f"scan-{size}.db"
            report.memory_scan.append(
                measure_run(_inputs_for(archive, size), db, workers=scan_workers, stages=stages)
            )
            db.unlink(missing_ok=True)
    return report


def _inputs_for(archive: Path, count: int) -> list[Path]:
    """The first `count` articles of the archive: whole folders, then single files."""
    full = count // FILES_PER_FOLDER
    inputs = [archive / f"{folder:04d}" for folder in range(full)]
    inputs += [archive / f"{full:04d}" / f"{index:07d}.txt" for index in range(full * FILES_PER_FOLDER, count)]
    return inputs


def measure_run(
    inputs: Sequence[Path], db: Path, *, workers: int, engine: str = "local", stages: bool = True
) -> RunMeasure:
    """One `run` in a fresh process; its tree's memory sampled from here."""
    import psutil

    from pipeline.engines import NO_STAGES_ENV

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as listing:
        listing.write("\n".join(str(p) for p in inputs))  # a list of 50 paths or 50,000
    command = [sys.executable, "-m", "pipeline.bench", "--child", str(db), str(workers), engine, listing.name]
    started = time.perf_counter()
    env = dict(os.environ)
    env.pop(NO_STAGES_ENV, None)
    if not stages:
        env[NO_STAGES_ENV] = "1"
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    sampler = _TreeSampler(psutil.Process(child.pid))
    sampler.start()
    out, err = child.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    os.unlink(listing.name)
    if child.returncode != 0:
        raise RuntimeError(f"benchmark run failed ({child.returncode}): {err.strip().splitlines()[-1:]}")
    figures = json.loads(out.strip().splitlines()[-1])
    stored = figures["stored"]
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))  # the db, -wal and -shm
    read = figures["read"]
    return RunMeasure(
        articles=read,
        workers=workers,
        engine=engine,
        seconds=round(figures["seconds"], 3),
        wall_seconds=round(wall, 3),
        articles_per_second=round(read / figures["seconds"], 1) if figures["seconds"] else 0.0,
        startup_seconds=round(figures["first_results_seconds"] or 0.0, 2),
        steady_articles_per_second=round(figures["steady_articles_per_second"] or 0.0, 1),
        cpu_ms_per_article=_per_article(sampler.cpu_seconds - figures["cpu_before_run"], read),
        parent_cpu_ms_per_article=_per_article(
            sampler.cpu_by_pid.get(child.pid, 0.0) - figures["cpu_before_run"], read
        ),
        peak_rss_mb=round(sampler.peak / 2**20, 1),
        peak_pss_mb=round(sampler.peak_pss / 2**20, 1),
        db_bytes_per_article=round(size / stored) if stored else 0.0,
        stored=stored,
        skipped=figures["skipped"],
        failed=figures["failed"],
        figures=figures["figures"],
    )


def _per_article(seconds: float, articles: int) -> float:
    return round(1000 * max(seconds, 0.0) / articles, 2) if articles else 0.0


class _TreeSampler(threading.Thread):
    """Samples a process and all its descendants: the highest total resident memory, and the
    CPU time of every process seen (workers forked by a fork server are not our children, so
    the CPU they used is only known by looking at them while they live)."""

    def __init__(self, process: Any) -> None:
        super().__init__(daemon=True)
        self.process = process
        self.peak = 0
        self.peak_pss = 0  # stays 0 where the system gives no PSS
        self.cpu_by_pid: dict[int, float] = {}
        self._stop_event = threading.Event()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_by_pid.values())

    def run(self) -> None:
        import psutil

        while not self._stop_event.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
            except psutil.Error:
                return
            total = total_pss = 0
            for proc in tree:
                with contextlib.suppress(psutil.Error):  # a worker that just exited
                    total += proc.memory_info().rss
                    times = proc.cpu_times()
                    self.cpu_by_pid[proc.pid] = times.user + times.system
                    total_pss += getattr(proc.memory_full_info(), "pss", 0)
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, total_pss)
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure_word_tokenize(articles: int, sample: int, bases: Sequence[str]) -> Reference:
    """underthesea's word segmentation over `sample` of the articles, extrapolated to all."""
    from underthesea import word_tokenize

    texts = [raw.text for raw in synthetic_documents(sample, bases)]
    word_tokenize(texts[0])  # loads the model: not part of the rate
    started = time.perf_counter()
    for text in texts:
        word_tokenize(text)
    seconds = time.perf_counter() - started
    rate = sample / seconds if seconds else 0.0
    return Reference(
        name="underthesea.word_tokenize",
        articles_measured=sample,
        articles_per_second=round(rate, 2),
        extrapolated_seconds=round(articles / rate, 1) if rate else 0.0,
    )


def measure_ceiling(articles: int, rounds: int = CEILING_ROUNDS) -> Ceiling:
    """Extraction alone in one process, then in two at once, `rounds` times over (`Ceiling`).

    The same two children serve every round, so the stages are built once. The machine's speed
    drifts with its neighbours' load: alternating "alone" and "together" and averaging each
    keeps that drift out of their ratio.
    """
    command = [sys.executable, "-m", "pipeline.bench", "--extract-only", str(articles)]
    children = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        for child in children:
            _expect_line(child)  # "ready": stages built, articles prepared
        alone: list[float] = []
        together: list[float] = []
        for _ in range(rounds):
            alone.extend(_extract_together(children[:1]))
            together.extend(_extract_together(children))
    finally:
        for child in children:  # closing its input ends a child; one that hangs is killed
            try:
                child.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
    return Ceiling(
        articles=articles,
        alone_ms_per_article=round(sum(alone) / len(alone), 3),
        together_ms_per_article=round(sum(together) / len(together), 3),
    )


def _extract_together(children: Sequence[subprocess.Popen[str]]) -> list[float]:
    """Tell `children` to extract at the same moment; the CPU ms per article each reports."""
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    return [json.loads(_expect_line(child))["cpu_ms_per_article"] for child in children]


def _expect_line(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:  # the child ended: say why in one line
        child.wait()
        assert child.stderr is not None
        errors = child.stderr.read().strip().splitlines()
        raise RuntimeError(f"benchmark extraction failed ({child.returncode}): {errors[-1] if errors else 'no message'}")
    return line.strip()


def _extract_only(articles: int) -> None:
    """Inside a ceiling child: prepare, say ready, then extract once per "go" and print the CPU
    time per article, until standard input closes."""
    from pipeline.engines import extract_chunk, warm_up
    from pipeline.runner import identified

    raws = [identified(raw)[1] for raw in synthetic_documents(articles)]
    warm_up()
    print("ready", flush=True)
    for _ in sys.stdin:
        started = time.process_time()
        for begin in range(0, len(raws), 32):
            extract_chunk(raws[begin : begin + 32])
        cpu = time.process_time() - started
        print(json.dumps({"cpu_ms_per_article": 1000 * cpu / max(articles, 1)}), flush=True)


def _load_average() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not on every platform
        return 0.0


def format_report(report: BenchReport) -> str:
    lines = [
        f"benchmark: {report.articles:,} synthetic articles varied from {report.base_texts} base texts; "
        f"extraction stages: {report.stages}; {report.cpus} CPUs, load average {report.load_average} before the runs",
        "",
        f"{'workers':>7}  {'articles/s':>10}  {'run s':>7}  {'start-up s':>10}  {'after start-up/s':>16}  "
        f"{'process s':>9}  {'CPU ms/article':>14}  "
        f"{'of it parent':>12}  {'peak RSS MB':>11}  {'peak PSS MB':>11}  {'DB bytes/article':>16}  {'figures':>8}",
    ]
    for r in report.runs:
        lines.append(
            f"{r.workers:>7}  {r.articles_per_second:>10.1f}  {r.seconds:>7.1f}  {r.startup_seconds:>10.1f}  "
            f"{r.steady_articles_per_second:>16.1f}  {r.wall_seconds:>9.1f}  "
            f"{r.cpu_ms_per_article:>14.2f}  {r.parent_cpu_ms_per_article:>12.2f}  {r.peak_rss_mb:>11.0f}  {r.peak_pss_mb:>11.0f}  "
            f"{r.db_bytes_per_article:>16,.0f}  {r.figures:>8,}"
        )
    if report.rerun is not None:
        lines.append(
            f"\nre-run over the same {report.rerun.articles:,} articles (all already stored): "
            f"{report.rerun.seconds:.2f} s, {report.rerun.skipped:,} skipped"
        )
    if report.reference is not None:
        ref = report.reference
        lines.append(
            f"reference, {ref.name}: {ref.articles_per_second:.1f} articles/s "
            f"(measured on {ref.articles_measured}, extrapolated {ref.extrapolated_seconds:,.0f} s "
            f"for {report.articles:,})"
        )
    if report.memory_scan:
        lines.append("\npeak memory of the process tree (PSS where measured, else RSS) by archive size:")
        for r in report.memory_scan:
            lines.append(
                f"  {r.articles:>9,} articles, {r.workers} worker(s): {r.peak_memory_mb:.0f} MB "
                f"({r.articles_per_second:.0f} articles/s)"
            )
    if report.ceiling is not None:
        ceiling = report.ceiling
        lines.append(
            f"\nceiling on this machine, extraction alone (no reading or writing) over {ceiling.articles} articles: "
            f"one process {ceiling.alone_ms_per_article:.2f} CPU ms/article; two at once "
            f"{ceiling.together_ms_per_article:.2f} each ({ceiling.slowdown:+.0%}): two workers could reach "
            f"{ceiling.speedup:.2f}x one at most, before the parent reads and writes"
        )
    lines.append("\ntargets:")
    for name, target in report.targets().items():
        verdict = "met" if target["met"] else "NOT met"
        lines.append(f"  {name:<34} {target['target']:<46} measured {target['measured']}: {verdict}")
    lines.append(
        "\nrates are wall-clock inside the run (engine start-up included, interpreter start-up not; "
        "'after start-up' counts from the first extracted articles back to the end); "
        "other load on the machine lowers them. CPU ms/article counts every process of the run, "
        "'of it parent' the one that reads and writes; the projected speedup uses only CPU times"
    )
    return "\n".join(lines)


def _child(argv: Sequence[str]) -> None:
    """Inside the measured process: run, then print the summary as one JSON line."""
    from pipeline.runner import run

    db, workers, engine, listing = argv
    inputs = [line for line in Path(listing).read_text(encoding="utf-8").splitlines() if line]
    # The interpreter's start and imports are not the run's cost: the sampler subtracts this.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    summary = run(inputs, db, workers=int(workers), engine=engine, quiet=True)
    print(
        json.dumps(
            {
                "read": summary.read,
                "stored": summary.stored,
                "skipped": summary.skipped,
                "failed": summary.failed,
                "figures": summary.figures,
                "seconds": summary.seconds,
                "first_results_seconds": summary.first_results_seconds,
                "steady_articles_per_second": summary.steady_articles_per_second,
                "cpu_before_run": usage.ru_utime + usage.ru_stime,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "--extract-only":
        _extract_only(int(sys.argv[2]))
    else:
        sys.exit("usage: python run_pipeline.py bench --help")
