"""Cleaning keeps offsets true: NFC, furniture blanked (not cut), sentences mapped back."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.document import Document, clean_text, content_id


def test_decomposed_input_becomes_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Phong trào thi đua “Dân vận khéo” năm 2023")
    doc = Document.from_text(decomposed)
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.text == unicodedata.normalize("NFC", decomposed)


def test_same_article_decomposed_or_not_has_one_id() -> None:
    text = "Toàn tỉnh có 1.280 mô hình được công nhận."
    assert Document.from_text(text).id == Document.from_text(unicodedata.normalize("NFD", text)).id
    assert Document.from_text(text).id == content_id(text)


def test_cleaning_unifies_newlines_and_spaces() -> None:
    assert clean_text("a\r\nb\rc\u00a0d\u200be\t f  \n") == "a\nb\nc de  f"


# Text drawn from what cleaning acts on: Vietnamese letters, decomposed marks, odd spaces,
# invisible and control characters, every kind of line break.
_DIRTY_ALPHABET = "aăâđêôơưAĐ ờữẫ\u0300\u0301\u0323\r\n\t\u00a0\u200b\ufeff\x00\x07\x85\u2028\u3000.,1"


@given(st.text(alphabet=_DIRTY_ALPHABET, max_size=60))
def test_cleaning_is_idempotent(raw: str) -> None:
    # The runner hashes cleaned text and hands it on; `Document.from_raw` cleans it again and
    # must get the same text (and id), or a re-run would store the article twice.
    once = clean_text(raw)
    assert clean_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@pytest.mark.parametrize(
    "line",
    [
        "Lượt xem: 1396",
        "Tăng cỡ chữ Giảm cỡ chữ",
        "PublishingPortal - Block_BanTin_Toolbar",
        "Skip Ribbon Commands",
        "anh-hoi-nghi (2).jpg",
        "Chia sẻ",
        "Tin liên quan",
        "Mã kiểm tra no image",
        "Bài viết mới nhất:",
    ],
)
def test_furniture_lines_are_blanked_but_kept(line: str) -> None:
    text = f"Tiêu đề bài viết\n{line}\nToàn tỉnh có 42 mô hình đăng ký."
    doc = Document.from_text(text)
    assert doc.text == text  # articles.text keeps everything
    assert line not in doc.content
    assert len(doc.content) == len(doc.text)
    assert doc.content.endswith("Toàn tỉnh có 42 mô hình đăng ký.")


def test_body_lines_are_not_furniture() -> None:
    text = "Trong năm, toàn tỉnh có 2.000 mô hình đăng ký thực hiện.\nTin, ảnh: Minh Hà"
    doc = Document.from_text(text)
    assert "2.000 mô hình" in doc.content


def test_sentence_spans_index_the_text() -> None:
    text = "Tiêu đề\n\nCâu thứ nhất có 12 mô hình. Câu thứ hai có 13 mô hình.\nDòng khác."
    doc = Document.from_text(text)
    sentences = [doc.text[s:e] for s, e in doc.sentences]
    assert "Câu thứ nhất có 12 mô hình." in sentences
    assert "Câu thứ hai có 13 mô hình." in sentences
    offset = doc.text.index("13")
    start, end = doc.sentence_at(offset)
    assert doc.text[start:end] == "Câu thứ hai có 13 mô hình."


def test_stage_order_is_checked() -> None:
    from pipeline.stages import STAGES, StageOrderError, StageSpec, build_stages

    places_first = [spec for spec in STAGES if spec.name == "places"] + [
        spec for spec in STAGES if spec.name != "places"
    ]
    with pytest.raises(StageOrderError):
        build_stages(places_first)
    assert [s.name for s in build_stages()] == [spec.name for spec in STAGES]
    assert all(isinstance(spec, StageSpec) for spec in STAGES)


# `underthesea_sentences` takes underthesea's own steps, only faster: it must split exactly as
# `sent_tokenize` does, on real paragraphs and on text made of what the splitter reacts to.
_SPLITTER_ALPHABET = "ab AĐ1.?!\t\n…"


def _corpus_paragraphs() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "corpora"
    return [
        line
        for path in sorted(root.glob("*/texts/*.txt"))
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]


def test_fast_sentence_split_equals_underthesea_on_the_corpora() -> None:
    from underthesea import sent_tokenize

    from pipeline.document import underthesea_sentences

    paragraphs = _corpus_paragraphs()
    assert len(paragraphs) > 1000
    assert [underthesea_sentences(p) for p in paragraphs] == [sent_tokenize(p) for p in paragraphs]


@given(st.text(alphabet=_SPLITTER_ALPHABET, max_size=40))
def test_fast_sentence_split_equals_underthesea_on_any_text(text: str) -> None:
    from underthesea import sent_tokenize

    from pipeline.document import underthesea_sentences

    assert underthesea_sentences(text) == sent_tokenize(text)


def test_fast_sentence_split_reads_abbreviations_and_ellipses() -> None:
    from pipeline.document import underthesea_sentences

    text = "Đồng chí Nguyễn Văn A., TP. Hà Nội có 1.250 mô hình... Năm sau tăng thêm! Vậy?"
    assert underthesea_sentences(text) == [
        "Đồng chí Nguyễn Văn A., TP. Hà Nội có 1.250 mô hình...",
        "Năm sau tăng thêm!",
        "Vậy?",
    ]


def test_the_quick_test_for_dirty_text_flags_exactly_what_cleaning_changes() -> None:
    # `clean_text` skips its substitutions when this one search finds nothing: it must find
    # every character a substitution acts on, and (to stay cheap to reason about) only those.
    from pipeline.document import _CONTROL, _INVISIBLE, _NEEDS_SUBSTITUTION, _ODD_SPACE

    for code in range(0x10000):
        char = chr(code)
        substituted = char == "\r" or any(p.match(char) for p in (_INVISIBLE, _CONTROL, _ODD_SPACE))
        assert bool(_NEEDS_SUBSTITUTION.match(char)) == substituted, hex(code)
