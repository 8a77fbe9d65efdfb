"""The Vietnamese number reader: examples, and properties over every number it should read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.numbers import find_numbers, read_number, read_words

EXAMPLES = [
    ("1.635", 1635),
    ("2.537", 2537),
    ("06", 6),
    ("09", 9),
    ("12.345.678", 12345678),
    ("hai", 2),
    ("mười", 10),
    ("mười lăm", 15),
    ("hai mươi mốt", 21),
    ("bốn mươi lăm", 45),
    ("ba mươi tư", 34),
    ("một trăm", 100),
    ("một trăm linh năm", 105),
    ("ba trăm hai mươi", 320),
    ("hai nghìn", 2000),
    ("một nghìn hai trăm", 1200),
    ("hai ngàn không trăm năm mươi", 2050),
]


@pytest.mark.parametrize(("text", "value"), EXAMPLES)
def test_reads_examples(text: str, value: int) -> None:
    assert read_number(text) == value


@pytest.mark.parametrize("text", ["mươi", "trăm trăm", "hai ba", "mười mười", ""])
def test_refuses_non_numbers(text: str) -> None:
    assert read_number(text) is None


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("gần 200 mô hình", 200, "approx"),
        ("khoảng 1.500 mô hình", 1500, "approx"),
        ("trên 1.000 tập thể", 1000, "more_than"),
        ("hơn 300 mô hình", 300, "more_than"),
        ("ít nhất 50 mô hình", 50, "at_least"),
        ("không dưới 30 mô hình", 30, "at_least"),
        ("dưới 20 mô hình", 20, "at_most"),
        ("không quá 15 mô hình", 15, "at_most"),
        ("có 42 mô hình", 42, "exact"),
    ],
)
def test_qualifiers(text: str, value: int, qualifier: str) -> None:
    found = find_numbers(text)
    assert [(n.value, n.qualifier) for n in found] == [(value, qualifier)]
    assert text[found[0].start : found[0].end].replace(".", "").isdigit()


@pytest.mark.parametrize(
    "text",
    ["đạt 95,2% kế hoạch", "8/8 huyện", "100% xã", "hàng trăm mô hình", "hàng nghìn hội viên", "là một mô hình hay"],
)
def test_not_counts(text: str) -> None:
    assert find_numbers(text) == []


UNITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def spell(n: int) -> str:
    """An independent speller (the oracle): standard northern reading of 0 < n < 1,000,000."""

    def below_hundred(x: int, after_hundred: bool) -> list[str]:
        tens, unit = divmod(x, 10)
        if tens == 0:
            return (["linh"] if after_hundred and unit else []) + ([UNITS[unit]] if unit else [])
        words = ["mười"] if tens == 1 else [UNITS[tens], "mươi"]
        if unit == 5:
            words.append("lăm")
        elif unit == 1 and tens > 1:
            words.append("mốt")
        elif unit:
            words.append(UNITS[unit])
        return words

    def below_thousand(x: int, full: bool) -> list[str]:
        hundreds, rest = divmod(x, 100)
        words: list[str] = []
        if hundreds or full:
            words += [UNITS[hundreds], "trăm"]
        return words + below_hundred(rest, bool(hundreds or full))

    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words += [*below_thousand(thousands, False), "nghìn"]
        if rest:
            words += below_thousand(rest, True)
    else:
        words += below_thousand(rest, False)
    return " ".join(words)


@given(st.integers(min_value=1, max_value=999_999))
def test_reads_every_spelled_number(n: int) -> None:
    assert read_words(spell(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_reads_dot_thousands(n: int) -> None:
    written = f"{n:,}".replace(",", ".")
    assert read_number(written) == n
    found = find_numbers(f"có {written} mô hình")
    assert [m.value for m in found] == [n]


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=1, max_value=3))
def test_reads_leading_zeros(n: int, zeros: int) -> None:
    assert read_number("0" * zeros + str(n)) == n


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=9))
def test_decimals_and_percentages_are_never_counts(whole: int, decimal: int) -> None:
    assert find_numbers(f"đạt {whole},{decimal}% chỉ tiêu") == []
    assert find_numbers(f"{whole}% mô hình") == []


_RUN_PIECES = ["hai", "mươi", "năm", "ba", "trăm", "một", "không", "x", "a", " ", "  ", "\n", "-", "1", ".", "mốt", "ban",
               "ức", "ê", "\u0301", "_"]


@given(st.lists(st.sampled_from(_RUN_PIECES), max_size=20))
def test_word_number_runs_are_the_patterns_matches(pieces: list[str]) -> None:
    from extractors.numbers import word_number_pattern, word_number_runs

    low = "".join(pieces)
    assert [m.span() for m in word_number_runs(low)] == [m.span() for m in word_number_pattern().finditer(low)]


_QUALIFIED_PIECES = ["gần", "GẦN", "khoảng", "Hơn", "trên", "ít nhất", "không dưới", "tối đa", "chưa tİ", "ſ", " ", "  ",
                     "\n", "x", "12", "1.635", "mô hình", ",", "İ", "xấp xỉ", "ĐẾN"]


@given(st.lists(st.sampled_from(_QUALIFIED_PIECES), max_size=14), st.data())
def test_qualified_numbers_match_the_qualifier_search(pieces: list[str], data: st.DataObject) -> None:
    """`qualified` skips the regex when the window cannot hold a qualifier: same result."""
    from extractors.numbers import (
        NumberMatch,
        _qualifier_before,
        qualified,
        qualifier_code,
        written_numbers,
    )

    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    for number in written_numbers(text, start):
        qual = _qualifier_before().search(text, max(start, number.start - 24), number.start)
        expected = NumberMatch(
            value=number.value,
            qualifier=qualifier_code(qual.group("qual") if qual else None),
            start=number.start,
            end=number.end,
            qualifier_start=qual.start() if qual else number.start,
        )
        assert qualified(text, number, start) == expected


_WORD_PIECES = [*_RUN_PIECES, "bốn", "bảy", "bẩy", "tư", "tám", "triệu", "nghìn", "ngàn", "nhăm", "lăm", "lẻ", "linh",
                "mười", "chín", "sáu", "b", "ng", "tr"]


@given(st.lists(st.sampled_from(_WORD_PIECES), max_size=16))
def test_number_words_grouped_by_first_letter_match_as_the_flat_alternation(pieces: list[str]) -> None:
    import re

    from extractors import numbers, vocab

    v = numbers._vocab()
    words = [*v["units"], v["tens_word"], v["ten"], v["hundred"], *v["thousands"], v["million"], *v["fillers"]]
    flat = re.compile(rf"(?:{vocab.alternation(words, escape=True)})(?:\s(?:{vocab.alternation(words, escape=True)}))*(?!\w)")
    low = "".join(pieces)
    assert [m.span() for m in numbers._word_run_anywhere().finditer(low)] == [m.span() for m in flat.finditer(low)]
