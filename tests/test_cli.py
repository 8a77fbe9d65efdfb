"""The command line: help everywhere, exit codes 0/1/2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from tests.conftest import ROOT, SEEDS_DIR, SEEDS_GOLD, require_shared


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_pipeline.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    doc = cli.commands[command].help or ""
    assert doc.strip(), f"{command} has no help text"


def test_contract_commands_exist() -> None:
    assert {"run", "export", "check", "compare", "evaluate"} <= set(cli.commands)


def test_wrong_usage_exits_2_without_traceback() -> None:
    result = run_cli("run", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_missing_database_is_one_line(tmp_path: Path) -> None:
    result = run_cli("check", "--db", str(tmp_path / "absent.db"))
    assert result.returncode == 2  # click validates the path exists: usage error
    assert "Traceback" not in result.stderr


def test_run_on_bundled_sample(tmp_path: Path) -> None:
    db = tmp_path / "out.db"
    result = run_cli("run", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "stored" in result.stdout
    again = run_cli("run", "--db", str(db))
    assert again.returncode == 0
    assert "stored 0" in again.stdout


def test_unreadable_input_is_a_failure_row_and_exit_1(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("Năm 2023, toàn tỉnh có 1.280 mô hình được công nhận.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    db = tmp_path / "out.db"
    result = run_cli("run", str(folder), "--db", str(db), "--quiet")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        reasons = dict(conn.execute("SELECT source, reason FROM failures").fetchall())
    assert any(s.endswith("empty.txt") for s in reasons)
    assert any(s.endswith("image.png") and "PNG" in r for s, r in reasons.items())


def test_evaluate_prints_scores_and_misses() -> None:
    require_shared()
    result = run_cli("evaluate", "--gold", str(SEEDS_GOLD), "--texts", str(SEEDS_DIR))
    assert result.returncode == 0, result.stderr
    for kind in ("model_counts", "awards", "officials", "titles", "province", "publish_date", "period"):
        assert kind in result.stdout
