"""Model counts: sentence cases as data, and the seeds' hardest article exactly as annotated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.api import extract
from tests.conftest import SEEDS_DIR, SEEDS_GOLD, require_shared
from tests.strategies import texts_and_windows

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "data" / "count_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_count_case(case: dict[str, Any]) -> None:
    result = extract(case["text"])
    found = [[c.count, c.status, c.field, c.qualifier] for c in result.model_counts]
    assert sorted(found) == sorted(case["expect"])
    for c in result.model_counts:  # evidence: the number as written
        written = result.document.text[c.start : c.end]
        assert written.replace(".", "").isdigit() or written.replace(" ", "").isalpha()
    if "cumulative" in case:
        assert sorted(c.count for c in result.model_counts if c.cumulative) == sorted(case["cumulative"])


PREFIX = "Sáng 12/3, hội nghị được tổ chức tại hội trường tỉnh; các đại biểu đã thảo luận sôi nổi.\n\n"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_count_case_mid_document(case: dict[str, Any]) -> None:
    """The same sentences after other text give the same counts, with offsets moved along."""
    alone = extract(case["text"]).model_counts
    later = extract(PREFIX + case["text"]).model_counts
    assert [(c.count, c.status, c.field) for c in later] == [(c.count, c.status, c.field) for c in alone]
    assert [c.start - len(PREFIX) for c in later] == [c.start for c in alone]


def test_seed_004_per_field_counts_exactly_as_annotated() -> None:
    require_shared()
    gold = next(
        json.loads(line) for line in SEEDS_GOLD.read_text("utf-8").splitlines() if line.startswith('{"id": "004')
    )
    text = (SEEDS_DIR / f"{gold['id']}.txt").read_text("utf-8")
    found = sorted((c.count, c.status, c.field, c.qualifier) for c in extract(text).model_counts)
    expected = sorted((c["count"], c["status"], c["field"], c["qualifier"]) for c in gold["model_counts"])
    assert found == expected


# The speed-ups behind the stage's searches must not change what they find.
_PIECES = ["trong đó", "Trong số đó", "gồm", "gồm có", "cụ thể", " ", "  ", ",", ", ", ":", "\n", "a", "x", "1",
           "mô hình", "Mô Hình", "điển hình", "đİển hình", "MH", "mh", "hình", "ển hình", "İ", ";", "(", "và"]


@settings(max_examples=400, deadline=None)
@given(texts_and_windows(_PIECES, max_size=16))
def test_searches_led_by_their_words_match_the_led_patterns(window: tuple[str, int, int]) -> None:
    import regex

    from extractors import counts, vocab

    # The premise of `_search_with_lead`: the words open with a letter.
    assert all(regex.match(r"\w", w) for w in [*vocab.load("counts")["list_triggers"], "trong"])
    text, start, end = window
    stage = counts.CountsStage()
    trigger_words = stage._list_trigger_words.pattern
    for words in (counts._TRONG_DO_WORDS.pattern, trigger_words):
        led = regex.compile(r",?\s*" + words, regex.IGNORECASE)
        expected = led.search(text, start, end)
        found = counts._search_with_lead(regex.compile(words, regex.IGNORECASE), text, start, end)
        assert found == (expected and expected.span())
    every = list(regex.compile(r",?\s*" + trigger_words, regex.IGNORECASE).finditer(text, start, end))
    assert stage._last_list_trigger(text, start, end) == (every[-1].span() if every else None)


@settings(max_examples=400, deadline=None)
@given(texts_and_windows(_PIECES, max_size=16))
def test_model_word_prefilter_matches_its_pattern(window: tuple[str, int, int]) -> None:
    from extractors import counts
    from extractors.numbers import lower_same_length

    text, start, end = window
    expected = counts._MODEL_WORD.search(text, start, end) is not None
    assert counts._names_models(text, lower_same_length(text), start, end) == expected


def test_lower_casing_finds_every_case_variant_of_the_prefiltered_words_but_one() -> None:
    """Over every code point: the characters IGNORECASE matches to a letter of the words looked
    for with `str` tests (`_names_models`, `_may_hold`) or in lower-cased text (`_Superset`)
    are those that lower-case to it, and "İ" and "ſ"."""
    import re

    import regex

    from extractors import counts, vocab
    from extractors.numbers import lower_same_length

    words = vocab.load("counts")
    # Every letter the `str` tests and the `_Superset` bodies look for: escapes (`\s`) are not letters.
    patterns = [*words["status_cues"].values(), *words["fields"].values(),
                *(words[key] for key in ("delta_words", "delta_after", "target_words", "cumulative_cues", "list_triggers", "all_fields"))]
    in_patterns = regex.sub(r"\\.", "", "".join(w for ws in patterns for w in ws))
    qualifiers = "".join(w for ws in vocab.load("numbers")["qualifiers"].values() for w in ws)
    letters = set("".join([*counts._MODEL_WORDS, counts._FIELD_WORD, *counts._FIELD_VERBS, in_patterns, qualifiers]))
    letters = {c for c in letters if c.isalpha()}
    assert all(c == c.lower() for c in letters)  # the vocabulary is written in lower case
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    matched = set(regex.compile("[" + regex.escape("".join(sorted(letters))) + "]", regex.IGNORECASE).findall(every))
    lowered_to = {c for c in every if lower_same_length(c) in letters}
    assert matched - lowered_to == set(counts._UNLOWERED_CASE_VARIANTS)
    assert lowered_to <= matched
    for c in lowered_to:  # and to the very letter it lower-cases to
        assert regex.fullmatch(regex.escape(lower_same_length(c)), c, regex.IGNORECASE)
    # ...and to no other letter of the set; and `re`'s `\s` takes all that `regex`'s does.
    for c in letters:
        assert [d for d in letters if regex.fullmatch(regex.escape(d), c, regex.IGNORECASE)] == [c]
    assert set(regex.findall(r"\s", every)) <= set(re.findall(r"\s", every))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "lĩnh vực", "LĨNH VỰC", "lİnh vực", "xây dựng", "thực hİện", "Duy Trì"]),
                max_size=12))
def test_may_hold_never_misses_a_match(pieces: list[str]) -> None:
    import regex

    from extractors import counts

    text = "".join(pieces)
    for words in ((counts._FIELD_WORD,), counts._FIELD_VERBS):
        if regex.search("|".join(words), text, regex.IGNORECASE):
            assert counts._may_hold(text, words)


_FIELD_PIECES = [*_PIECES, "kinh tế", "KINH TẾ", "xanh - sạch - đẹp", "xanh,sạch – đẹp", "phòng chống tội phạm",
                 "phòng, chống tệ nạn", "văn hoá", "ſản xuất", "Sản", "công nhận", "Đăng Ký", "được biểu dương", "là mô hình điển hình",
                 "xã hội", "hİện có", "tăng", "so với", "Mỗi", "đến nay", "từ năm 2020 đến nay", "từ ٢٠٢٠ đến nay",
                 "GỒM CÓ", "cụ thể là", "tİếp theo là", "trên các lĩnh vực", "TRONG TẤT CẢ LĨNH VỰC", "các loại", "\u3000", "\x1c", "²", "\u0301", "_"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FIELD_PIECES), max_size=12))
def test_superset_tests_never_miss_a_match(pieces: list[str]) -> None:
    from extractors import counts

    text = "".join(pieces)
    stage = _stage()
    if stage._field_keyword.search(text) or stage._any_field_keyword.search(text):
        assert stage._field_keyword_maybe.may_match(text)
    for pattern, maybe in [(stage._delta_before, stage._delta_or_target_maybe),
                           (stage._target, stage._delta_or_target_maybe),
                           (stage._cumulative, stage._cumulative_maybe),
                           (stage._list_trigger_words, stage._list_trigger_maybe),
                           (stage._all_fields, stage._all_fields_maybe)]:
        if pattern.search(text):
            assert maybe.may_match(text)
    assert stage._field_of(text) == (lambda m: (m.lastgroup, m.start()) if m else None)(stage._field_keyword.search(text))
    assert isinstance(counts._Superset("a").may_match(text), bool)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FIELD_PIECES), max_size=12))
def test_grouped_superset_alternations_match_where_the_flat_ones_do(pieces: list[str]) -> None:
    import re

    from extractors import counts, vocab

    text = "".join(pieces).lower()
    for superset in [value for value in vars(_stage()).values() if isinstance(value, counts._Superset)]:
        flat = re.compile(vocab.alternation(list(superset.alternatives)).replace(r"\d", "."))
        assert (superset._search(text) is None) == (flat.search(text) is None)


def _stage() -> Any:
    from extractors import counts

    global _STAGE
    if _STAGE is None:
        _STAGE = counts.CountsStage()
    return _STAGE


_STAGE: Any = None


@settings(max_examples=300, deadline=None)
@given(texts_and_windows(_PIECES, max_size=16))
def test_no_trong_do_before_the_first_one(window: tuple[str, int, int]) -> None:
    """Why `_sentence_counts` skips `_split_between`'s `trong đó` search on a window that ends
    at the first `trong đó` (or has none)."""
    from extractors import counts

    text, start, end = window
    first = counts._search_with_lead(counts._TRONG_DO_WORDS, text, start, end)
    window_end = first[0] if first else end
    assert counts._search_with_lead(counts._TRONG_DO_WORDS, text, start, window_end) is None


_SEGMENT_PIECES = [*_FIELD_PIECES, "lĩnh vực", "LĨNH VỰC", "xây dựng", "thực hİện", "duy trì", "“", "”", '"', "đã",
                   "triển khai", "chính quyền", "đô thị", "hệ thống chính trị", "nông thôn mới", "bình xét", "được"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SEGMENT_PIECES), max_size=12))
def test_status_cues_match_the_unskipped_blanking(pieces: list[str]) -> None:
    """`_status_cues` skips blankings that cannot match: the cues it finds are those found with
    every blanking run."""
    from extractors import counts

    stage = _stage()
    segment = "".join(pieces)
    expected: list[str] = []
    if stage._cue.search(segment):
        blanked = counts._FIELD_NAME_HEAD.sub(counts._blank, segment)
        blanked = stage._verb_in_field_name.sub(counts._blank, blanked)
        blanked = stage._any_field_keyword.sub(counts._blank, blanked)
        blanked = counts._QUOTED.sub(counts._blank, blanked)
        expected = [m.lastgroup for m in stage._cue.finditer(blanked) if m.lastgroup]
    assert stage._status_cues(segment) == tuple(expected)
    assert stage._read_status_cues(segment) == tuple(expected)


def test_superset_alternatives_use_only_the_syntax_their_proof_covers() -> None:
    """`_Superset`'s argument holds for lower-case letters, spaces, punctuation, `\\s`, `\\d`,
    `?`, `*`, `{n}`, groups, alternations and classes of punctuation."""
    import regex

    stage = _stage()
    supersets = [value for value in vars(stage).values() if value.__class__.__name__ == "_Superset"]
    assert len(supersets) == 5
    for superset in supersets:
        for alternative in superset.alternatives:
            rest = regex.sub(r"\\[sd][*?]?|\{\d+\}|[?()|]|\[[^\]\w]*\]", "", alternative)
            assert "\\" not in rest and not any(c in "[].^$+*{}" for c in rest), alternative
            assert rest == rest.lower(), alternative


def test_counted_nouns_open_with_a_model_word() -> None:
    """The premise of `_NOUN_START`."""
    from extractors import counts, vocab

    for noun in vocab.load("counts")["model_nouns"]:
        assert noun.startswith((*counts._MODEL_WORDS, f"(?-i:{counts._MODEL_ABBREVIATION})")), noun
    assert counts._NOUN_START.pattern == r"\s*[mđ]"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "MÔ HÌNH", "Điển Hình", "\x1c", "\u3000", "5", " 12 "]), max_size=10))
def test_noun_start_never_misses_a_noun(pieces: list[str]) -> None:
    from extractors import counts
    from extractors.numbers import lower_same_length

    text = "".join(pieces)
    low = lower_same_length(text)
    stage = _stage()
    for at in range(len(text) + 1):
        if stage._noun.match(text, at, len(text)):
            assert counts._NOUN_START.match(low, at, len(text))


@given(st.text(alphabet=" \t\n.,;:", max_size=12))
def test_a_post_of_spaces_and_stops_names_no_field(post: str) -> None:
    """Why `_field_after_noun` answers None at once for such a post: nothing it matches can be there."""
    stage = _stage()
    assert not stage._all_fields.search(post) and not stage._field_phrase.search(post)
    assert not stage._field_keyword.search(post)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FIELD_PIECES), max_size=12))
def test_field_keywords_grouped_by_first_letter_match_as_the_flat_alternation(pieces: list[str]) -> None:
    import regex

    from extractors import vocab

    words = vocab.load("counts")
    flat_groups = "|".join(f"(?P<{field}>{vocab.alternation(keys)})" for field, keys in words["fields"].items())
    flat = regex.compile(rf"(?<!\w)(?:{flat_groups})(?!\w)", regex.IGNORECASE)
    flat_any = regex.compile(
        rf"(?<!\w)(?:{vocab.alternation([k for keys in words['fields'].values() for k in keys])})(?!\w)", regex.IGNORECASE
    )
    text = "".join(pieces)
    stage = _stage()
    assert [(m.span(), m.lastgroup) for m in stage._field_keyword.finditer(text)] == [
        (m.span(), m.lastgroup) for m in flat.finditer(text)
    ]
    assert [m.span() for m in stage._any_field_keyword.finditer(text)] == [m.span() for m in flat_any.finditer(text)]
