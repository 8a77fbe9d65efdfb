"""The officials stage on sentences written for these tests: every shape of the genre, and the
names that must never become officials (bylines, historical figures, organisations, citizens).

Each case is data: a text and the officials expected from it, as (name, [titles]) in order.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import vocab
from extractors.officials import OfficialsStage, new_tone_placement
from pipeline.document import Document
from schemas.records import Official, Records

Expected = list[tuple[str, list[str]]]

CASES: list[tuple[str, str, Expected]] = [
    # --- a name, then every title
    (
        "name_then_three_titles",
        "Đồng chí Trịnh Văn Lâm, Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh, Trưởng Ban Chỉ đạo tỉnh "
        "phát biểu khai mạc hội nghị.",
        [
            (
                "Trịnh Văn Lâm",
                ["Phó Bí thư Thường trực Tỉnh ủy", "Chủ tịch HĐND tỉnh", "Trưởng Ban Chỉ đạo tỉnh"],
            )
        ],
    ),
    (
        "name_then_titles_without_honorific",
        "Lưu Văn Tuấn, Chủ tịch Hội Nông dân tỉnh, cho biết hội đã vận động hội viên hiến đất.",
        [("Lưu Văn Tuấn", ["Chủ tịch Hội Nông dân tỉnh"])],
    ),
    (
        "name_then_title_after_a_dash",
        "Đồng chí Đinh Thị Yến - Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh phát biểu tham luận.",
        [("Đinh Thị Yến", ["Phó Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"])],
    ),
    (
        "woman_with_ba",
        "Bà Lường Thị Hoa, Chủ tịch Hội Liên hiệp Phụ nữ tỉnh, cho biết năm nay hội có 46 mô hình.",
        [("Lường Thị Hoa", ["Chủ tịch Hội Liên hiệp Phụ nữ tỉnh"])],
    ),
    (
        "name_containing_anh",
        "Bà Đỗ Thị Vân Anh, Phó Giám đốc Sở Nội vụ, trình bày dự thảo kế hoạch.",
        [("Đỗ Thị Vân Anh", ["Phó Giám đốc Sở Nội vụ"])],
    ),
    (
        "title_with_quoted_movement_name",
        "Báo cáo do đồng chí Mạc Thị Dung, Trưởng Ban Dân vận Huyện ủy, Trưởng Ban Chỉ đạo phong trào thi đua "
        "“Dân vận khéo” huyện trình bày.",
        [
            (
                "Mạc Thị Dung",
                ["Trưởng Ban Dân vận Huyện ủy", "Trưởng Ban Chỉ đạo phong trào thi đua “Dân vận khéo” huyện"],
            )
        ],
    ),
    (
        "department_with_comma_and_va_in_its_name",
        "Ông Kiều Văn Hưng, Giám đốc Sở Văn hóa, Thể thao và Du lịch, giới thiệu các mô hình văn hóa.",
        [("Kiều Văn Hưng", ["Giám đốc Sở Văn hóa, Thể thao và Du lịch"])],
    ),
    (
        "position_in_photo_before_titles",
        "Đồng chí Vương Đình Khải (thứ hai từ trái sang), Bí thư Thành ủy trao giấy khen cho các tập thể.",
        [("Vương Đình Khải", ["Bí thư Thành ủy"])],
    ),
    (
        "former_office_keeps_nguyen",
        "Ông Tạ Văn Bình, nguyên Chủ tịch UBND xã Tân Lập, chia sẻ kinh nghiệm vận động nhân dân.",
        [("Tạ Văn Bình", ["nguyên Chủ tịch UBND xã Tân Lập"])],
    ),
    (
        "village_head_in_lowercase",
        "Ông Lò Văn Panh, trưởng bản Huổi Lóng, cho biết cả bản đã góp 120 ngày công làm đường.",
        [("Lò Văn Panh", ["trưởng bản Huổi Lóng"])],
    ),
    (
        "abbreviated_honorific",
        "Đ/c Hoàng Thị Hòa, Trưởng Ban Dân vận Huyện ủy, quán triệt kế hoạch năm 2024.",
        [("Hoàng Thị Hòa", ["Trưởng Ban Dân vận Huyện ủy"])],
    ),
    # --- titles in parentheses
    (
        "parenthesised_title",
        "Theo ông Đặng Quốc Bảo (Chủ tịch UBND huyện Mường Chà), huyện đã có 54 mô hình được công nhận.",
        [("Đặng Quốc Bảo", ["Chủ tịch UBND huyện Mường Chà"])],
    ),
    (
        "parenthesised_titles",
        "Bà Triệu Thị Sao (Phó Bí thư Đảng ủy, Chủ tịch UBND xã Hồng Thái) chia sẻ cách làm của xã.",
        [("Triệu Thị Sao", ["Phó Bí thư Đảng ủy", "Chủ tịch UBND xã Hồng Thái"])],
    ),
    # --- titles, then the name
    (
        "title_then_name_with_honorific",
        "Phát biểu kết luận, đồng chí Phó Bí thư Tỉnh ủy Nông Văn Hiếu ghi nhận kết quả của phong trào.",
        [("Nông Văn Hiếu", ["Phó Bí thư Tỉnh ủy"])],
    ),
    (
        "two_titles_then_name",
        "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy Phạm Thị Hằng trình bày báo cáo tổng kết.",
        [("Phạm Thị Hằng", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng Ban Dân vận Tỉnh ủy"])],
    ),
    (
        "title_with_place_then_name",
        "Chủ tịch UBND tỉnh Hà Nam Trương Văn Lợi trao Bằng khen cho 12 tập thể.",
        [("Trương Văn Lợi", ["Chủ tịch UBND tỉnh Hà Nam"])],
    ),
    (
        "two_people_joined_by_va",
        "Bí thư Tỉnh ủy Lục Văn Tình và Chủ tịch UBND tỉnh Mông Thị Dung cùng trao cờ thi đua.",
        [("Lục Văn Tình", ["Bí thư Tỉnh ủy"]), ("Mông Thị Dung", ["Chủ tịch UBND tỉnh"])],
    ),
    (
        "apposition_with_honorific",
        "Phát biểu tại buổi lễ, Bí thư Huyện ủy, đồng chí Hoàng Văn Nhất nhấn mạnh vai trò của cơ sở.",
        [("Hoàng Văn Nhất", ["Bí thư Huyện ủy"])],
    ),
    (
        "acting_chairman",
        "Quyền Chủ tịch UBND tỉnh Lê Văn Khánh đề nghị các sở, ngành vào cuộc.",
        [("Lê Văn Khánh", ["Quyền Chủ tịch UBND tỉnh"])],
    ),
    (
        "title_then_name_then_more_titles",
        "Trưởng Ban Dân vận Tỉnh ủy Cù Thị Mến, Phó Trưởng Ban Thường trực Ban Chỉ đạo tỉnh phát biểu.",
        [("Cù Thị Mến", ["Trưởng Ban Dân vận Tỉnh ủy", "Phó Trưởng Ban Thường trực Ban Chỉ đạo tỉnh"])],
    ),
    # --- one title shared by a list
    (
        "shared_title_then_each_own",
        "Dự hội nghị có các đồng chí Ủy viên Ban TVTU: Lò Minh Tuấn, Trưởng Ban Tổ chức Tỉnh ủy; Hà Thị Nga, "
        "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh; Vi Văn Sơn, Phó Chủ tịch UBND tỉnh; lãnh đạo các sở, ngành.",
        [
            ("Lò Minh Tuấn", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng Ban Tổ chức Tỉnh ủy"]),
            ("Hà Thị Nga", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"]),
            ("Vi Văn Sơn", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Phó Chủ tịch UBND tỉnh"]),
        ],
    ),
    (
        "shared_title_names_only",
        "Cùng dự có các đồng chí Phó Chủ tịch UBND tỉnh: Phan Đức Toàn, Quách Thị Lan.",
        [("Phan Đức Toàn", ["Phó Chủ tịch UBND tỉnh"]), ("Quách Thị Lan", ["Phó Chủ tịch UBND tỉnh"])],
    ),
    (
        "shared_list_ends_at_a_new_honorific",
        "Chủ trì có các đồng chí Phó Chủ tịch HĐND tỉnh: Bế Văn Hùng, Lý Thị Hồng; đồng chí Tô Văn Thái, "
        "Giám đốc Sở Tư pháp.",
        [
            ("Bế Văn Hùng", ["Phó Chủ tịch HĐND tỉnh"]),
            ("Lý Thị Hồng", ["Phó Chủ tịch HĐND tỉnh"]),
            ("Tô Văn Thái", ["Giám đốc Sở Tư pháp"]),
        ],
    ),
    (
        "list_of_people_with_own_titles",
        "Tham dự có đồng chí Ngô Đức Vượng, Phó Chủ tịch UBND tỉnh; Dương Thị Lụa, Giám đốc Sở Y tế và "
        "Khổng Minh Trí, Chủ tịch Liên đoàn Lao động tỉnh.",
        [
            ("Ngô Đức Vượng", ["Phó Chủ tịch UBND tỉnh"]),
            ("Dương Thị Lụa", ["Giám đốc Sở Y tế"]),
            ("Khổng Minh Trí", ["Chủ tịch Liên đoàn Lao động tỉnh"]),
        ],
    ),
    # --- national figures, ranks
    (
        "national_figure",
        "Đồng chí Bùi Thanh Hương, Ủy viên Trung ương Đảng, Trưởng Ban Dân vận Trung ương dự và phát biểu.",
        [("Bùi Thanh Hương", ["Ủy viên Trung ương Đảng", "Trưởng Ban Dân vận Trung ương"])],
    ),
    (
        "rank_is_a_title",
        "Đại tá Lê Minh Đức, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh chủ trì buổi lễ.",
        [("Lê Minh Đức", ["Đại tá", "Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh"])],
    ),
    (
        "rank_in_apposition",
        "Thay mặt lực lượng công an, Giám đốc Công an tỉnh, Thiếu tướng Triệu Văn Thức phát biểu.",
        [("Triệu Văn Thức", ["Giám đốc Công an tỉnh", "Thiếu tướng"])],
    ),
    # --- abbreviations and old tone placement
    (
        "abbreviations_expanded",
        "Đồng chí Tòng Văn Pâng, Ủy viên BCH TW Đảng, Bí thư Tỉnh ủy dự hội nghị.",
        [("Tòng Văn Pâng", ["Ủy viên Ban Chấp hành Trung ương Đảng", "Bí thư Tỉnh ủy"])],
    ),
    (
        "old_tone_placement",
        "Đồng chí Nguyễn Thị Thuỷ, Uỷ viên BTV Tỉnh uỷ, Phó Chủ tịch HĐND tỉnh dự hội nghị.",
        [("Nguyễn Thị Thuỷ", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Phó Chủ tịch HĐND tỉnh"])],
    ),
    # --- names of ethnic minorities, four and five syllables
    (
        "five_syllable_ede_name_after_title",
        "Phó Chủ tịch UBND tỉnh Y Khoa Niê Kđăm trao quà cho các hộ nghèo.",
        [("Y Khoa Niê Kđăm", ["Phó Chủ tịch UBND tỉnh"])],
    ),
    (
        "jarai_name",
        "Đồng chí Ksor Nay Bình, Bí thư Huyện ủy Ia Pa, chủ trì hội nghị.",
        [("Ksor Nay Bình", ["Bí thư Huyện ủy Ia Pa"])],
    ),
    (
        "khmer_name_after_district",
        "Chủ tịch UBND huyện Trà Cú Thạch Minh Sang phát biểu tại buổi làm việc.",
        [("Thạch Minh Sang", ["Chủ tịch UBND huyện Trà Cú"])],
    ),
    (
        "four_syllables",
        "Đồng chí Nguyễn Thị Thu Hường, Phó Trưởng Ban Thường trực Ban Dân vận Tỉnh ủy phát biểu.",
        [("Nguyễn Thị Thu Hường", ["Phó Trưởng Ban Thường trực Ban Dân vận Tỉnh ủy"])],
    ),
    (
        "hmong_name",
        "Ông Giàng A Tủa, Bí thư Chi bộ bản Sà Phìn, kể lại việc vận động bà con.",
        [("Giàng A Tủa", ["Bí thư Chi bộ bản Sà Phìn"])],
    ),
    (
        "provincial_committee_member",
        "Đồng chí Nguyễn Thị Bình, Tỉnh ủy viên, Chủ tịch Hội Liên hiệp Phụ nữ tỉnh phát biểu.",
        [("Nguyễn Thị Bình", ["Tỉnh ủy viên", "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh"])],
    ),
    (
        "on_behalf_of_is_not_apposition",
        "Thừa ủy quyền của Chủ tịch nước, đồng chí Hoàng Văn Sơn, Bí thư Tỉnh ủy trao Huân chương Lao động.",
        [("Hoàng Văn Sơn", ["Bí thư Tỉnh ủy"])],
    ),
    (
        "titles_joined_by_dashes_and_numbered_committee",
        "Đồng chí Lê Văn An - Phó Chủ tịch UBND huyện - Trưởng Ban Chỉ đạo 35 huyện phát biểu.",
        [("Lê Văn An", ["Phó Chủ tịch UBND huyện", "Trưởng Ban Chỉ đạo 35 huyện"])],
    ),
    (
        "apostrophe_in_a_name",
        "Bà H’Yim Kđoh, Phó Chủ tịch UBND tỉnh, dự buổi lễ.",
        [("H’Yim Kđoh", ["Phó Chủ tịch UBND tỉnh"])],
    ),
    (
        "joiner_kiem",
        "Ông Nguyễn Văn Bảy, Bí thư kiêm Trưởng thôn Nà Hin cho biết thôn có 5 mô hình.",
        [("Nguyễn Văn Bảy", ["Bí thư kiêm Trưởng thôn Nà Hin"])],
    ),
    (
        "degree_is_an_honorific_not_a_title",
        "PGS.TS Nguyễn Văn Hùng, Giám đốc Học viện Chính trị khu vực I phát biểu.",
        [("Nguyễn Văn Hùng", ["Giám đốc Học viện Chính trị khu vực I"])],
    ),
    (
        "two_syllable_name",
        "Tổng Bí thư Tô Lâm nhấn mạnh vai trò của công tác dân vận.",
        [("Tô Lâm", ["Tổng Bí thư"])],
    ),
    (
        "quotation_before_title",
        "“Đảng viên phải gương mẫu”, Bí thư Huyện ủy Lò Văn Hiếu nói.",
        [("Lò Văn Hiếu", ["Bí thư Huyện ủy"])],
    ),
    (
        "commune_with_place_then_name",
        "Theo Bí thư Đảng ủy xã Quảng Phú Hà Văn Tám, xã có 12 mô hình.",
        [("Hà Văn Tám", ["Bí thư Đảng ủy xã Quảng Phú"])],
    ),
    (
        "abbreviated_organisations",
        "Thượng tá Nguyễn Văn Mười, Phó Chỉ huy trưởng Ban CHQS huyện phát biểu.",
        [("Nguyễn Văn Mười", ["Thượng tá", "Phó Chỉ huy trưởng Ban CHQS huyện"])],
    ),
    (
        "former_national_offices",
        "Đồng chí Thào Xuân Sùng, nguyên Ủy viên Trung ương Đảng, nguyên Trưởng Ban Dân vận Trung ương về dự.",
        [("Thào Xuân Sùng", ["nguyên Ủy viên Trung ương Đảng", "nguyên Trưởng Ban Dân vận Trung ương"])],
    ),
    (
        "mixed_capitals_in_a_head",
        "Nhà báo Nguyễn Văn Tiến, Tổng Biên tập Báo Hà Nam phát biểu.",
        [("Nguyễn Văn Tiến", ["Tổng Biên tập Báo Hà Nam"])],
    ),
    (
        "middle_name_marks_an_unlisted_family_name",
        "Chủ tịch UBND huyện Pờ Văn Dơ phát biểu tại hội nghị.",
        [("Pờ Văn Dơ", ["Chủ tịch UBND huyện"])],
    ),
    (
        "second_title_after_dong_thoi_la",
        "Ông Lê Văn Hòa, Chủ tịch UBND xã, đồng thời là Bí thư Đảng ủy xã cho biết.",
        [("Lê Văn Hòa", ["Chủ tịch UBND xã", "Bí thư Đảng ủy xã"])],
    ),
    (
        "shared_list_with_commas_between_people",
        "Cùng dự có các đồng chí Ủy viên BTV Tỉnh ủy: Vũ Văn An, Giám đốc Sở Nội vụ, Trần Văn Bê, "
        "Giám đốc Sở Tài chính.",
        [
            ("Vũ Văn An", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Giám đốc Sở Nội vụ"]),
            ("Trần Văn Bê", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Giám đốc Sở Tài chính"]),
        ],
    ),
    (
        "apposition_without_a_comma",
        "Thay mặt lãnh đạo tỉnh, Phó Chủ tịch UBND tỉnh đồng chí Nguyễn Văn An trao quà cho các hộ.",
        [("Nguyễn Văn An", ["Phó Chủ tịch UBND tỉnh"])],
    ),
    (
        "abbreviated_heads_and_lowercase_committee",
        "Đồng chí Lò Văn Dũng, UVBTV Tỉnh ủy, Trưởng ban Dân vận huyện ủy Mường Tè dự.",
        [("Lò Văn Dũng", ["Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng ban Dân vận huyện ủy Mường Tè"])],
    ),
    (
        "abbreviated_head_before_name",
        "PCT UBND tỉnh Nguyễn Thị Én dự và trao quà.",
        [("Nguyễn Thị Én", ["Phó Chủ tịch UBND tỉnh"])],
    ),
    (
        "shared_title_introduced_by_la",
        "Cùng dự có hai Phó Chủ tịch UBND huyện là Đàm Văn Kiên và Nông Thị Thảo.",
        [("Đàm Văn Kiên", ["Phó Chủ tịch UBND huyện"]), ("Nông Thị Thảo", ["Phó Chủ tịch UBND huyện"])],
    ),
    (
        "shared_title_introduced_by_gom_with_dashes",
        "Dự có các đồng chí Ủy viên Ban Thường vụ Huyện ủy gồm: Tăng Văn Lộc – Trưởng Ban Tổ chức Huyện ủy, "
        "Chu Thị Hiền – Chủ tịch Ủy ban MTTQ Việt Nam huyện và Sầm Văn Phúc – Phó Chủ tịch UBND huyện.",
        [
            ("Tăng Văn Lộc", ["Ủy viên Ban Thường vụ Huyện ủy", "Trưởng Ban Tổ chức Huyện ủy"]),
            ("Chu Thị Hiền", ["Ủy viên Ban Thường vụ Huyện ủy", "Chủ tịch Ủy ban MTTQ Việt Nam huyện"]),
            ("Sầm Văn Phúc", ["Ủy viên Ban Thường vụ Huyện ủy", "Phó Chủ tịch UBND huyện"]),
        ],
    ),
    (
        "teachers_and_the_school_as_unit",
        "Báo cáo do thầy Ngô Quang Trí, Bí thư Chi bộ, Hiệu trưởng nhà trường trình bày; cô Lại Thu Hằng, "
        "Phó Hiệu trưởng cho biết thêm.",
        [
            ("Ngô Quang Trí", ["Bí thư Chi bộ", "Hiệu trưởng nhà trường"]),
            ("Lại Thu Hằng", ["Phó Hiệu trưởng"]),
        ],
    ),
    (
        "branch_as_unit_before_the_name",
        "Giám đốc chi nhánh Khương Văn Đạt chủ trì hội nghị của chi nhánh.",
        [("Khương Văn Đạt", ["Giám đốc chi nhánh"])],
    ),
    (
        "shorter_repeat_of_a_title_is_the_same_title",
        "Phó Bí thư Thường trực Thành ủy Tam Điệp Đoàn Minh Hải dự.\n"
        "Phó Bí thư Thường trực Thành ủy Đoàn Minh Hải đề nghị các phường làm tốt hơn.",
        [("Đoàn Minh Hải", ["Phó Bí thư Thường trực Thành ủy Tam Điệp"])],
    ),
    (
        "steering_committee_with_its_purpose",
        "Đồng chí Bạch Văn Thông, Phó Chủ tịch UBND huyện, Trưởng Ban Chỉ đạo thực hiện Quy chế dân chủ "
        "ở cơ sở huyện phát biểu.",
        [
            (
                "Bạch Văn Thông",
                ["Phó Chủ tịch UBND huyện", "Trưởng Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở huyện"],
            )
        ],
    ),
    (
        "committee_purpose_after_a_head_ending_in_ban",
        "Bà Diệp Thị Xuân, Phó Trưởng Ban Vì sự tiến bộ của phụ nữ tỉnh, dự buổi lễ.",
        [("Diệp Thị Xuân", ["Phó Trưởng Ban Vì sự tiến bộ của phụ nữ tỉnh"])],
    ),
    (
        "verb_after_committee_level_is_not_its_purpose",
        "Trưởng Ban Chỉ đạo huyện Lưu Đình Khoa xây dựng kế hoạch kiểm tra.",
        [("Lưu Đình Khoa", ["Trưởng Ban Chỉ đạo huyện"])],
    ),
    (
        "organisation_with_a_name_before_the_person",
        "Giám đốc HTX Tân Tiến Lò Văn Hùng cho biết hợp tác xã có 40 thành viên.",
        [("Lò Văn Hùng", ["Giám đốc HTX Tân Tiến"])],
    ),
    # --- never officials
    ("byline_news_and_photo", "Tin, ảnh: Minh Khôi", []),
    ("byline_article_and_photo", "Bài và ảnh: Hoàng Yến", []),
    ("byline_of_an_official_author", "Tin, ảnh: Nguyễn Thị Hoa (Phó Trưởng Ban Dân vận Huyện ủy)", []),
    (
        "caption_opening_with_anh",
        "Ảnh: Đồng chí Lương Văn Cảnh, Bí thư Huyện ủy phát biểu.",
        [("Lương Văn Cảnh", ["Bí thư Huyện ủy"])],
    ),
    (
        "signature_of_a_contributing_cadre",
        "Đồng chí Lê Văn Bình, Bí thư Tỉnh ủy dự.\nCác mô hình đã lan tỏa.\n\n"
        "Nguyễn Thị Hoa - Phó Trưởng Ban Dân vận Huyện ủy",
        [("Lê Văn Bình", ["Bí thư Tỉnh ủy"])],
    ),
    ("byline_with_a_rank_only", "Các mô hình đã phát huy hiệu quả.\n\nĐại úy Nông Minh Hào (12/10/2024)", []),
    ("reporter_alone_on_last_line", "Các mô hình đã lan tỏa trong cộng đồng.\n\nThu Trang", []),
    ("historical_quotation", "Chủ tịch Hồ Chí Minh đã dạy: “Dân vận khéo thì việc gì cũng thành công”.", []),
    ("uncle_ho", "Thấm nhuần lời dạy của Bác Hồ, cán bộ xã luôn gần dân.", []),
    ("organisation_acts", "Ban Chỉ đạo tỉnh đã ban hành kế hoạch và hướng dẫn các huyện.", []),
    ("bloc_party_committee", "Đảng ủy Khối các cơ quan tỉnh tổ chức hội nghị sơ kết.", []),
    ("office_without_a_name", "Nhân dịp này, Chủ tịch UBND tỉnh tặng Bằng khen cho 20 tập thể.", []),
    (
        "citizen_in_a_story",
        "Gia đình bà Lò Thị Mai ở bản Nà Sự đã hiến 300 m2 đất làm đường giao thông nông thôn.",
        [],
    ),
    ("citizen_with_age", "Ông Nguyễn Văn Tư, 62 tuổi, ở thôn 3 cho biết cả thôn đồng lòng.", []),
    ("place_named_after_a_title", "Bí thư Huyện ủy Lâm Bình cho biết huyện có 32 mô hình.", []),
    ("commune_named_after_a_hero", "Chủ tịch UBND xã Lê Lợi phát biểu tại hội nghị.", []),
    (
        "place_before_a_comma",
        "Tại Lâm Đồng, Phó Chủ tịch UBND tỉnh Đinh Văn Tuấn kiểm tra mô hình.",
        [("Đinh Văn Tuấn", ["Phó Chủ tịch UBND tỉnh"])],
    ),
    ("verb_after_title_is_not_organisation", "Trưởng Ban Dân vận Tỉnh ủy tổ chức đoàn công tác.", []),
    ("village_elder_is_not_an_office", "Già làng Hồ Văn Kỳ cùng bà con dọn vệ sinh đường làng.", []),
    ("member_is_not_an_office", "Chị Lò Thị Dung, hội viên Hội Phụ nữ bản Mển, là người đi đầu.", []),
    ("company_name_is_not_a_person", "Giám đốc Bưu điện Phú Quốc cho biết đã hỗ trợ 200 triệu đồng.", []),
    ("company_with_a_family_name", "Giám đốc Công ty TNHH Hoàng Long cho biết công ty đã hỗ trợ.", []),
    ("university_name", "Bí thư Đảng ủy Trường Đại học Hồng Đức phát biểu tại hội nghị.", []),
    ("bà_con_is_not_an_honorific", "Bà con Nhân dân đồng tình hưởng ứng, Trưởng thôn vận động từng hộ.", []),
]


@cache
def stage() -> OfficialsStage:
    return OfficialsStage()


def run(text: str) -> tuple[Document, list[Official]]:
    doc = Document.from_text(text)
    return doc, stage()(doc, Records())


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in CASES], ids=[c[0] for c in CASES])
def test_officials(text: str, expected: Expected) -> None:
    _, found = run(text)
    assert [(o.name, list(o.titles)) for o in found] == expected


@pytest.mark.parametrize("text", [t for _, t, e in CASES if e], ids=[c[0] for c in CASES if c[2]])
def test_offsets_point_at_the_name_and_rule_is_named(text: str) -> None:
    doc, found = run(text)
    for official in found:
        assert doc.text[official.start : official.end] == official.name
        assert official.rule in {
            "name_then_titles",
            "name_parenthesised_titles",
            "title_then_name",
            "shared_title_list",
        }


def test_body_and_caption_make_one_person_with_the_union_of_titles() -> None:
    text = (
        "Đồng chí Cầm Ngọc Minh, Phó Chủ tịch UBND tỉnh dự hội nghị.\n"
        "Các đại biểu dự hội nghị.\n"
        "Đồng chí Cầm Ngọc Minh, Ủy viên BTV Tỉnh ủy, Phó Chủ tịch UBND tỉnh trao Bằng khen cho các tập thể."
    )
    _, found = run(text)
    assert [(o.name, o.titles) for o in found] == [
        ("Cầm Ngọc Minh", ("Phó Chủ tịch UBND tỉnh", "Ủy viên Ban Thường vụ Tỉnh ủy"))
    ]
    assert found[0].start == text.index("Cầm Ngọc Minh")


def test_first_mention_may_carry_no_title() -> None:
    text = "Đồng chí Lê Văn Hải đến dự và trao quà.\nĐồng chí Lê Văn Hải, Bí thư Huyện ủy, phát biểu chỉ đạo."
    _, found = run(text)
    assert [(o.name, o.titles, o.start) for o in found] == [("Lê Văn Hải", ("Bí thư Huyện ủy",), 9)]


def test_a_name_known_from_elsewhere_decides_where_it_starts() -> None:
    # `Sơn Hà` is a district and `Hà` a family name: the name written elsewhere in the article
    # decides that the person is `Hà Thị Sơn`... and not the district.
    text = (
        "Đồng chí Hà Thị Sơn, Bí thư Huyện ủy Sơn Hà, dự hội nghị.\n"
        "Phát biểu chỉ đạo, Bí thư Huyện ủy Sơn Hà Hà Thị Sơn đề nghị các xã tiếp tục nhân rộng mô hình."
    )
    _, found = run(text)
    assert [(o.name, o.titles) for o in found] == [("Hà Thị Sơn", ("Bí thư Huyện ủy Sơn Hà",))]


def test_order_is_first_mention() -> None:
    text = "Chủ tịch UBND tỉnh Đoàn Văn Việt phát biểu.\nDự có đồng chí Vũ Thị Lan, Phó Chủ tịch HĐND tỉnh."
    _, found = run(text)
    assert [o.name for o in found] == ["Đoàn Văn Việt", "Vũ Thị Lan"]


def test_furniture_is_not_read() -> None:
    text = "Lượt xem: 1396\nĐồng chí Mai Thanh Bình, Giám đốc Sở Nội vụ, dự hội nghị."
    doc, found = run(text)
    assert [o.name for o in found] == ["Mai Thanh Bình"]
    assert doc.text[found[0].start : found[0].end] == "Mai Thanh Bình"


def test_text_without_candidates_costs_nothing() -> None:
    _, found = run("Năm 2023, toàn tỉnh có 1.280 mô hình được công nhận.")
    assert found == []


def test_underthesea_settles_a_name_no_rule_does(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Trưởng Ban Dân vận Huyện ủy Pờ Dơ phát biểu tại hội nghị."

    def tagger(words: list[tuple[str, str]]) -> object:
        return lambda sentence: [(w, "Np", "B-NP", label) for w, label in words]

    fresh = OfficialsStage()
    monkeypatch.setattr(
        fresh, "_ner", tagger([("Trưởng Ban Dân vận Huyện ủy", "O"), ("Pờ Dơ", "B-PER"), ("phát biểu", "O")])
    )
    assert [o.name for o in fresh(Document.from_text(text), Records())] == ["Pờ Dơ"]
    monkeypatch.setattr(fresh, "_ner", tagger([("Pờ Dơ", "B-LOC")]))
    assert fresh(Document.from_text(text), Records()) == []

    def broken(sentence: str) -> list[tuple[str, str, str, str]]:
        raise RuntimeError("model missing")

    monkeypatch.setattr(fresh, "_ner", broken)
    assert fresh(Document.from_text(text), Records()) == []


@pytest.mark.parametrize("head", vocab.load("titles")["heads"])
def test_prefilter_finds_every_head(head: str) -> None:
    spellings = {head} if head.isupper() else {head, head[:1].upper() + head[1:].lower()}
    for spelling in spellings:
        doc = Document.from_text(f"Hôm qua, {spelling} Nguyễn Văn An dự.")
        assert stage()._candidates(doc), spelling


def test_new_tone_placement_keeps_length_and_leaves_closed_syllables() -> None:
    for old, new in [
        ("Uỷ ban", "Ủy ban"),
        ("hoà giải", "hòa giải"),
        ("Thuỷ", "Thủy"),
        ("quý", "quý"),
        ("hoàn", "hoàn"),
    ]:
        assert new_tone_placement(old) == new
        assert len(new_tone_placement(old)) == len(old)


# --------------------------------------------------------------------------- the vocabulary
def test_place_gazetteer_lines_are_unique_nfc_names() -> None:
    lines = [line for line in vocab.load("officials_places")["places"].splitlines() if line.strip()]
    assert len(lines) == len(set(lines))
    for line in lines:
        assert unicodedata.is_normalized("NFC", line)
        assert line == line.strip() and len(line.split()) >= 2


def test_place_gazetteer_holds_every_legacy_province_and_district() -> None:
    import json
    from importlib import resources

    data = json.loads(
        (resources.files("vietnamadminunits") / "data" / "parser_legacy.json").read_text("utf-8")
    )
    names = {v["provinceShort"] for v in data["DICT_PROVINCE"].values()}
    names |= {
        d["districtShort"]
        for districts in data["DICT_PROVINCE_DISTRICT"].values()
        for d in districts.values()
    }
    wanted = {unicodedata.normalize("NFC", n) for n in names if isinstance(n, str) and len(n.split()) >= 2}
    wanted = {n for n in wanted if not any(c.isdigit() for c in n)}
    held = set(vocab.load("officials_places")["places"].splitlines())
    assert wanted <= held, sorted(wanted - held)[:10]


def test_abbreviation_patterns_compile_and_expand() -> None:
    table = vocab.load("abbreviations")
    for pattern, _ in table["title_expansions"]:
        regex.compile(pattern)
    for old, new in table["tone_placement"].items():
        assert len(old) == len(new)


def test_title_vocabulary_has_no_case_insensitive_duplicates() -> None:
    for name in ("titles", "person_names"):
        data = vocab.load(name)
        for key, values in data.items():
            lists = values.values() if isinstance(values, dict) else [values]
            for entries in lists:
                lowered = [new_tone_placement(v).lower() for v in entries]
                assert len(lowered) == len(set(lowered)), f"{name}.{key} has duplicates"


# --------------------------------------------------------------------------- robustness
_PIECES = [
    "Đồng chí",
    "đồng chí",
    "các đồng chí",
    "ông",
    "Bà",
    "Đại tá",
    "Phó Chủ tịch",
    "Chủ tịch",
    "UBND",
    "HĐND",
    "tỉnh",
    "huyện",
    "Ban TVTU",
    "Ủy viên",
    "Trưởng Ban",
    "Chỉ đạo",
    "Dân vận",
    "Tỉnh ủy",
    "Nguyễn",
    "Văn",
    "Thị",
    "An",
    "Hà",
    "Nam",
    "Lâm",
    "Bình",
    "Y",
    "Niê",
    "Hồ Chí Minh",
    "“",
    "”",
    "(",
    ")",
    ",",
    ";",
    ":",
    "-",
    "–",
    ".",
    "và",
    "là",
    "gồm",
    "phát biểu",
    "trao",
    "\n",
    "1.635",
    "Bác",
    "Tin, ảnh:",
    "uỷ",
    "Thuỷ",
    "kiêm",
    "đồng thời là",
    "nguyên",
    "Công ty",
    "xã",
    "Sơn Hà",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_arrangement_of_genre_words_is_read_without_error(pieces: list[str]) -> None:
    doc, found = run(" ".join(pieces))
    for official in found:
        assert doc.text[official.start : official.end] == official.name
        assert official.titles and all(t.strip() for t in official.titles)
        assert len(set(official.titles)) == len(official.titles)


# The speed-ups behind the stage's reading must not change what it reads.
_TOKEN_PIECES = [
    *_PIECES,
    "Σ",
    "ΑΣ",
    "σ",
    "İ",
    "ß",
    "AB'",
    "HĐND’",
    "H'Hen",
    "hoà",
    "Hoà",
    "HOÀ",
    "quý",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "½",
    "²",
    "_",
    "x",
    "X",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKEN_PIECES), max_size=30))
def test_word_keys_are_the_words_of_the_normalised_sentence(pieces: list[str]) -> None:
    from extractors.officials import _TOKEN

    text = "".join(pieces)
    sentence = stage()._tokenise(text, 0)
    matches = list(_TOKEN.finditer(text))
    assert sentence.words == [m.group(0) for m in matches]
    assert [sentence.span(i) for i in range(len(sentence))] == [m.span() for m in matches]
    assert sentence.kinds == [m.lastindex for m in matches]
    normal = new_tone_placement(text).lower()
    if len(normal) == len(text):
        assert sentence.keys == [normal[start:end] for start, end in map(re.Match.span, matches)]
    else:
        assert sentence.keys == [OfficialsStage._key(w) for w in sentence.words]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_name_words_and_openings_follow_their_definition(pieces: list[str]) -> None:
    from extractors.officials import _CAP, _LOW

    reader = stage()
    sentence = reader._tokenise(" ".join(pieces), 0)
    (matches,) = reader._vocabulary_matches([sentence])
    reader._read_matches(sentence, matches)
    name_words = [
        kind == _CAP and not covered and key not in reader._not_name and i not in sentence.triggers
        for i, (kind, covered, key) in enumerate(
            zip(sentence.kinds, sentence.covered, sentence.keys, strict=True)
        )
    ]
    assert sentence.name_words == name_words
    heads_before_lowercase_ones = {i for i in sentence.heads if sentence.kinds[i] != _LOW}
    family_names = {
        i for i, is_name in enumerate(name_words) if is_name and sentence.keys[i] in reader._surnames
    }
    openings = {*sentence.triggers, *sentence.modifiers} | family_names
    # Lowercase heads are added after the openings are taken: only capitalised ones open.
    assert sentence.openings == sorted(openings | heads_before_lowercase_ones)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from("abc"), min_size=0, max_size=3), max_size=4),
    st.lists(st.sampled_from("abcd"), max_size=6),
    st.integers(-8, 8),
)
def test_phrase_lookups_skip_only_what_cannot_match(
    phrases: list[list[str]], keys: list[str], at: int
) -> None:
    from extractors.officials import _ends_with_any, _PhraseSet, _starts_with_any

    phrase_set = _PhraseSet(phrases)
    known, lengths = phrase_set.phrases, phrase_set.lengths
    assert _ends_with_any(keys, at, phrase_set) == any(
        length <= at and tuple(keys[at - length : at]) in known for length in lengths
    )
    assert _starts_with_any(keys, at, phrase_set) == any(
        tuple(keys[at : at + length]) in known for length in lengths
    )


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "hoà",
                "Hoà",
                "HOÀ",
                "uỷ",
                "Uỷ",
                "quý",
                "Qoà",
                "qoà",
                "oàn",
                "oà½",
                "oà_",
                "oà1",
                "oàß",
                "o",
                "à",
                "ý",
                "q",
                " ",
                "\n",
                "x",
                "\u0301",
                "ɑ",
                "'",
            ]
        ),
        max_size=10,
    )
)
def test_tone_placement_skips_only_texts_without_an_old_pair(pieces: list[str]) -> None:
    from extractors.officials import _OLD_TONE, _TONE_TABLE

    text = "".join(pieces)
    assert new_tone_placement(text) == _OLD_TONE.sub(lambda m: _TONE_TABLE[m.group(0)], text)
