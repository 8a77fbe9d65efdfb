"""Model counts: sentence cases as data, and the seeds' hardest article exactly as annotated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.api import extract
from tests.conftest import SEEDS_DIR, SEEDS_GOLD, require_shared

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
