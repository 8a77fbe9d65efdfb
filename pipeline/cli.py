"""The command line: a thin layer over the library (`pipeline.api`, `runner`, `checks`, ...).

Exit status: 0 all inputs processed; 1 some could not be (each in `failures`), or a command
failed with a one-line reason; 2 wrong usage. No command prints a Python traceback: `main`
turns every error into one line on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from corpora import SAMPLE_TEXTS

DEFAULT_DB = Path("out/pipeline.db")
F = TypeVar("F", bound=Callable[..., Any])


class CommandError(click.ClickException):
    """A failure worth one line to the user; exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def db_option(exists: bool = True) -> Callable[[F], F]:
    """The shared `--db` option (sqlite-utils habit: one decorator, every command)."""

    def decorate(func: F) -> F:
        return click.option(
            "--db",
            "db_path",
            type=click.Path(dir_okay=False, path_type=Path, exists=exists),
            default=DEFAULT_DB,
            show_default=True,
            help="SQLite database of extracted figures.",
        )(func)

    return decorate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Turn Vietnamese provincial press reports into checked, comparable statistics."""


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@db_option(exists=False)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(min=1),
              help="Articles per write transaction.")
@click.option("--workers", "-w", type=click.IntRange(min=1),
              help="Extraction processes (local engine; default 1, in this process) or the number of "
                   "workers of the local Dask cluster (dask engine without --scheduler; default 2).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: this machine's processes, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler to send extraction to, e.g. tcp://host:8786 (with --engine dask; "
                   "without it a local cluster is started).")
@click.option("--chunk-size", default=32, show_default=True, type=click.IntRange(min=1),
              help="Articles per task sent to a worker.")
@click.option("--busy-timeout", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for another run writing the same database before giving up.")
@click.option("--text-field", "text_fields", multiple=True, metavar="NAME",
              help="JSON Lines key / CSV column holding the article text (repeatable or comma-separated; "
                   "the first present wins). Default: text, content, body.")
@click.option("--url-field", "url_fields", multiple=True, metavar="NAME",
              help="Key/column holding the article URL (its source). Default: url, link.")
@click.option("--title-field", "title_fields", multiple=True, metavar="NAME",
              help="Key/column holding the title. Default: title.")
@click.option("--date-field", "date_fields", multiple=True, metavar="NAME",
              help="Key/column holding the publish date. Default: date, published, publish_date.")
def run(inputs: tuple[Path, ...], db_path: Path, quiet: bool, batch_size: int, workers: int | None,
        engine: str, scheduler: str | None, chunk_size: int, busy_timeout: float,
        text_fields: tuple[str, ...], url_fields: tuple[str, ...], title_fields: tuple[str, ...],
        date_fields: tuple[str, ...]) -> None:
    """Read INPUTS (files, folders; default: the bundled sample corpus), extract, store.

    INPUTS may be text, HTML, JSON Lines/JSON, CSV/TSV, ZIP/tar archives and WARC web
    archives; text may be UTF-8, UTF-16, Windows-1258 or TCVN3 (.VnTime).

    Re-running over the same inputs stores nothing twice: articles are keyed by a hash of
    their cleaned text, and those already stored are skipped before extraction, so a run that
    was interrupted simply continues. Inputs that cannot be read are recorded in the `failures`
    table and make the exit status 1, after everything else is saved.

    \b
    Examples:
      run archive/ --db out/pipeline.db --workers 4
      run archive/ --engine dask                              # local Dask cluster
      run archive/ --engine dask --scheduler tcp://host:8786  # a real cluster
    """
    from corpora.readers import ReaderOptions
    from pipeline.engines import EngineError
    from pipeline.runner import run as run_pipeline
    from pipeline.store import StoreError

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    paths = list(inputs) or [SAMPLE_TEXTS]
    try:
        summary = run_pipeline(
            paths, db_path, quiet=quiet, batch_size=batch_size, workers=workers, engine=engine,
            scheduler=scheduler, chunk_size=chunk_size, busy_timeout=busy_timeout,
            reader_options=ReaderOptions.from_cli(text_fields, url_fields, title_fields, date_fields),
        )
    except (StoreError, EngineError) as exc:
        raise CommandError(str(exc)) from exc
    for source, reason in summary.failures:
        click.echo(f"failed: {source}: {reason}", err=True)
    if not quiet:
        click.echo(
            f"articles read {summary.read}, stored {summary.stored}, "
            f"already present {summary.skipped}, failed {summary.failed}, "
            f"figures {summary.figures}  ->  {db_path}"
        )
        click.echo(
            f"{summary.seconds:.1f} s, {summary.articles_per_second:.0f} articles/s "
            f"({summary.engine} engine, {summary.workers} worker{'s' if summary.workers != 1 else ''})"
        )
        _print_found(db_path)
    sys.exit(summary.exit_code)


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: expected whole numbers separated by commas") from exc
    if not values or min(values) < 1:
        raise click.BadParameter(f"{text!r}: expected numbers of at least 1")
    return values


@cli.command()
@click.option("--articles", "-n", default=2000, show_default=True, type=click.IntRange(min=1),
              help="Synthetic articles per measured run.")
@click.option("--workers-list", default="1,2", show_default=True,
              help="Worker counts to measure, comma-separated.")
@click.option("--memory-scan", default="", metavar="SIZES",
              help="Also measure peak memory at these archive sizes, e.g. 1000,50000 (slow).")
@click.option("--reference-articles", default=40, show_default=True, type=click.IntRange(min=0),
              help="Articles for the underthesea word_tokenize reference (0: skip it).")
@click.option("--ceiling-articles", type=click.IntRange(min=0), default=400, show_default=True,
              help="Articles for the machine's ceiling: extraction alone in one process, then in two at "
                   "once (0: skip it).")
@click.option("--keep", "keep_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Build the archive and databases here and keep them (default: a temporary folder).")
@click.option("--no-stages", is_flag=True,
              help="Run no extraction stage: the machinery alone (read, prepare, store), its ceiling.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench(articles: int, workers_list: str, memory_scan: str, reference_articles: int, ceiling_articles: int,
          keep_dir: Path | None, no_stages: bool, as_json: bool) -> None:
    """Measure throughput and memory on a synthetic archive built from the sample corpus.

    Reports, on the same articles: end-to-end articles per second for each worker count,
    CPU time per article, peak memory of the process tree, database bytes per article, the
    time of a re-run that finds everything stored, underthesea's word_tokenize rate as a
    reference, and the machine's ceiling for two workers (extraction alone, in one process and
    in two at once). Each run is a fresh process; other load on the machine lowers the rates.
    """
    from pipeline.bench import benchmark, format_report

    workers = _int_list(workers_list)
    sizes = _int_list(memory_scan) if memory_scan else []
    if len(sizes) == 1:
        raise click.BadParameter("give two sizes or more, e.g. 1000,50000", param_hint="--memory-scan")

    def say(message: str) -> None:
        click.echo(f"bench: {message}", err=True)

    try:
        report = benchmark(articles, workers, sizes, reference_articles=reference_articles,
                           ceiling_articles=ceiling_articles, work_dir=keep_dir, stages=not no_stages, progress=say)
    except RuntimeError as exc:
        raise CommandError(str(exc)) from exc
    if as_json:
        import json

        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@db_option(exists=False)
def merge(sources: tuple[Path, ...], db_path: Path) -> None:
    """Merge databases written by separate runs (SOURCES) into --db.

    Spread a large archive over machines without a cluster: run each part where it is, then
    merge. Articles already in --db (same content hash) are kept once; failures are merged too;
    run `check` afterwards to recompute the checks over everything.
    """
    from pipeline.merge import merge_databases
    from pipeline.store import StoreError

    try:
        merged = merge_databases(db_path, sources)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    for path, stats in merged:
        click.echo(f"{path}: added {stats.stored} articles ({stats.figures} figures), "
                   f"{stats.skipped} already present")
    click.echo(f"merged {len(merged)} database{'s' if len(merged) != 1 else ''} into {db_path}")


def _print_found(db_path: Path) -> None:
    from pipeline.store import Store

    with Store.open_existing(db_path) as store:
        rows = store.query(
            """SELECT coalesce(a.province, '?') AS province, count(DISTINCT a.id) AS articles,
                      count(m.id) AS model_counts,
                      coalesce(sum(CASE WHEN m.field = 'total' AND m.status = 'registered'
                                   THEN m.count END), 0) AS registered_total,
                      coalesce(sum(CASE WHEN m.field = 'total' AND m.status = 'recognised'
                                   THEN m.count END), 0) AS recognised_total
               FROM articles a LEFT JOIN model_counts m ON m.article_id = a.id
               GROUP BY 1 ORDER BY 1"""
        )
    if not rows:
        return
    from tabulate import tabulate

    click.echo(tabulate(rows, headers="keys", tablefmt="simple"))


@cli.command()
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Gold JSON Lines in the format of shared/gold/seeds.jsonl.")
@click.option("--texts", "texts_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder holding <id>.txt for gold items without a `text` field "
                   "(default: a `texts` folder beside the gold file, else the gold file's folder).")
@click.option("--misses/--no-misses", default=True, show_default=True, help="List each miss with its sentence.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(gold_path: Path, texts_dir: Path | None, misses: bool, as_json: bool) -> None:
    """Score extraction against gold: P/R/F1 per kind, accuracy per article fact, each miss."""
    from pipeline.evaluate import EvaluationError, evaluate_gold, format_report

    try:
        report = evaluate_gold(gold_path, texts_dir)
    except EvaluationError as exc:
        raise CommandError(str(exc)) from exc
    if as_json:
        import json

        click.echo(json.dumps(report.scores_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, show_misses=misses))


@cli.command()
@db_option()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the CSV files.")
@click.option("--parquet/--no-parquet", default=True, show_default=True,
              help="Also write Parquet files when pyarrow is installed.")
def export(db_path: Path, out_dir: Path, parquet: bool) -> None:
    """Write every table as CSV (UTF-8 with BOM) plus a flat figures.csv with evidence."""
    from pipeline.export import export_all

    written = export_all(db_path, out_dir, parquet=parquet)
    for path in written:
        click.echo(str(path))


@cli.command()
@db_option()
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="never", show_default=True,
              help="Exit 1 when a finding of this severity (or worse) exists.")
@click.option("--quiet", "-q", is_flag=True, help="Only the counts, not the report.")
@click.option("--gold", "gold_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also score the findings against this gold file's `expected_checks` "
                   "(articles matched by input file stem = gold id).")
def check(db_path: Path, fail_on: str, quiet: bool, gold_path: Path | None) -> None:
    """Check the stored figures (sums, orders, conflicts, plausibility); fill `checks`."""
    from pipeline.checks import (
        article_ids_by_stem,
        format_findings,
        load_gold,
        run_checks,
        score_against_gold,
    )
    from pipeline.store import StoreError

    try:
        findings = run_checks(db_path)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(format_findings(findings, db_path=db_path, summary_only=quiet))
    if gold_path:
        score = score_against_gold(findings, load_gold(gold_path), article_ids_by_stem(db_path))
        click.echo("")
        click.echo(score.format())
    levels = {"error": {"error"}, "warning": {"error", "warning"}, "never": set()}[fail_on]
    if any(f.severity in levels for f in findings):
        sys.exit(1)


@cli.command()
@db_option()
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the table as CSV.")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False, path_type=Path), help="Write a PNG chart.")
@click.option("--structure", type=click.Choice(["legacy", "2025"]), default="legacy", show_default=True,
              help="Provinces before the 2025 merger (63) or after it (34).")
@click.option("--year", type=int, help="Only figures whose reported period contains this year.")
@click.option("--period", help="Only figures of this reported period, e.g. 2021-2025.")
@click.option("--cumulative", is_flag=True, help="Compare running totals (từ năm 2009 đến nay) instead.")
def compare(db_path: Path, csv_path: Path | None, chart_path: Path | None, structure: str,
            year: int | None, period: str | None, cumulative: bool) -> None:
    """One row per province, columns per field and status (province-scope figures only).

    Several articles giving the same province and period: the latest published wins
    (`sources` counts them, `disagreements` counts the cells where they differed).
    """
    from pipeline.compare import CompareError, compare_provinces, format_table, write_chart

    try:
        table = compare_provinces(db_path, structure=structure, year=year, period=period, cumulative=cumulative)
    except CompareError as exc:
        raise CommandError(str(exc)) from exc
    if csv_path:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(csv_path, encoding="utf-8-sig", index=False)
    if chart_path:
        write_chart(table, chart_path, structure=structure)
    click.echo(format_table(table))


@cli.command()
@db_option()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the static HTML review pages.")
def report(db_path: Path, out_dir: Path) -> None:
    """Write static HTML review pages: each article with its figures highlighted."""
    from pipeline.report import write_report

    index = write_report(db_path, out_dir)
    click.echo(str(index))


def main(argv: list[str] | None = None) -> None:
    """Entry point: no traceback ever reaches the user."""
    try:
        cli.main(args=argv, prog_name="run_pipeline.py", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # the last guard: one line, never a traceback
        name = type(exc).__name__
        click.echo(f"error: {name}: {exc}", err=True)
        sys.exit(1)
