"""The `places` stage: whose figures an article reports, at which level, before and after 2025.

Every case is a short article written for the test in the genre's phrasing; the expected values
are what an annotator following corpora/ANNOTATION.md would write.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.dates import DatesStage, lowered
from extractors.places import PlacesStage, fold, gazetteer, searchable
from pipeline.document import Document
from schemas.records import ArticlePlace, PlaceMention, Records
from tests.strategies import texts_and_windows

# The 63 legacy provinces and the province each became part of on 1 July 2025.
SUCCESSORS_2025 = {
    "An Giang": "An Giang", "Bà Rịa - Vũng Tàu": "Hồ Chí Minh", "Bạc Liêu": "Cà Mau",
    "Bắc Giang": "Bắc Ninh", "Bắc Kạn": "Thái Nguyên", "Bắc Ninh": "Bắc Ninh", "Bến Tre": "Vĩnh Long",
    "Bình Dương": "Hồ Chí Minh", "Bình Định": "Gia Lai", "Bình Phước": "Đồng Nai", "Bình Thuận": "Lâm Đồng",
    "Cà Mau": "Cà Mau", "Cao Bằng": "Cao Bằng", "Cần Thơ": "Cần Thơ", "Đà Nẵng": "Đà Nẵng",
    "Đắk Lắk": "Đắk Lắk", "Đắk Nông": "Lâm Đồng", "Điện Biên": "Điện Biên", "Đồng Nai": "Đồng Nai",
    "Đồng Tháp": "Đồng Tháp", "Gia Lai": "Gia Lai", "Hà Giang": "Tuyên Quang", "Hà Nam": "Ninh Bình",
    "Hà Nội": "Hà Nội", "Hà Tĩnh": "Hà Tĩnh", "Hải Dương": "Hải Phòng", "Hải Phòng": "Hải Phòng",
    "Hậu Giang": "Cần Thơ", "Hòa Bình": "Phú Thọ", "Hồ Chí Minh": "Hồ Chí Minh", "Hưng Yên": "Hưng Yên",
    "Khánh Hòa": "Khánh Hòa", "Kiên Giang": "An Giang", "Kon Tum": "Quảng Ngãi", "Lai Châu": "Lai Châu",
    "Lạng Sơn": "Lạng Sơn", "Lào Cai": "Lào Cai", "Lâm Đồng": "Lâm Đồng", "Long An": "Tây Ninh",
    "Nam Định": "Ninh Bình", "Nghệ An": "Nghệ An", "Ninh Bình": "Ninh Bình", "Ninh Thuận": "Khánh Hòa",
    "Phú Thọ": "Phú Thọ", "Phú Yên": "Đắk Lắk", "Quảng Bình": "Quảng Trị", "Quảng Nam": "Đà Nẵng",
    "Quảng Ngãi": "Quảng Ngãi", "Quảng Ninh": "Quảng Ninh", "Quảng Trị": "Quảng Trị", "Sóc Trăng": "Cần Thơ",
    "Sơn La": "Sơn La", "Tây Ninh": "Tây Ninh", "Thái Bình": "Hưng Yên", "Thái Nguyên": "Thái Nguyên",
    "Thanh Hóa": "Thanh Hóa", "Thừa Thiên Huế": "Huế", "Tiền Giang": "Đồng Tháp", "Trà Vinh": "Vĩnh Long",
    "Tuyên Quang": "Tuyên Quang", "Vĩnh Long": "Vĩnh Long", "Vĩnh Phúc": "Phú Thọ", "Yên Bái": "Lào Cai",
}


@pytest.fixture(scope="module")
def stages() -> tuple[DatesStage, PlacesStage]:
    return DatesStage(), PlacesStage()


def run(stages: tuple[DatesStage, PlacesStage], text: str, **meta: str) -> tuple[ArticlePlace, list[PlaceMention]]:
    dates, places = stages
    doc = Document.from_text(text, **meta)
    records = Records()
    records.put("dates", dates(doc, records))
    found = places(doc, records)
    article = [r for r in found if isinstance(r, ArticlePlace)]
    assert len(article) == 1, "exactly one article-level place"
    mentions = [r for r in found if isinstance(r, PlaceMention)]
    for mention in mentions:  # the contract: every span is the evidence as written
        assert doc.text[mention.start:mention.end] == mention.text
    return article[0], mentions


def place_of(stages: tuple[DatesStage, PlacesStage], text: str, **meta: str) -> tuple[str | None, str | None, str, str | None]:
    article, _ = run(stages, text, **meta)
    return article.province, article.province_2025, article.scope_level, article.scope_name


# ------------------------------------------------------------------ the 2025 successors
def test_the_gazetteer_knows_the_63_legacy_provinces() -> None:
    assert set(gazetteer().provinces) == set(SUCCESSORS_2025)


@pytest.mark.parametrize(("legacy", "successor"), sorted(SUCCESSORS_2025.items()))
def test_successor_of_each_legacy_province(legacy: str, successor: str) -> None:
    assert gazetteer().successor[legacy] == successor


@pytest.mark.parametrize("legacy", sorted(SUCCESSORS_2025))
def test_successor_agrees_with_the_library(legacy: str) -> None:
    from vietnamadminunits import convert_address

    assert convert_address(legacy).short_province == gazetteer().successor[legacy]


@pytest.mark.parametrize(("legacy", "successor"), sorted(SUCCESSORS_2025.items()))
def test_every_province_named_in_an_article(
    stages: tuple[DatesStage, PlacesStage], legacy: str, successor: str
) -> None:
    committee, whole = ("Thành ủy", "thành phố") if legacy in gazetteer().central else ("Tỉnh ủy", "tỉnh")
    text = (
        f"Hội nghị tổng kết phong trào thi đua “Dân vận khéo”\nNgày đăng: 20/12/2023\n\n"
        f"Sáng 18/12, Ban Dân vận {committee} {legacy} tổ chức hội nghị tổng kết. "
        f"Năm 2023, toàn {whole} có 500 mô hình được công nhận."
    )
    assert place_of(stages, text)[:2] == (legacy, successor)


# ------------------------------------------------------------------ where the province comes from
BODY = "Năm 2023, phong trào thi đua “Dân vận khéo” tiếp tục lan tỏa; toàn tỉnh có 640 mô hình được công nhận."

PROVINCE_CASES = [
    ("unit word", f"Biểu dương mô hình\n\nBan Chỉ đạo tỉnh Quảng Bình tổng kết phong trào. {BODY}", "Quảng Bình"),
    ("party committee", f"Tổng kết phong trào\n\nTỉnh ủy Lạng Sơn tổ chức hội nghị. {BODY}", "Lạng Sơn"),
    ("old tone placement", f"Tổng kết phong trào\n\nTỉnh uỷ Khánh Hoà tổ chức hội nghị. {BODY}", "Khánh Hòa"),
    ("bare name in the title", f"Hậu Giang biểu dương 120 mô hình “Dân vận khéo”\n\n{BODY}", "Hậu Giang"),
    ("a district alone", f"Tổng kết phong trào\n\nHuyện ủy Bạch Thông tổ chức hội nghị tổng kết. {BODY}", "Bắc Kạn"),
    ("a commune and its district", f"Khéo vận động\n\nỞ xã Tân Phú, huyện Đồng Phú, nhiều hộ hiến đất. {BODY}", "Bình Phước"),
    ("source line with a paper", f"Tổng kết phong trào\n\n{BODY}\nThu Hà\nNguồn: Báo Tuyên Quang", "Tuyên Quang"),
    ("source in a byline", f"Tổng kết phong trào\n\n{BODY}\nTin, ảnh: Minh Khoa (Nguồn: Báo Bạc Liêu)", "Bạc Liêu"),
    ("a site's address", f"Tổng kết phong trào\n\n{BODY}\nTheo baoquangngai.vn", "Quảng Ngãi"),
    ("a government site", f"Tổng kết phong trào\n\n{BODY}\nNguồn: danvan.travinh.gov.vn", "Trà Vinh"),
    ("a paper with its own name", f"Tổng kết phong trào\n\n{BODY}\nTheo Báo Ấp Bắc", "Tiền Giang"),
    ("a paper of the capital", f"Tổng kết phong trào\n\n{BODY}\nNguồn: Báo Hà Nội Mới", "Hà Nội"),
    ("a map caption", f"Tổng kết phong trào\n\n{BODY}\nTừ khóa: dân vận\nBẢN ĐỒ TỈNH SÓC TRĂNG", "Sóc Trăng"),
    ("an alias", f"Tổng kết phong trào\n\nTỉnh ủy Đăk Nông tổ chức hội nghị. {BODY}", "Đắk Nông"),
    ("HCMC abbreviated", f"Tổng kết phong trào\n\nBan Dân vận Thành ủy TP.HCM tổ chức hội nghị. {BODY}", "Hồ Chí Minh"),
]


@pytest.mark.parametrize(("why", "text", "province"), PROVINCE_CASES, ids=[c[0] for c in PROVINCE_CASES])
def test_province_evidence(stages: tuple[DatesStage, PlacesStage], why: str, text: str, province: str) -> None:
    assert place_of(stages, text)[0] == province, why


def test_the_page_address_counts_when_the_text_names_no_province(stages: tuple[DatesStage, PlacesStage]) -> None:
    text = f"Tổng kết phong trào\n\n{BODY}"
    assert place_of(stages, text, url="https://baolongan.vn/tin-tuc/abc.html")[0] == "Long An"


def test_the_presidents_name_is_no_city(stages: tuple[DatesStage, PlacesStage]) -> None:
    text = (
        "Học tập và làm theo tư tưởng Hồ Chí Minh\n\nChủ tịch Hồ Chí Minh đã dạy: “Dân vận khéo thì việc gì cũng "
        f"thành công”. Thấm nhuần lời dạy ấy, Tỉnh ủy Cà Mau đã chỉ đạo. {BODY}"
    )
    assert place_of(stages, text)[0] == "Cà Mau"


def test_a_shared_district_name_goes_to_the_province_the_article_supports(
    stages: tuple[DatesStage, PlacesStage],
) -> None:
    # `Châu Thành` is a district in ten provinces; the source line decides.
    text = f"Khéo vận động\n\nHuyện Châu Thành có 85 mô hình “Dân vận khéo”. {BODY}\nNguồn: Báo Trà Vinh"
    article, mentions = run(stages, text)
    assert article.province == "Trà Vinh"
    assert any(m.name == "Châu Thành" and m.province == "Trà Vinh" for m in mentions)


def test_a_person_named_like_a_province_is_no_evidence(stages: tuple[DatesStage, PlacesStage]) -> None:
    text = f"Tổng kết phong trào\n\nÔng Nguyễn Thái Bình, Trưởng Ban Dân vận Tỉnh ủy Yên Bái phát biểu. {BODY}"
    assert place_of(stages, text)[0] == "Yên Bái"


# ------------------------------------------------------------------ scope
SCOPE_CASES = [
    (
        "the province's own figures",
        "Phú Yên: Toàn tỉnh có 980 mô hình “Dân vận khéo”\n\n"
        "Chiều 20/12, Ban Dân vận Tỉnh ủy Phú Yên tổ chức hội nghị. Năm 2023, toàn tỉnh có 980 mô hình.",
        ("Phú Yên", "Đắk Lắk", "province", "Phú Yên"),
    ),
    (
        "a provincial city",
        "Hiệu quả phong trào “Dân vận khéo” trên địa bàn thành phố Tam Kỳ\n\n"
        "Những năm qua, Thành ủy Tam Kỳ quan tâm chỉ đạo. Đến nay, toàn thành phố có 210 mô hình.",
        ("Quảng Nam", "Đà Nẵng", "district", "Tam Kỳ"),
    ),
    (
        "a district named at the head of the title",
        "Mường Lát: 64 mô hình “Dân vận khéo” được công nhận\n\n"
        "Năm 2023, Ban Chỉ đạo huyện đã công nhận 64 mô hình. Nguồn: Báo Thanh Hóa",
        ("Thanh Hóa", "Thanh Hóa", "district", "Mường Lát"),
    ),
    (
        "a commune",
        "Xã Nậm Lành khéo vận động đồng bào\n\nNhững năm gần đây, Đảng ủy xã Nậm Lành, huyện Văn Chấn chỉ đạo "
        "các chi bộ đăng ký mô hình. Đến nay, xã đã xây dựng 9 mô hình “Dân vận khéo”.",
        ("Yên Bái", "Lào Cai", "commune", "Nậm Lành"),
    ),
    (
        "an agency: the police",
        "Công an tỉnh Hà Giang sơ kết phong trào “Dân vận khéo”\n\n"
        "Sáng 12/6, Công an tỉnh Hà Giang tổ chức hội nghị sơ kết. Năm 2023, các đơn vị đăng ký 45 mô hình.",
        ("Hà Giang", "Tuyên Quang", "agency", "Công an tỉnh Hà Giang"),
    ),
    (
        "an agency: a bloc's party organisation",
        "Đảng bộ Khối các cơ quan tỉnh: nâng cao hiệu quả “Dân vận khéo”\n\n"
        "Chiều 5/7, Đảng ủy Khối các cơ quan tỉnh Ninh Thuận tổ chức hội nghị. Các tổ chức đảng đăng ký 38 mô hình.",
        ("Ninh Thuận", "Khánh Hòa", "agency", "Đảng bộ Khối các cơ quan tỉnh Ninh Thuận"),
    ),
    (
        "an agency: a department",
        "Đảng ủy Sở Y tế tỉnh Long An tổng kết phong trào\n\n"
        "Ngày 3/12, Đảng ủy Sở Y tế tỉnh Long An tổ chức hội nghị. Năm 2023, các chi bộ xây dựng 21 mô hình.",
        ("Long An", "Tây Ninh", "agency", "Sở Y tế tỉnh Long An"),
    ),
    (
        "an agency: a mass organisation",
        "Hội LHPN tỉnh Bắc Ninh tổng kết phong trào “Dân vận khéo”\n\n"
        "Ngày 10/1, Hội Liên hiệp Phụ nữ tỉnh Bắc Ninh tổ chức hội nghị. Năm 2023, các cấp hội xây dựng 320 mô hình.",
        ("Bắc Ninh", "Bắc Ninh", "agency", "Hội Liên hiệp Phụ nữ tỉnh Bắc Ninh"),
    ),
    (
        "a numbered ward placed by its city",
        "Phường 3 khéo vận động nhân dân giữ gìn vệ sinh\n\n"
        "Những năm gần đây, Đảng ủy Phường 3, thành phố Tân An đã chỉ đạo các chi bộ khu phố xây dựng mô hình. "
        "Năm 2019, phường có 12 mô hình “Dân vận khéo”.",
        ("Long An", "Tây Ninh", "commune", "Phường 3"),
    ),
    (
        "a province whose name is also its district's",
        "Điện Biên: phong trào “Dân vận khéo” 9 tháng nhiều chuyển biến\n\n"
        "Ngày 15/10, Ban Dân vận Tỉnh ủy Điện Biên tổ chức hội nghị sơ kết. Các cấp đăng ký 356 mô hình.",
        ("Điện Biên", "Điện Biên", "province", "Điện Biên"),
    ),
    (
        "national: the central committee, Hanoi only the venue",
        "Sơ kết phong trào thi đua “Dân vận khéo” trên toàn quốc\n\n"
        "Sáng 9/11, tại Hà Nội, Ban Dân vận Trung ương tổ chức hội nghị toàn quốc. "
        "Cả nước có hơn 150.000 mô hình được công nhận.",
        (None, None, "national", "Việt Nam"),
    ),
    (
        "a centrally-run city as a whole",
        "Cần Thơ biểu dương mô hình “Dân vận khéo”\n\n"
        "Sáng 14/12, Ban Chỉ đạo thành phố Cần Thơ tổ chức hội nghị. Năm 2023, toàn thành phố có 1.020 mô hình.",
        ("Cần Thơ", "Cần Thơ", "province", "Cần Thơ"),
    ),
    (
        "a district of a centrally-run city",
        "Quận Ngô Quyền tổng kết phong trào thi đua “Dân vận khéo”\n\n"
        "Chiều 6/12, Quận ủy Ngô Quyền tổ chức hội nghị. Năm 2023, toàn quận có 112 mô hình.",
        ("Hải Phòng", "Hải Phòng", "district", "Ngô Quyền"),
    ),
]


@pytest.mark.parametrize(("why", "text", "expected"), SCOPE_CASES, ids=[c[0] for c in SCOPE_CASES])
def test_scope(
    stages: tuple[DatesStage, PlacesStage], why: str, text: str, expected: tuple[str | None, str | None, str, str]
) -> None:
    assert place_of(stages, text) == expected, why


# ------------------------------------------------------------------ after the 2025 merger
def test_after_the_merger_a_merged_province_keeps_its_new_name(stages: tuple[DatesStage, PlacesStage]) -> None:
    text = (
        "Lâm Đồng tổng kết phong trào thi đua “Dân vận khéo” năm 2025\nNgày đăng: 18/12/2025\n\n"
        "Chiều 16/12, Ban Dân vận Tỉnh ủy Lâm Đồng tổ chức hội nghị, lần đầu trên phạm vi tỉnh mới sau khi hợp "
        "nhất với tỉnh Đắk Nông và tỉnh Bình Thuận. Năm 2025, toàn tỉnh có 3.900 mô hình."
    )
    assert place_of(stages, text) == ("Lâm Đồng", "Lâm Đồng", "province", "Lâm Đồng")


def test_after_the_merger_a_new_ward_keeps_its_legacy_province(stages: tuple[DatesStage, PlacesStage]) -> None:
    # Phường Quy Nhơn Nam was formed in 2025 from wards of Quy Nhơn (Bình Định), now in Gia Lai.
    text = (
        "Phường Quy Nhơn Nam tổng kết phong trào “Dân vận khéo”\nNgày đăng: 22/12/2025\n\n"
        "Chiều 19/12, Đảng ủy phường Quy Nhơn Nam (tỉnh Gia Lai) tổ chức hội nghị. "
        "Năm 2025, phường có 27 mô hình được công nhận."
    )
    assert place_of(stages, text) == ("Bình Định", "Gia Lai", "commune", "Quy Nhơn Nam")


# ------------------------------------------------------------------ helpers and properties
def test_fold_unifies_tone_placement_case_and_dashes() -> None:
    assert fold("Thanh Hoá") == fold("thanh hóa")
    assert fold("Bà Rịa-Vũng Tàu") == fold("Bà Rịa – Vũng Tàu")


@given(st.text(alphabet="aAoOuUàáảãạèéỳýỷỹỵĐđ \nTỈNH", max_size=60))
def test_the_searchable_copy_keeps_every_offset(text: str) -> None:
    assert len(searchable(text)) == len(text)


# Every provincial paper is named after its province, save the city's (`Sài Gòn Giải Phóng`).
PAPER_PROVINCES = sorted(set(SUCCESSORS_2025) - {"Hồ Chí Minh"})


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(PAPER_PROVINCES), st.sampled_from(["Nguồn: Báo {}", "Theo Báo {}", "(Nguồn: Báo {})"]))
def test_any_provincial_paper_names_its_province(
    stages: tuple[DatesStage, PlacesStage], province: str, source: str
) -> None:
    text = f"Tổng kết phong trào thi đua\n\nNăm 2023, các cấp đã công nhận 300 mô hình.\n{source.format(province)}"
    assert place_of(stages, text)[0] == province


def test_a_masthead_and_a_menu_do_not_hide_a_district_title(stages: tuple[DatesStage, PlacesStage]) -> None:
    text = (
        "BÁO HÀ TĨNH ĐIỆN TỬ\nThời sự | Chính trị | Kinh tế | Xã hội | Văn hóa | Thể thao | Pháp luật | Quốc tế\n"
        "Đăng lúc: 08:10 - 14/12/2019\nHương Khê: 97 mô hình “Dân vận khéo” được công nhận\n"
        "(Báo Hà Tĩnh) - Ngày 12/12, Ban Chỉ đạo phong trào thi đua “Dân vận khéo” huyện Hương Khê tổ chức hội "
        "nghị tổng kết năm 2019. Năm 2019, các xã đăng ký 130 mô hình, có 97 mô hình được công nhận."
    )
    assert place_of(stages, text) == ("Hà Tĩnh", "Hà Tĩnh", "district", "Hương Khê")


def test_a_bank_branch_is_an_agency(stages: tuple[DatesStage, PlacesStage]) -> None:
    text = (
        "Đồng vốn chính sách và những mô hình “Dân vận khéo”\n\n"
        "Chiều 9/6, Chi nhánh Ngân hàng Chính sách xã hội tỉnh Nghệ An tổ chức sơ kết phong trào. "
        "Toàn chi nhánh có 28 mô hình được công nhận."
    )
    article, _ = run(stages, text)
    assert (article.province, article.scope_level) == ("Nghệ An", "agency")


def test_mass_organisation_network_as_subject_is_agency_scope() -> None:
    from pipeline.api import extract

    text = (
        "Hội Nông dân tỉnh Sóc Trăng sơ kết phong trào thi đua\n"
        "Sáng 12/6, Hội Nông dân tỉnh Sóc Trăng tổ chức sơ kết phong trào “Dân vận khéo”. "
        "Năm 2023, các cấp Hội trong tỉnh đã đăng ký 210 mô hình, trong đó 150 mô hình được công nhận."
    )
    place = extract(text).place
    assert place is not None
    assert (place.province, place.scope_level) == ("Sóc Trăng", "agency")
    assert place.scope_name is not None and place.scope_name.startswith("Hội Nông dân")


def test_run_prefilters_agree_with_plain_lookups(stages: tuple[DatesStage, PlacesStage]) -> None:
    """The sweep's shortcuts (name lengths per first word, the one-word set) decide as a plain lookup."""
    places = stages[1]
    names = places._all_names

    def plain(words: list[str]) -> bool:
        return any(" ".join(words[:size]) in names for size in range(1, min(len(words), 6) + 1))

    for run in ["hà nội mới", "bà rịa - vũng tàu tổ chức", "nguyễn thái bình", "lò thị mai", "hồ", "các",
                "thừa thiên huế", "tân phú đông", "ban chỉ đạo"]:
        assert places._starts_with_name(run.split()) == plain(run.split()), run
    for word in ["tỉnh", "báo", "hồ", "các", "trong", "thành", "huyện", "an"]:
        assert (word in places._one_word_runs) == plain([word]), word


_BEFORE_A_WORD = ["", "huyện ", "xã ", "thành phố ", "tỉnh ", "tỉnh ủy ", "Báo ", "của ", "\n", "Huyện ", "xã biên giới "]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_BEFORE_A_WORD), st.data(), st.sampled_from(["", " ủy", " cáo", ", ", " chủ"]), st.booleans())
def test_a_one_word_run_that_is_no_name_reads_as_no_place(
    before: str, data: st.DataObject, after: str, post_merger: bool
) -> None:
    """Why the sweep reads a one-word run only when it is a whole name: an organ's or a unit word
    alone (`Tỉnh ủy`, `Báo cáo`), whatever stands before it, gives no evidence."""
    places = _places_stage()
    words = sorted(w for w in places._organ_words_lower | places._unit_tokens if w not in places._one_word_runs)
    word = data.draw(st.sampled_from(words)).capitalize()
    search = searchable(before + word + after)
    low = lowered(search)
    runs = [run for run in places._run.finditer(search) if run.start() == len(before)]
    if runs and " " not in runs[0].group(0):
        assert places._read_run(search, low, runs[0], post_merger) is None


_UNIT_PIECES = ["Quận", "quận", "QUẬN", "Phường", "phường", "phườngg", " ", "  ", "\n", "3", "12", "123", "a", "x", "-", "."]


@functools.cache
def _places_stage() -> PlacesStage:
    return PlacesStage()


@settings(max_examples=300, deadline=None)
@given(texts_and_windows(_UNIT_PIECES, max_size=16))
def test_numbered_units_found_by_their_words_are_the_sweeps(window: tuple[str, int, int]) -> None:
    places = _places_stage()
    search, start, end = window
    expected = [(m.span(), m.group("unit"), m.group("name")) for m in places._numbered_unit.finditer(search, start, end)]
    found = [(m.span(), m.group("unit"), m.group("name")) for m in places._numbered_units(search, lowered(search), start, end)]
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab .-_)HCMinhồ", min_size=1, max_size=8), min_size=1, max_size=6),
    st.text(alphabet="ab .-_)HCMinhồx", max_size=30),
)
def test_a_text_naming_a_phrase_holds_one_of_its_anchors(phrases: list[str], text: str) -> None:
    from extractors.places import _anchors

    anchors = _anchors(phrases)
    if any(phrase in text for phrase in phrases):
        assert any(anchor in text for anchor in anchors)


_RUN_PIECES = ["Hà", "Nội", "UBND", "H'leo", "M’gar", "A-B", "-", "–", " ", "  ", "\n", "x", "đã", "É", "a-", ".", "3"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_RUN_PIECES), max_size=20))
def test_the_possessive_run_sweep_finds_the_plain_patterns_runs(pieces: list[str]) -> None:
    import regex

    word = r"\p{Lu}[\p{L}\p{M}'’]*(?:-\p{Lu}[\p{L}\p{M}'’]*)?"
    plain = regex.compile(rf"{word}(?:[^\S\n]+(?:[-–][^\S\n]+)?{word})*")
    text = "".join(pieces)
    assert [m.span() for m in _places_stage()._run.finditer(text)] == [m.span() for m in plain.finditer(text)]


_FIGURE_PIECES = ["Toàn tỉnh có ", "TOÀN HUYỆN CÓ ", "hoà ", "Thuỷ ", "12", "1.280", "mười", "hai", " ", "  ", "\n",
                  ". ", "mô hình", "MÔ HÌNH", "MH", "điển hình", "“", "Cỡ chữ: 12 mô hình", "Tin liên quan",
                  "Lượt xem: 3 mô hình", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FIGURE_PIECES), max_size=30))
def test_the_figure_sentences_of_dates_are_those_places_would_read_in_its_own_copy(pieces: list[str]) -> None:
    from extractors.dates import FigureFinder, body_end, figure_sentences

    doc = Document.from_text("".join(pieces))
    # What `places` read before it shared `dates`' figures: its own lower-cased searchable copy of
    # the whole text, the sentences before the body's end.
    own = FigureFinder().first_per_sentence(lowered(searchable(doc.text)), doc.sentences)
    assert figure_sentences(doc) == [(i, f) for i, f in own if doc.sentences[i][0] < body_end(doc)]
