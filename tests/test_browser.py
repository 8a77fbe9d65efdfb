"""What a person sees: the review pages in headless Chromium, the database in Datasette.

Chromium comes from the system packages (`.ci/run` installs it when missing); without it the
browser tests skip and say so. Set DANVAN_SCREENSHOT_DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.checks import run_checks
from pipeline.report import page_name, write_report
from pipeline.store import Store
from schemas.tables import TABLES
from tests.conftest import ROOT, SEEDS_GOLD, require_shared
from tests.figures_db import Article, Count, build_db, gold_db

SEED_004 = "004_8a7b9a1f3522fbdd"
METADATA = ROOT / "datasette" / "metadata.yaml"
# Without the networking flags Chromium waits on update and sync servers this closed network lacks.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium on PATH: install it with `apt-get install -y chromium` (.ci/run does)")


def run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def dump_dom(url: str, profile: Path) -> str:
    result = run_chromium(["--virtual-time-budget=2000", "--dump-dom", url], profile)
    assert result.returncode == 0 and result.stdout.strip(), result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Seed 004 (its gold figures) plus two small articles, checked and written as pages."""
    require_shared()
    work = tmp_path_factory.mktemp("browser")
    db, _items = gold_db(work / "seed.db", SEEDS_GOLD, ids=[SEED_004])
    with Store(db) as store:
        store.save([Article("clean_one", [Count(120), Count(80, "recognised")]).extraction()])
    run_checks(db)
    index = write_report(db, work / "site")
    with Store(db) as store:
        article = next(a for a in store.query("SELECT id, source FROM articles") if SEED_004 in a["source"])
    return index, index.parent / page_name(article)


@pytest.mark.browser
def test_seed_004_page_renders_highlights_and_the_error(seed_site: tuple[Path, Path], tmp_path: Path) -> None:
    _index, page = seed_site
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    assert re.search(r'<mark class="figure" id="mc-\d+" title="model count: 101 implemented / total">101</mark>', dom)
    assert re.search(r'<mark class="figure" id="mc-\d+" title="model count: 26 implemented / economy">26</mark>', dom)
    assert "parts_sum_mismatch" in dom and '<li class="error">' in dom
    assert "26 + 36 + 4 + 32 = 98" in dom
    assert dom.index("parts_sum_mismatch") < dom.index('<div class="text"')


@pytest.mark.browser
def test_seed_004_page_screenshot(seed_site: tuple[Path, Path], tmp_path: Path) -> None:
    _index, page = seed_site
    shot = tmp_path / "seed_004.png"
    index_shot = tmp_path / "index.png"
    for url, target in ((page.as_uri(), shot), (seed_site[0].as_uri(), index_shot)):
        result = run_chromium(["--window-size=1200,1800", "--hide-scrollbars", f"--screenshot={target}", url],
                              tmp_path / "profile")
        assert result.returncode == 0, result.stderr[-2000:]
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000
    keep = os.environ.get("DANVAN_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for target in (shot, index_shot):
            shutil.copy(target, Path(keep) / target.name)


@pytest.mark.browser
def test_index_filters_run_in_the_browser(seed_site: tuple[Path, Path], tmp_path: Path) -> None:
    index, _page = seed_site
    everything = dump_dom(index.as_uri(), tmp_path / "p1")
    assert re.search(r'<span id="shown">2</span>', everything)
    errors_only = dump_dom(index.as_uri() + "#severity=error", tmp_path / "p2")
    assert re.search(r'<span id="shown">1</span>', errors_only)
    rows = re.findall(r"<tr ([^>]*)>", errors_only.split("<tbody>", 1)[1])
    shown = [r for r in rows if "hidden" not in r]
    assert len(shown) == 1 and 'data-severities="error"' in shown[0]
    clean_only = dump_dom(index.as_uri() + "#severity=clean", tmp_path / "p3")
    assert re.search(r'<span id="shown">1</span>', clean_only)


# -- Datasette ------------------------------------------------------------------------------
def load_metadata() -> dict[str, Any]:
    data = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_metadata_describes_every_table_and_column() -> None:
    tables = load_metadata()["databases"]["pipeline"]["tables"]
    for name, (columns, _pk, _fk) in TABLES.items():
        assert tables.get(name, {}).get("description"), f"table {name} has no description"
        described = tables[name].get("columns", {})
        missing = [c for c in columns if not described.get(c)]
        assert not missing, f"{name}: columns without a description: {missing}"
        extra = [c for c in described if c not in columns]
        assert not extra, f"{name}: described columns that do not exist: {extra}"


def test_datasette_serves_the_database_with_search(tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app", reason="datasette is a dev extra")
    db = build_db(tmp_path / "pipeline.db", [
        Article("a", [Count(1635)], extra_text="Hội nghị sơ kết tại Phủ Lý."),
        Article("b", [Count(42, "recognised")], province="Bắc Kạn", extra_text="Đoàn xã Nguyên Phúc."),
    ])
    ds = datasette_app.Datasette(files=[str(db)], metadata=load_metadata())

    async def fetch() -> tuple[Any, Any, str]:
        counts = await ds.client.get("/pipeline/model_counts.json?_shape=array")
        search = await ds.client.get("/pipeline/articles.json?_search=Nguyên+Phúc&_shape=array")
        page = await ds.client.get("/pipeline/model_counts")
        return counts.json(), search.json(), page.text

    counts, found, page = asyncio.run(fetch())
    assert sorted(row["count"] for row in counts) == [42, 1635]
    assert [row["source"] for row in found] == ["b.txt"]  # full-text search over the article text
    assert "Every stated count of Dân vận khéo models" in page  # the metadata's description shows
