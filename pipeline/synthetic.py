"""A synthetic archive for the benchmark and the runner tests: N unique articles from a few real ones.

Each article is a real base text (the sample corpus, else the shared seeds, else a built-in
report) rewritten deterministically from its index: figures scaled, years shifted, people's
names and the province swapped, and a closing byline that carries the index, so every article
has its own content hash and the extractors see the same kind of text as in the real corpus.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path

import regex

from corpora import SAMPLE_TEXTS
from pipeline.document import RawDocument

SEEDS_DIR = Path("/work/shared/seeds")
# Files per folder of a written archive: folders of thousands of files stay fast to list.
FILES_PER_FOLDER = 1000

_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
             "Hồ", "Ngô", "Dương", "Lý", "Mai", "Đinh", "Trịnh", "Lương")
_MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Ngọc", "Xuân", "Hồng", "Công", "Kim")
_GIVEN = ("Anh", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Hương", "Lan", "Linh", "Long",
          "Mai", "Nam", "Nga", "Phong", "Quân", "Sơn", "Tâm", "Thắng", "Thảo", "Trung", "Tuấn", "Vinh")
_PROVINCES = ("Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Nam Định", "Thái Bình", "Hà Nam",
              "Ninh Bình", "Bắc Giang", "Phú Thọ", "Lào Cai", "Yên Bái", "Tuyên Quang", "Hòa Bình",
              "Quảng Ngãi", "Bình Định", "Đắk Lắk", "Gia Lai", "Long An", "Đồng Tháp", "An Giang",
              "Cà Mau", "Sóc Trăng", "Bến Tre", "Vĩnh Long", "Tây Ninh", "Bình Phước", "Lâm Đồng")

# A person's name as the press writes it: a common surname and one to three capitalised syllables.
_PERSON = regex.compile(
    r"\b(?:" + "|".join(_SURNAMES) + r")(?: \p{Lu}\p{Ll}+){1,3}\b"
)
_PROVINCE = regex.compile(r"\b(?:" + "|".join(sorted(_PROVINCES, key=len, reverse=True)) + r")\b")
# Whole numbers as written, with Vietnamese thousands dots ("2.145"); decimals ("58,3") are left alone.
_NUMBER = regex.compile(r"(?<![\d,.])\d{1,3}(?:\.\d{3})+(?![\d,])|(?<![\d,.])\d+(?![\d,.]\d)")

BUILTIN_TEXT = """Tổng kết phong trào thi đua "Dân vận khéo" tỉnh Nam Định năm 2023
Chiều 28/12, Ban Chỉ đạo phong trào thi đua "Dân vận khéo" tỉnh Nam Định tổ chức hội nghị tổng kết phong trào năm 2023. Đồng chí Trần Văn Chung, Phó Bí thư Thường trực Tỉnh ủy, dự và chỉ đạo hội nghị.

Năm 2023, toàn tỉnh đăng ký xây dựng 1.245 mô hình, điển hình "Dân vận khéo", trong đó lĩnh vực kinh tế 412 mô hình; văn hóa - xã hội 305 mô hình; quốc phòng - an ninh 218 mô hình; xây dựng hệ thống chính trị 310 mô hình.

Qua thẩm định, Ban Chỉ đạo các cấp đã công nhận 950 mô hình, tăng 76 mô hình so với năm 2022. Trong giai đoạn 2021-2025, toàn tỉnh phấn đấu mỗi năm có ít nhất 1.000 mô hình được công nhận.

Nhân dịp này, Chủ tịch UBND tỉnh tặng Bằng khen cho 18 tập thể, 12 cá nhân; Trưởng Ban Dân vận Tỉnh ủy tặng Giấy khen cho 25 tập thể, 20 cá nhân có thành tích xuất sắc.
"""


def base_texts() -> list[str]:
    """The real articles to vary: the sample corpus, else the shared seeds, else the built-in one."""
    for folder in (SAMPLE_TEXTS, SEEDS_DIR):
        if folder.is_dir():
            texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
            texts = [t for t in texts if t.strip()]
            if texts:
                return texts
    return [BUILTIN_TEXT]


def _format_thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _random_name(rng: random.Random) -> str:
    return f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def vary(text: str, index: int) -> str:
    """`text` rewritten for article `index`: deterministic, and unique per index (the byline)."""
    rng = random.Random(index)
    year_shift = rng.randint(-4, 2)
    scale = rng.uniform(0.4, 1.8)

    def number(match: regex.Match[str]) -> str:
        written = match.group()
        value = int(written.replace(".", ""))
        if 1990 <= value <= 2030 and "." not in written:
            # a year: shift the whole article's calendar together, so ranges stay ranges
            return str(value + year_shift)
        if value <= 31 and "." not in written:
            # days, months and small counts stay as they are, so dates stay valid
            return written
        scaled = max(32, round(value * scale))
        return _format_thousands(scaled) if scaled >= 1000 else str(scaled)

    names: dict[str, str] = {}

    def person(match: regex.Match[str]) -> str:
        # the same person keeps the same new name throughout the article
        return names.setdefault(match.group(), _random_name(rng))

    province = rng.choice(_PROVINCES)
    text = _NUMBER.sub(number, text)
    text = _PERSON.sub(person, text)
    text = _PROVINCE.sub(province, text)
    return f"{text.rstrip()}\n\n{_random_name(rng)} (tin số {index + 1})\n"


def synthetic_documents(count: int, bases: Sequence[str] | None = None) -> Iterator[RawDocument]:
    """`count` unique raw documents, generated lazily (memory does not grow with `count`)."""
    texts = list(bases) if bases is not None else base_texts()
    for index in range(count):
        yield RawDocument(source=f"synthetic/{index:07d}.txt", text=vary(texts[index % len(texts)], index))


def write_archive(folder: str | Path, count: int, bases: Sequence[str] | None = None) -> Path:
    """Write `count` unique articles as UTF-8 .txt files under `folder` (in sub-folders of 1,000)."""
    root = Path(folder)
    for index, raw in enumerate(synthetic_documents(count, bases)):
        path = root / f"{index // FILES_PER_FOLDER:04d}" / f"{index:07d}.txt"
        if index % FILES_PER_FOLDER == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(raw.text, encoding="utf-8")
    return root
