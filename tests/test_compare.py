"""The province comparison: selection rules, the 2025 merger, the table and the chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.compare import (
    CompareError,
    compare_provinces,
    format_table,
    parse_period,
    predecessors_2025,
    write_chart,
)
from tests.figures_db import Article, Count, build_db


def province(id_: str, name: str, new: str, registered: int, recognised: int, **kw: Any) -> Article:
    return Article(id_, [Count(registered), Count(recognised, "recognised")], province=name, province_2025=new, **kw)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_db(tmp_path / "c.db", [
        province("ha_nam_new", "Hà Nam", "Ninh Bình", 1635, 1200, publish_date="2024-01-20"),
        province("ha_nam_old", "Hà Nam", "Ninh Bình", 1600, 1200, publish_date="2023-12-01"),
        province("nam_dinh", "Nam Định", "Ninh Bình", 2100, 1500),
        province("ninh_binh", "Ninh Bình", "Ninh Bình", 980, 700),
        province("bac_kan", "Bắc Kạn", "Thái Nguyên", 2537, 1280),
        province("bac_kan_2022", "Bắc Kạn", "Thái Nguyên", 2400, 1100, period=(2022, 2022), publish_date="2023-01-05"),
        province("bac_kan_5y", "Bắc Kạn", "Thái Nguyên", 9000, 6000, period=(2021, 2025), publish_date="2025-06-01"),
        Article("phu_ly", [Count(187)], province="Hà Nam", province_2025="Ninh Bình",
                scope_level="district", scope_name="Phủ Lý"),
        Article("agency", [Count(101)], province="Yên Bái", province_2025="Lào Cai",
                scope_level="agency", scope_name="Đảng bộ Khối"),
        Article("running", [Count(20000, cumulative=True)], province="Nam Định", province_2025="Ninh Bình",
                period=(2009, 2023)),
    ])


def row(table: pd.DataFrame, name: str) -> pd.Series:
    found = table[table["province"] == name]
    assert len(found) == 1, table
    return found.iloc[0]


def test_one_row_per_province_from_province_scope_only(db: Path) -> None:
    table = compare_provinces(db, year=2023)
    assert sorted(table["province"]) == ["Bắc Kạn", "Hà Nam", "Nam Định", "Ninh Bình"]
    assert "Yên Bái" not in set(table["province"])  # only an agency's figures there
    assert row(table, "Nam Định")["registered_total"] == 2100  # not the running total 20000


def test_latest_publish_date_wins_and_sources_are_counted(db: Path) -> None:
    hanam = row(compare_provinces(db, year=2023), "Hà Nam")
    assert hanam["registered_total"] == 1635  # 2024-01-20 beats 2023-12-01
    assert hanam["sources"] == 2
    assert hanam["disagreements"] == 1  # registered differs, recognised agrees
    assert hanam["province_2025"] == "Ninh Bình"


def test_year_picks_the_narrowest_period_containing_it(db: Path) -> None:
    assert row(compare_provinces(db, year=2023), "Bắc Kạn")["registered_total"] == 2537
    assert row(compare_provinces(db, year=2022), "Bắc Kạn")["registered_total"] == 2400
    assert row(compare_provinces(db, year=2024), "Bắc Kạn")["period"] == "2021-2025"


def test_period_selects_exactly(db: Path) -> None:
    table = compare_provinces(db, period="2021-2025")
    assert list(table["province"]) == ["Bắc Kạn"]
    assert table.iloc[0]["registered_total"] == 9000
    assert compare_provinces(db, period="2019").empty


def test_without_selection_each_province_takes_its_latest_period(db: Path) -> None:
    table = compare_provinces(db)
    assert row(table, "Bắc Kạn")["period"] == "2021-2025"
    assert row(table, "Hà Nam")["period"] == "2023"


def test_running_totals_on_request(db: Path) -> None:
    table = compare_provinces(db, cumulative=True)
    assert list(table["province"]) == ["Nam Định"] and table.iloc[0]["registered_total"] == 20000


def test_2025_structure_sums_predecessors_and_names_them(db: Path) -> None:
    table = compare_provinces(db, structure="2025", year=2023)
    ninh_binh = row(table, "Ninh Bình")
    assert ninh_binh["registered_total"] == 1635 + 2100 + 980
    assert ninh_binh["predecessors"] == "Hà Nam, Nam Định, Ninh Bình"
    assert ninh_binh["predecessors_missing"] == ""
    thai_nguyen = row(table, "Thái Nguyên")
    assert thai_nguyen["predecessors"] == "Bắc Kạn"
    assert thai_nguyen["predecessors_missing"] == "Thái Nguyên"  # the sum covers only Bắc Kạn: said so
    assert thai_nguyen["registered_total"] == 2537


def test_a_column_some_predecessors_lack_stays_blank(tmp_path: Path) -> None:
    db = build_db(tmp_path / "c.db", [
        Article("a", [Count(100), Count(40, "registered", "economy")], province="Hà Nam", province_2025="Ninh Bình"),
        Article("b", [Count(200)], province="Nam Định", province_2025="Ninh Bình"),
    ])
    merged = row(compare_provinces(db, structure="2025"), "Ninh Bình")
    assert merged["registered_total"] == 300
    assert pd.isna(merged["registered_economy"])


def test_predecessors_cover_the_34_provinces() -> None:
    mapping = predecessors_2025()
    assert len(mapping) == 34
    assert sum(len(v) for v in mapping.values()) == 63
    assert mapping["Ninh Bình"] == ["Hà Nam", "Nam Định", "Ninh Bình"]
    assert "Thừa Thiên Huế" in mapping["Huế"]


def test_periods_parse() -> None:
    assert parse_period("2021-2025") == (2021, 2025)
    assert parse_period("2021–2025") == (2021, 2025)
    assert parse_period("2023") == (2023, 2023)
    with pytest.raises(CompareError):
        parse_period("2025-2021")


def test_table_reads_well(db: Path) -> None:
    text = format_table(compare_provinces(db, year=2023))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["province", "province_2025", "period"]
    assert "1.635" in text and "2.537" in text  # thousands as a Vietnamese reader writes them
    assert [line.split()[0] for line in lines[2:]] == ["Bắc", "Hà", "Nam", "Ninh"]
    assert format_table(compare_provinces(db, period="2019")).startswith("no province-level figures")


def test_chart_is_a_png(db: Path, tmp_path: Path) -> None:
    for structure in ("legacy", "2025"):
        path = write_chart(compare_provinces(db, structure=structure, year=2023), tmp_path / f"{structure}.png",
                           structure=structure)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000
    empty = write_chart(compare_provinces(db, period="2019"), tmp_path / "empty.png")
    assert empty.read_bytes()[:4] == b"\x89PNG"


def test_compare_command_writes_csv_and_chart(db: Path, tmp_path: Path) -> None:
    csv_path, chart = tmp_path / "out" / "t.csv", tmp_path / "out" / "c.png"
    result = CliRunner().invoke(cli, ["compare", "--db", str(db), "--csv", str(csv_path), "--chart", str(chart),
                                      "--structure", "2025", "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Ninh Bình" in csv_path.read_text(encoding="utf-8-sig")
    assert chart.is_file()
    assert "predecessors" in result.output
