"""The `dates` stage: publish dates, event days, dated documents and the reported period.

Every case is a short article written for the test: a header line or two and a body in the
genre's phrasing. Expected values are what a reader of the page would write down.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.dates import DatesStage, FigureFinder, infer_year, lowered, title_span
from pipeline.document import Document
from schemas.records import DateMention, PeriodMention, Records
from tests.strategies import texts_and_windows


@pytest.fixture(scope="module")
def stage() -> DatesStage:
    return DatesStage()


def run(stage: DatesStage, text: str, publish_hint: str | None = None) -> list[DateMention | PeriodMention]:
    doc = Document.from_text(text, publish_date=publish_hint)
    records = stage(doc, Records())
    for record in records:  # the contract: every span is the evidence as written
        assert doc.text[record.start:record.end] == record.text
    return records


def publish_of(records: list[DateMention | PeriodMention]) -> str | None:
    found = [r.value for r in records if isinstance(r, DateMention) and r.kind == "publish"]
    assert len(found) <= 1, "at most one publish date"
    return found[0] if found else None


def events_of(records: list[DateMention | PeriodMention]) -> list[str]:
    return [r.value for r in records if isinstance(r, DateMention) and r.kind == "event"]


def documents_of(records: list[DateMention | PeriodMention]) -> list[tuple[str | None, str]]:
    return [(r.ref, r.value) for r in records if isinstance(r, DateMention) and r.kind == "document"]


def reported_of(records: list[DateMention | PeriodMention]) -> tuple[int, int] | None:
    found = [(r.start_year, r.end_year) for r in records if isinstance(r, PeriodMention) and r.role == "reported"]
    assert len(found) <= 1, "exactly one reported period at most"
    return found[0] if found else None


BODY = (
    "Sáng 14/3, Ban Dân vận Huyện ủy tổ chức hội nghị sơ kết phong trào thi đua “Dân vận khéo” năm 2023. "
    "Năm 2023, toàn huyện có 215 mô hình được công nhận."
)

# ------------------------------------------------------------------ publish dates
PUBLISH_CASES = [
    ("Thứ 4, Ngày 08 / 03 / 2024", "2024-03-08"),
    ("Thứ Năm, 14/3/2024, 15:20 (GMT+7)", "2024-03-14"),
    ("Thứ Hai, 18/03/2024 - 07:45", "2024-03-18"),
    ("Chủ nhật, 17/3/2024", "2024-03-17"),
    ("Cập nhật: 16:05 19/03/2024", "2024-03-19"),
    ("Cập nhật lúc 09:10, 20/3/2024", "2024-03-20"),
    ("Ngày đăng: 21/03/2024 10:00", "2024-03-21"),
    ("Đăng ngày 22-03-2024", "2024-03-22"),
    ("Cập nhật ngày 23 tháng 3 năm 2024", "2024-03-23"),
    ("Thứ Bảy, ngày 23 tháng 3 năm 2024", "2024-03-23"),
    ("25/03/2024", "2024-03-25"),
    ("25/03/2024 08:30", "2024-03-25"),
    ("Ngày 26/03/2024 | 11:15", "2024-03-26"),
]


@pytest.mark.parametrize(("header", "expected"), PUBLISH_CASES)
def test_publish_date_from_a_header_line(stage: DatesStage, header: str, expected: str) -> None:
    text = f"Huyện Yên Thành sơ kết phong trào thi đua “Dân vận khéo”\n{header}\n\n{BODY}"
    assert publish_of(run(stage, text)) == expected


def test_publish_label_beats_an_update_label(stage: DatesStage) -> None:
    text = f"Ngày cập nhật: 02/04/2024\nNgày đăng: 28/03/2024 10:00\nTiêu đề của bài viết rất dài\n\n{BODY}"
    assert publish_of(run(stage, text)) == "2024-03-28"


def test_a_date_inside_a_body_sentence_is_not_the_publish_date(stage: DatesStage) -> None:
    text = (
        "Xã Nghĩa Hòa sơ kết phong trào thi đua “Dân vận khéo”\n\n"
        "Ngày 12/5/2023, Đảng ủy xã tổ chức hội nghị sơ kết phong trào thi đua với sự tham dự của "
        "đại diện các thôn, chi hội đoàn thể và đông đảo người dân trên địa bàn xã."
    )
    records = run(stage, text)
    assert publish_of(records) is None
    assert events_of(records) == ["2023-05-12"]


def test_the_metadata_date_serves_when_the_page_shows_none(stage: DatesStage) -> None:
    text = f"Huyện Yên Thành sơ kết phong trào thi đua “Dân vận khéo”\n\n{BODY}"
    records = run(stage, text, publish_hint="2024-03-16")
    assert publish_of(records) is None  # no span in the text to point at
    assert events_of(records) == ["2024-03-14"]  # but its year comes from the hint


def test_related_articles_at_the_foot_are_not_read(stage: DatesStage) -> None:
    text = (
        f"Huyện Yên Thành sơ kết phong trào\nNgày đăng: 16/03/2024\n\n{BODY}\n"
        + "Một đoạn văn dài nữa để phần thân bài chiếm phần lớn trang. " * 5
        + "\nTin liên quan\n- Sơ kết công tác dân vận 6 tháng đầu năm 2019\n- Hội nghị ngày 02/02/2020"
    )
    records = run(stage, text)
    assert reported_of(records) == (2023, 2023)
    assert "2020-02-02" not in events_of(records)


# ------------------------------------------------------------------ event dates
EVENT_CASES = [
    # (opening, publish header, expected event)
    ("Chiều 28/12, Ban Chỉ đạo tổ chức hội nghị.", "Thứ 3, Ngày 09 / 01 / 2024", "2023-12-28"),
    ("Ngày 30-12, Huyện ủy tổ chức hội nghị.", "Ngày đăng: 04/01/2024", "2023-12-30"),
    ("Sáng ngày 5/1, Thị ủy tổ chức hội nghị.", "Ngày đăng: 08/01/2024", "2024-01-05"),
    ("Tối 7/3, Đoàn thanh niên tổ chức tọa đàm.", "Cập nhật: 09:00 08/03/2024", "2024-03-07"),
    ("Hôm nay (8/3), Hội Phụ nữ tổ chức gặp mặt.", "Cập nhật: 20:00 08/03/2024", "2024-03-08"),
    ("Chiều 2 tháng 4, Đảng ủy xã tổ chức hội nghị.", "Ngày đăng: 03/04/2024", "2024-04-02"),
    ("Trong hai ngày 11 - 12/4, Ban Dân vận tổ chức tập huấn.", "Ngày đăng: 13/04/2024", "2024-04-11"),
    ("Sáng 15/4/2024, Ban Dân vận tổ chức hội nghị.", "Ngày đăng: 16/04/2024", "2024-04-15"),
]


@pytest.mark.parametrize(("opening", "header", "expected"), EVENT_CASES)
def test_event_day_takes_the_year_just_before_publication(
    stage: DatesStage, opening: str, header: str, expected: str
) -> None:
    text = f"Tổng kết phong trào thi đua “Dân vận khéo”\n{header}\n\n{opening} Toàn tỉnh có 300 mô hình."
    assert events_of(run(stage, text)) == [expected]


def test_without_a_publish_date_the_event_year_comes_from_the_period(stage: DatesStage) -> None:
    text = (
        "Sơ kết phong trào thi đua “Dân vận khéo” giai đoạn 2020-2022\n\n"
        "Chiều 16/11, Ban Chỉ đạo tỉnh tổ chức hội nghị sơ kết giai đoạn 2020-2022. "
        "Giai đoạn 2020-2022, toàn tỉnh đăng ký 980 mô hình."
    )
    assert events_of(run(stage, text)) == ["2022-11-16"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Tính đến ngày 30/6, toàn tỉnh có 412 mô hình được công nhận.",
        "Các đơn vị hoàn thành báo cáo trước ngày 15/11.",
        "Phong trào được phát động từ ngày 15/10/1930 đến nay.",
        "Huyện có 8/8 xã đăng ký mô hình, 12/12 cơ quan tham gia.",
    ],
)
def test_cut_offs_ratios_and_history_are_no_events(stage: DatesStage, sentence: str) -> None:
    text = f"Lan tỏa phong trào thi đua “Dân vận khéo”\nNgày đăng: 20/11/2023\n\n{sentence}"
    assert events_of(run(stage, text)) == []


# ------------------------------------------------------------------ documents
DOCUMENT_CASES = [
    ("thực hiện Kế hoạch số 47-KH/TU, ngày 05/7/2016 của Tỉnh ủy", "Kế hoạch số 47-KH/TU", "2016-07-05"),
    ("theo Chỉ thị số 11-CT/TU ngày 19 tháng 4 năm 2020 của Ban Thường vụ", "Chỉ thị số 11-CT/TU", "2020-04-19"),
    ("căn cứ Quyết định số 1250/QĐ-UBND ngày 12/8/2021 của UBND tỉnh", "Quyết định số 1250/QĐ-UBND", "2021-08-12"),
    ("triển khai Đề án số 07 ngày 3/2/2022 về công tác dân vận", "Đề án số 07", "2022-02-03"),
    ("Hướng dẫn số 09-HD/BDVTU ngày 20/3/2021 của Ban Dân vận", "Hướng dẫn số 09-HD/BDVTU", "2021-03-20"),
    ("Nghị quyết 25-NQ/TW ngày 3/6/2013 của Ban Chấp hành Trung ương", "Nghị quyết 25-NQ/TW", "2013-06-03"),
    ("Kết luận số 114-KL/TW, ngày 14/7/2015 của Ban Bí thư", "Kết luận số 114-KL/TW", "2015-07-14"),
    ("Công văn số 215-CV/BDVTU ngày 02-03-2023 của Ban Dân vận", "Công văn số 215-CV/BDVTU", "2023-03-02"),
    ("Thông báo số 88-TB/TU ngày 10/10/2022 của Thường trực", "Thông báo số 88-TB/TU", "2022-10-10"),
]


@pytest.mark.parametrize(("clause", "ref", "date"), DOCUMENT_CASES)
def test_a_cited_document_keeps_its_reference_and_date(stage: DatesStage, clause: str, ref: str, date: str) -> None:
    text = f"Tổng kết phong trào thi đua “Dân vận khéo”\nNgày đăng: 20/11/2023\n\nNăm 2023, {clause}, toàn tỉnh có 120 mô hình."
    records = run(stage, text)
    assert documents_of(records) == [(ref, date)]
    assert date not in events_of(records)


def test_a_document_cited_twice_is_one_document(stage: DatesStage) -> None:
    clause = "Kế hoạch số 12-KH/BCĐ ngày 4/1/2023 của Ban Chỉ đạo"
    text = f"Sơ kết phong trào\nNgày đăng: 20/11/2023\n\nThực hiện {clause}, các cấp đã vào cuộc. Tiếp tục thực hiện {clause}."
    assert documents_of(run(stage, text)) == [("Kế hoạch số 12-KH/BCĐ", "2023-01-04")]


# ------------------------------------------------------------------ periods
PERIOD_CASES = [
    (
        "a period in the figure sentence beats the title's",
        "Biểu dương mô hình “Dân vận khéo” năm 2024\nNgày đăng: 10/01/2025",
        "Giai đoạn 2022 – 2024, toàn tỉnh đã đăng ký 2.140 mô hình. Năm 2025, tiếp tục nhân rộng mô hình.",
        (2022, 2024),
    ),
    (
        "a plan for next year is not the period",
        "Tổng kết công tác dân vận\nNgày đăng: 05/01/2024",
        "Hội nghị tổng kết công tác dân vận năm 2023, triển khai nhiệm vụ năm 2024. "
        "Năm 2024, phấn đấu mỗi xã có ít nhất 3 mô hình mới.",
        (2023, 2023),
    ),
    (
        "a target year is never the period",
        "Đẩy mạnh phong trào thi đua\nNgày đăng: 05/06/2022",
        "Thực hiện phong trào giai đoạn 2021-2025, định hướng đến năm 2030. "
        "Năm 2021, toàn huyện xây dựng 97 mô hình.",
        (2021, 2021),
    ),
    (
        "a span to now ends in the publish year",
        "Lan tỏa phong trào thi đua\nCập nhật: 10:00 12/05/2022",
        "Từ năm 2015 đến nay, toàn tỉnh đã xây dựng hơn 3.000 mô hình “Dân vận khéo”.",
        (2015, 2022),
    ),
    (
        "N years up to the publish year",
        "Một xã vùng cao khéo vận động\nNgày đăng: 14/08/2021",
        "Bốn năm qua, xã đã xây dựng 11 mô hình “Dân vận khéo”.",
        (2017, 2021),
    ),
    (
        "part of a year is that year",
        "Sơ kết 6 tháng\nNgày đăng: 15/07/2023",
        "Trong 6 tháng đầu năm 2023, các cơ quan đã đăng ký 64 mô hình.",
        (2023, 2023),
    ),
    (
        "a quarter is its year",
        "Giao ban quý\nNgày đăng: 15/04/2023",
        "Trong quý I/2023, các chi bộ đã đăng ký 18 mô hình.",
        (2023, 2023),
    ),
    (
        "a comparison baseline is not the period",
        "Tổng kết năm\nNgày đăng: 20/12/2021",
        "Năm 2021, toàn thị xã có 140 mô hình, tăng 22 mô hình so với năm 2020.",
        (2021, 2021),
    ),
    (
        "a year singled out of a longer span gives way to the span",
        "Tổng kết 10 năm phong trào (2012 - 2022)\nNgày đăng: 25/11/2022",
        "Qua 10 năm, cả nước có 95.000 mô hình được công nhận. Riêng năm 2022, có 9.000 mô hình đăng ký mới.",
        (2012, 2022),
    ),
    (
        "a nhiệm kỳ in the title with figures",
        "Tổng kết phong trào nhiệm kỳ 2015 – 2020\nNgày đăng: 12/06/2020",
        "Nhiệm kỳ 2015 – 2020, toàn quận xây dựng 310 mô hình, điển hình.",
        (2015, 2020),
    ),
]


@pytest.mark.parametrize(("why", "header", "body", "expected"), PERIOD_CASES, ids=[c[0] for c in PERIOD_CASES])
def test_the_reported_period(
    stage: DatesStage, why: str, header: str, body: str, expected: tuple[int, int]
) -> None:
    assert reported_of(run(stage, f"{header}\n\n{body}")) == expected, why


def test_targets_are_marked(stage: DatesStage) -> None:
    text = "Đề án nâng cao chất lượng\nNgày đăng: 05/06/2022\n\nGiai đoạn 2021-2025, tầm nhìn đến năm 2035, có 50 mô hình."
    targets = [r for r in run(stage, text) if isinstance(r, PeriodMention) and r.role == "target"]
    assert [(t.start_year, t.text) for t in targets] == [(2035, "tầm nhìn đến năm 2035")]


def test_no_years_no_period(stage: DatesStage) -> None:
    text = "Khéo vận động nhân dân\n\nNhiều hộ dân đã hiến đất làm đường giao thông nông thôn trong thời gian qua."
    assert reported_of(run(stage, text)) is None


# ------------------------------------------------------------------ helpers and properties
def test_title_skips_date_lines_and_breadcrumbs() -> None:
    doc = Document.from_text("Trang chủ > Tin tức\n12/03/2024\nHuyện Nga Sơn biểu dương mô hình dân vận khéo\n\nThân bài.")
    span = title_span(doc)
    assert span is not None and doc.text[span[0]:span[1]] == "Huyện Nga Sơn biểu dương mô hình dân vận khéo"


@given(st.text(alphabet="aÀỲĐđİẞ ỹ\n1/", max_size=40))
def test_lowered_keeps_every_offset(text: str) -> None:
    assert len(lowered(text)) == len(text)


@settings(max_examples=300)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)), st.integers(0, 364))
def test_an_inferred_event_day_falls_within_the_year_before_publication(publish: dt.date, days_before: int) -> None:
    event = publish - dt.timedelta(days=days_before)
    year = infer_year(event.day, event.month, publish, None)
    if (event.month, event.day) == (2, 29) and year != event.year:
        return  # 29 February exists in one candidate year only
    assert year == event.year


@settings(max_examples=60, deadline=None)
@given(
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(2009, 2030),
    sep=st.sampled_from(["/", "-", "."]),
    pad=st.booleans(),
)
def test_any_header_date_is_read(stage: DatesStage, day: int, month: int, year: int, sep: str, pad: bool) -> None:
    written = sep.join([f"{day:02d}" if pad else str(day), f"{month:02d}" if pad else str(month), str(year)])
    text = f"Tiêu đề một bài viết về dân vận khéo\nNgày đăng: {written}\n\n{BODY}"
    assert publish_of(run(stage, text)) == dt.date(year, month, day).isoformat()


def test_an_anniversarys_span_is_no_event(stage: DatesStage) -> None:
    text = (
        "Kỷ niệm Ngày truyền thống công tác dân vận\nNgày đăng: 16/10/2023\n\n"
        "Hướng tới kỷ niệm 93 năm Ngày truyền thống (15/10/1930 - 15/10/2023), toàn tỉnh có 120 mô hình."
    )
    assert events_of(run(stage, text)) == []


def test_an_iso_header_date(stage: DatesStage) -> None:
    text = f"THỜI SỰ\nNgày đăng: 2019-05-14 07:02:11     Lượt xem: 230\nTiêu đề của bài viết về dân vận\n\n{BODY}"
    assert publish_of(run(stage, text)) == "2019-05-14"


def test_a_byline_that_ends_with_the_date(stage: DatesStage) -> None:
    text = (
        "Tiêu đề của bài viết về dân vận khéo\n\n"
        "Chiều 3/6, Huyện ủy tổ chức hội nghị sơ kết phong trào. Năm 2021, toàn huyện có 88 mô hình được công nhận.\n"
        "Hoàng Lan (05/06/2021)\n[In bài] [Gửi email]"
    )
    records = run(stage, text)
    assert publish_of(records) == "2021-06-05"
    assert events_of(records) == ["2021-06-03"]


def test_a_span_from_a_day_to_now(stage: DatesStage) -> None:
    text = (
        "Giữ nhịp phong trào sau sắp xếp\nNgày đăng: 10/03/2026\n\n"
        "Từ khi vận hành chính quyền hai cấp (1/7/2025) đến nay, các chi bộ đã đăng ký 31 mô hình."
    )
    records = run(stage, text)
    assert reported_of(records) == (2025, 2026)
    assert events_of(records) == []


def test_a_count_of_years_means_the_span_the_article_names(stage: DatesStage) -> None:
    text = (
        "Sơ kết 4 năm phong trào\nNgày đăng: 09/01/2024\n\n"
        "Sáng 8/1, Đảng ủy xã sơ kết 4 năm (2020 – 2023) thực hiện phong trào thi đua. "
        "Sau 4 năm, xã đã xây dựng 16 mô hình “Dân vận khéo”."
    )
    assert reported_of(run(stage, text)) == (2020, 2023)


def test_a_masthead_in_capitals_is_not_the_title() -> None:
    doc = Document.from_text("BÁO ĐIỆN TỬ TỈNH NHÀ\nThời sự | Chính trị | Kinh tế\nCẩm Xuyên sơ kết phong trào\n\nThân bài.")
    span = title_span(doc)
    assert span is not None and doc.text[span[0]:span[1]] == "Cẩm Xuyên sơ kết phong trào"


def test_a_title_in_capitals_is_still_the_title() -> None:
    body = "Chiều 4/12, Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết phong trào thi đua năm 2023. " * 3
    doc = Document.from_text(f"LAI CHÂU: BIỂU DƯƠNG 140 MÔ HÌNH DÂN VẬN KHÉO\nNgày đăng: 06/12/2023\n\n{body}")
    span = title_span(doc)
    assert span is not None and doc.text[span[0]:span[1]].startswith("LAI CHÂU")


def test_event_day_after_a_weekday_in_parentheses() -> None:
    from pipeline.api import extract

    result = extract("Thứ Năm, 19/12/2019 - 08:00\nChiều thứ Tư (18-12), Huyện ủy tổ chức hội nghị tổng kết năm 2019.")
    assert [(d.kind, d.value) for d in result.dates if d.kind in ("publish", "event")] == [
        ("publish", "2019-12-19"),
        ("event", "2019-12-18"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "20/11/2025\nĐảng ủy xã sơ kết phong trào từ khi vận hành chính quyền địa phương hai cấp đến nay. "
            "Xã đăng ký mới 12 mô hình.",
            (2025, 2025),
        ),
        (
            "15/03/2026\nTừ khi hợp nhất đến nay, toàn tỉnh có 2.100 mô hình được công nhận.",
            (2025, 2026),
        ),
        (
            "14/07/2022\nHội nghị đánh giá 6 tháng đầu năm 2022. Trong 6 tháng, toàn huyện đăng ký mới 40 mô hình, "
            "tăng 8 mô hình so với cùng kỳ năm 2021.",
            (2022, 2022),
        ),
    ],
)
def test_reported_period_since_reorganisation_and_not_the_baseline(text: str, expected: tuple[int, int]) -> None:
    from pipeline.api import extract

    period = extract(text).period
    assert period is not None
    assert (period.start_year, period.end_year) == expected


def test_publish_date_from_a_name_dash_date_byline() -> None:
    from pipeline.api import extract

    result = extract("Xã sơ kết phong trào\nNgày 10/4, Đảng ủy xã tổ chức sơ kết.\n\nTrần Minh Tú - 12/04/2013")
    assert result.publish_date == "2013-04-12"
    assert [(d.kind, d.value) for d in result.dates if d.kind == "event"] == [("event", "2013-04-10")]


# The speed-ups behind the stage's searches must not change what they find.
_WINDOW_PIECES = ["1", "2023", "1.635", ".", ",", "/", " ", "\n", "“", "\"", "a", "mô hình", "hai", "mươi", "năm",
                  "từ", "khi", "sáp nhập", "đến nay", "kế hoạch", "số", "so với", "(", "-", "sau", "mh"]


@settings(max_examples=300, deadline=None)
@given(texts_and_windows(_WINDOW_PIECES, max_size=14))
def test_searches_before_an_anchor_match_the_reverse_pattern(window: tuple[str, int, int]) -> None:
    import regex

    from extractors.dates import _Before

    text, start, end = window
    for pattern in [r"(?<!\w)(?:năm|từ)\s*$", r"(?:(?<!\w)(?P<w>số|khi)[^\S\n]*|\([^\S\n]*)$", r"\d[^\S\n]*[-–]?\s*$"]:
        expected = regex.compile(pattern, regex.REVERSE).search(text, start, end)
        found = _Before(pattern).search(text, start, end)
        assert (found and (found.span(), found.groupdict())) == (expected and (expected.span(), expected.groupdict()))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WINDOW_PIECES), max_size=20))
def test_matches_found_one_pattern_at_a_time_are_the_alternations(pieces: list[str]) -> None:
    import regex

    from extractors.dates import _matches_of_each

    text = "".join(pieces)
    for parts in (["mô\\s+hình", "mh", "hình"], ["từ\\s+khi", "khi\\s+sáp", "sau"], ["20\\d\\d", "19\\d\\d"]):
        alternation = regex.compile("|".join(f"(?:{p})(?!\\w)" for p in parts))
        each = [regex.compile(f"(?:{p})(?!\\w)") for p in parts]
        found = [m.span() for m in _matches_of_each(each, alternation, text)]
        assert found == [m.span() for m in alternation.finditer(text)]



@functools.cache
def _figure_finder() -> FigureFinder:
    return FigureFinder()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WINDOW_PIECES), max_size=24), st.lists(st.integers(0, 120), max_size=10))
def test_each_sentences_first_count_is_the_first_of_all_counts_in_it(pieces: list[str], cuts: list[int]) -> None:
    finder = _figure_finder()
    low = "".join(pieces)
    bounds = sorted({min(c, len(low)) for c in cuts})
    sentences = list(itertools.pairwise(bounds))[::2]  # sorted, disjoint, with gaps between some
    every = finder.offsets(low)
    expected = [
        (index, first) for index, (start, end) in enumerate(sentences)
        if (first := next((f for f in every if start <= f < end), None)) is not None
    ]
    assert list(finder.first_per_sentence(low, sentences)) == expected


_CHROME_PIECES = ["Trang chủ", "home", " > ", ">", " / ", "/", "»", " | ", "|", ":", " ", "Lượt xem", "tác giả", "Chia sẻ",
                  "in bài", "tin", "\n", "a", "—", "“"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CHROME_PIECES), max_size=10))
def test_page_chrome_part_by_part_is_the_alternation(pieces: list[str]) -> None:
    from extractors.dates import PAGE_CHROME, is_page_chrome

    line = "".join(pieces)
    assert is_page_chrome(line) == (PAGE_CHROME.search(line) is not None)
