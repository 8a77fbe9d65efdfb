"""Awards: sentence cases as data."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.awards import AwardsStage
from extractors.numbers import find_numbers
from pipeline.api import extract

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "data" / "award_cases.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_award_case(case: dict[str, Any]) -> None:
    result = extract(case["text"])
    found = [[a.award, a.giver, a.collectives, a.individuals, a.combined, a.qualifier] for a in result.awards]
    assert sorted(found, key=str) == sorted(case["expect"], key=str)
    for a in result.awards:
        assert 0 <= a.start < a.end <= len(result.document.text)


PREFIX = "Sáng 12/3, hội nghị được tổ chức tại hội trường tỉnh; các đại biểu đã thảo luận sôi nổi.\n\n"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_award_case_mid_document(case: dict[str, Any]) -> None:
    """The same sentence after other text gives the same awards, with offsets moved along."""
    alone = extract(case["text"]).awards
    later = extract(PREFIX + case["text"]).awards
    assert [(a.award, a.giver, a.collectives, a.individuals, a.combined) for a in later] == [
        (a.award, a.giver, a.collectives, a.individuals, a.combined) for a in alone
    ]
    assert [a.start - len(PREFIX) for a in later] == [a.start for a in alone]


# The speed-ups behind the stage's searches must not change what they find.
_PIECES = ["Bằng khen", "bằng", " khen", "KHEN", "huân chương", " lao động", "Kỷ niệm", " chương", "kỉ", "cờ thi đua",
           "giấy", " chứng nhận", "khen thưởng", " ", ".", "\n", "a", "20 tập thể", "cho", "3 ", "15"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16), st.lists(st.integers(0, 200), max_size=8))
def test_every_sentence_naming_an_award_is_read(pieces: list[str], cuts: list[int]) -> None:
    stage = _awards_stage()
    text = "".join(pieces)
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    sentences = tuple(itertools.pairwise(bounds))
    name_starts = stage._name_starts(text)
    any_name_at = {at for each in name_starts for at in each} if name_starts is not None else None
    naming = stage._naming_sentences(sentences, any_name_at)
    assert set(naming) <= set(sentences)
    for start, end in sentences:
        if stage._award_prefilter.search(text, start, end):
            assert (start, end) in naming

    # The names found with word boundaries in a sentence are those found at the names' places.
    for start, end in sentences:
        assert stage._awards(text, start, end, name_starts) == stage._awards(text, start, end, None)
        numbers = find_numbers(text, start, end)
        assert repr(stage._counted_awards(text, numbers, end, any_name_at)) == repr(
            stage._counted_awards(text, numbers, end, None)
        )


@functools.cache
def _awards_stage() -> AwardsStage:
    return AwardsStage()
