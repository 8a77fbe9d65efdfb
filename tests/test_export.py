"""Export: every table as CSV with a BOM, Parquet beside it, and the flat figures file."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.export import FIGURE_COLUMNS, export_all, parquet_available
from schemas.tables import TABLES
from tests.figures_db import Article, Count, build_db

AWARD = {"award": "Bằng khen", "giver": "Chủ tịch UBND tỉnh", "collectives": 20, "individuals": 10,
         "combined": None, "qualifier": "exact"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_db(tmp_path / "e.db", [
        Article("ha_nam", [Count(1635), Count(451, "registered", "economy")], extra_text="Tặng 20 tập thể Bằng khen.",
                awards=[AWARD]),
        Article("no_period", [Count(12, "recognised")], province=None, province_2025=None, period=None,
                publish_date=None),
    ])


def test_every_table_is_written_as_csv_with_a_bom(db: Path, tmp_path: Path) -> None:
    written = export_all(db, tmp_path / "out", parquet=False)
    names = {p.name for p in written}
    assert names == {f"{t}.csv" for t in TABLES} | {"figures.csv"}
    for path in written:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
        header = next(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        if path.stem in TABLES:
            assert set(TABLES[path.stem][0]) <= set(header), path


def test_vietnamese_and_integers_survive(db: Path, tmp_path: Path) -> None:
    export_all(db, tmp_path / "out", parquet=False)
    articles = (tmp_path / "out" / "articles.csv").read_text(encoding="utf-8-sig")
    assert "Hà Nam" in articles and "2023.0" not in articles  # NULL periods elsewhere do not make floats
    counts = pd.read_csv(tmp_path / "out" / "model_counts.csv", encoding="utf-8-sig")
    assert sorted(counts["count"]) == [12, 451, 1635]


def test_figures_file_joins_counts_and_awards_with_their_evidence(db: Path, tmp_path: Path) -> None:
    export_all(db, tmp_path / "out", parquet=False)
    figures = pd.read_csv(tmp_path / "out" / "figures.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(figures.columns) == FIGURE_COLUMNS
    assert sorted(figures["kind"]) == ["award", "model_count", "model_count", "model_count"]
    total = figures[(figures["kind"] == "model_count") & (figures["count"] == "1635")].iloc[0]
    assert total["evidence"] == "1.635"
    assert "1.635" in total["sentence"]
    assert total["province"] == "Hà Nam" and total["province_2025"] == "Ninh Bình"
    assert total["scope_level"] == "province" and total["period_start"] == "2023"
    assert total["source"] == "ha_nam.txt" and total["title"].startswith("Bài ha_nam")
    award = figures[figures["kind"] == "award"].iloc[0]
    assert (award["award"], award["giver"], award["collectives"], award["individuals"]) == (
        "Bằng khen", "Chủ tịch UBND tỉnh", "20", "10")
    assert award["evidence"] == "20"


@pytest.mark.skipif(not parquet_available(), reason="pyarrow is not installed")
def test_parquet_beside_csv(db: Path, tmp_path: Path) -> None:
    written = export_all(db, tmp_path / "out")
    assert {p.name for p in written if p.suffix == ".parquet"} == {f"{t}.parquet" for t in TABLES} | {"figures.parquet"}
    figures = pd.read_parquet(tmp_path / "out" / "figures.parquet")
    assert len(figures) == 4
    assert str(figures["count"].dtype) == "Int64"


def test_an_empty_database_exports_headers(tmp_path: Path) -> None:
    db = build_db(tmp_path / "empty.db", [])
    export_all(db, tmp_path / "out", parquet=False)
    header = (tmp_path / "out" / "figures.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",") == FIGURE_COLUMNS


def test_export_command(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--out", str(tmp_path / "o"), "--no-parquet"])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "o" / "figures.csv") in result.output
    assert not list((tmp_path / "o").glob("*.parquet"))
