"""Static review pages: highlights, findings, filters, escaping, overlapping spans."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.report import Span, highlight, page_name, write_report
from pipeline.store import Store
from schemas.records import Official, PlaceMention
from tests.figures_db import Article, Count, build_db

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class NestingChecker(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def well_formed(page: str) -> NestingChecker:
    checker = NestingChecker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == [], (checker.errors, checker.stack)
    return checker


def fields4(status: str, values: tuple[int, int, int, int]) -> list[Count]:
    names = ("economy", "culture_society", "defence_security", "political_system")
    return [Count(v, status, n) for v, n in zip(values, names, strict=True)]


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, Path]:
    agency = Article("yen_bai_khoi", [Count(101, "implemented"), *fields4("implemented", (26, 36, 4, 32))],
                     province="Yên Bái", province_2025="Lào Cai", scope_level="agency", scope_name="Đảng bộ Khối")
    evil = Article("evil", [Count(1635)], title='Tin <b>nóng</b> & "lạ"',
                   extra_text="Đoạn mã <script>alert('x')</script> và <img src=x onerror=alert(1)> giữ nguyên.")
    other = Article("thanh_hoa_b", [Count(1250, "recognised")], province="Thanh Hóa", province_2025="Thanh Hóa")
    other2 = Article("thanh_hoa_a", [Count(1205, "recognised")], province="Thanh Hóa", province_2025="Thanh Hóa",
                     period=(2023, 2023))
    db = build_db(tmp_path / "r.db", [agency, evil, other, other2])
    return db, write_report(db, tmp_path / "site")


def page_of(db: Path, source: str, site: Path) -> str:
    with Store(db) as store:
        article = store.query("SELECT id, source FROM articles WHERE source = ?", [source])[0]
    return (site / page_name(article)).read_text(encoding="utf-8")


def test_index_and_one_page_per_article(report: tuple[Path, Path]) -> None:
    _db, index = report
    page = index.read_text(encoding="utf-8")
    well_formed(page)
    links = re.findall(r'href="(articles/[^"]+\.html)"', page)
    assert len(set(links)) == 4
    assert all((index.parent / link).is_file() for link in links)


def test_figures_are_highlighted_with_kind_and_value(report: tuple[Path, Path]) -> None:
    db, index = report
    page = page_of(db, "evil.txt", index.parent)
    assert '<mark class="figure" id="mc-' in page
    assert re.search(r'<mark class="figure" id="mc-\d+" title="model count: 1.635 registered / total">1.635</mark>',
                     page)


def test_article_text_is_escaped(report: tuple[Path, Path]) -> None:
    db, index = report
    page = page_of(db, "evil.txt", index.parent)
    checker = well_formed(page)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>nóng" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    shown = "".join(checker.text)
    assert "<script>alert('x')</script>" in shown  # the reader sees the words as written
    assert 'Tin <b>nóng</b> & "lạ"' in shown
    assert "<script" not in page  # article pages run no script at all


def test_findings_come_first_with_links_to_the_figures(report: tuple[Path, Path]) -> None:
    db, index = report
    page = page_of(db, "yen_bai_khoi.txt", index.parent)
    well_formed(page)
    finding = page.index("parts_sum_mismatch")
    assert finding < page.index('<div class="text"')
    assert "26 + 36 + 4 + 32 = 98" in page
    for anchor in re.findall(r'href="#(mc-\d+)"', page):
        assert f'id="{anchor}"' in page


def test_cross_article_findings_show_on_index_and_both_pages(report: tuple[Path, Path]) -> None:
    db, index = report
    page = index.read_text(encoding="utf-8")
    assert "conflicting_across_articles" in page
    for source in ("thanh_hoa_a.txt", "thanh_hoa_b.txt"):
        article_page = page_of(db, source, index.parent)
        assert "conflicting_across_articles" in article_page
        assert "../articles/" in article_page  # a link to the other article's figure


def test_index_filters_work_offline(report: tuple[Path, Path]) -> None:
    _db, index = report
    page = index.read_text(encoding="utf-8")
    for select in ("f-province", "f-period", "f-severity"):
        assert f'id="{select}"' in page
    assert '<option value="Thanh Hóa">' in page and '<option value="2023">' in page
    assert 'data-severities="error"' in page and 'data-severities=""' in page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', page)


def test_overlapping_spans_are_cut_and_nest() -> None:
    text = "Đồng chí Mai Văn Tuất, Chủ tịch UBND tỉnh Ninh Bình, công bố 1.635 mô hình."
    official = Span(9, 51, "official", "of-1", "official: Mai Văn Tuất")
    place = Span(42, 51, "place", "pl-1", "place (province): Ninh Bình")
    crossing = Span(30, 60, "date", "dt-1", "a span crossing the others' ends")
    figure = Span(61, 66, "figure", "mc-1", "model count: 1.635 registered / total")
    out = highlight(text, [official, place, crossing, figure])
    checker = well_formed(f"<div>{out}</div>")
    assert "".join(checker.text) == text  # nothing lost, nothing doubled
    for anchor in ("of-1", "pl-1", "dt-1", "mc-1"):
        assert f'id="{anchor}"' in out
    assert 'class="date official place"' in out  # the piece all three cover names them all
    assert '<mark class="figure" id="mc-1" title="model count: 1.635 registered / total">1.635</mark>' in out


def test_spans_outside_the_text_are_ignored() -> None:
    out = highlight("a<c", [Span(1, 9, "figure", "mc-1", "x"), Span(0, 0, "date", "dt-1", "y"),
                            Span(2, 1, "place", "pl-1", "z")])
    assert out == "a&lt;c"


def test_officials_dates_and_places_are_marked(tmp_path: Path) -> None:
    article = Article("marks", [Count(1635)], extra_text="Đồng chí Mai Văn Tuất dự hội nghị tại huyện Kim Bảng.",
                      event_dates=["2023-09-25"], places=[("district", "huyện Kim Bảng")])
    extraction = article.extraction()
    text = extraction.document.text
    at = text.index("Mai Văn Tuất")
    extraction.records.put("officials", [Official("Mai Văn Tuất", ("Chủ tịch HĐND tỉnh",), at, at + 12, "test")])
    db = build_db(tmp_path / "m.db", [extraction])
    page = page_of(db, "marks.txt", write_report(db, tmp_path / "site").parent)
    well_formed(page)
    assert 'title="official: Mai Văn Tuất — Chủ tịch HĐND tỉnh">Mai Văn Tuất</mark>' in page
    assert 'title="place (district): huyện Kim Bảng, Hà Nam">huyện Kim Bảng</mark>' in page
    assert isinstance(extraction.records.get("places")[-1], PlaceMention)


def test_report_command(tmp_path: Path) -> None:
    db = build_db(tmp_path / "c.db", [Article("a", [Count(5)])])
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("index.html")
