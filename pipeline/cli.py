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
@click.option("--batch-size", default=200, show_default=True, help="Articles per write transaction.")
def run(inputs: tuple[Path, ...], db_path: Path, quiet: bool, batch_size: int) -> None:
    """Read INPUTS (files, folders; default: the bundled sample corpus), extract, store.

    Re-running over the same inputs stores nothing twice: articles are keyed by a hash of
    their cleaned text. Inputs that cannot be read are recorded in the `failures` table and
    make the exit status 1, after everything else is saved.
    """
    from pipeline.runner import run as run_pipeline
    from pipeline.store import StoreError

    paths = list(inputs) or [SAMPLE_TEXTS]
    try:
        summary = run_pipeline(paths, db_path, quiet=quiet, batch_size=batch_size)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    for source, reason in summary.failures:
        click.echo(f"failed: {source}: {reason}", err=True)
    if not quiet:
        click.echo(
            f"articles read {summary.read}, stored {summary.stored}, "
            f"already present {summary.skipped}, failed {summary.failed}, "
            f"figures {summary.figures}  ->  {db_path}"
        )
        _print_found(db_path)
    sys.exit(summary.exit_code)


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
def check(db_path: Path, fail_on: str, quiet: bool) -> None:
    """Check the stored figures (sums, orders, conflicts, plausibility); fill `checks`."""
    from pipeline.checks import format_findings, run_checks

    findings = run_checks(db_path)
    click.echo(format_findings(findings, db_path=db_path, summary_only=quiet))
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
def compare(db_path: Path, csv_path: Path | None, chart_path: Path | None, structure: str,
            year: int | None, period: str | None) -> None:
    """One row per province, columns per field and status (province-scope figures only)."""
    from pipeline.compare import compare_provinces, format_table, write_chart

    table = compare_provinces(db_path, structure=structure, year=year, period=period)
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
