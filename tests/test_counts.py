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


def test_seed_004_per_field_counts_exactly_as_annotated() -> None:
    require_shared()
    gold = next(
        json.loads(line) for line in SEEDS_GOLD.read_text("utf-8").splitlines() if line.startswith('{"id": "004')
    )
    text = (SEEDS_DIR / f"{gold['id']}.txt").read_text("utf-8")
    found = sorted((c.count, c.status, c.field, c.qualifier) for c in extract(text).model_counts)
    expected = sorted((c["count"], c["status"], c["field"], c["qualifier"]) for c in gold["model_counts"])
    assert found == expected
