"""The evaluation gate: extraction accuracy on every gold set must stay above its pinned floor.

Floors live in tests/data/eval_floors.yaml. The seeds (../shared) are skipped with a reason when
absent; the project's own corpora are always there.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from corpora import CORPORA_DIR, GOLD_GOLD, GOLD_TEXTS, SAMPLE_GOLD, SAMPLE_TEXTS
from pipeline.evaluate import EvaluationReport, evaluate_gold, format_report
from tests.conftest import SEEDS_DIR, SEEDS_GOLD, require_shared

FLOORS: dict[str, dict[str, float]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "eval_floors.yaml").read_text("utf-8")
)
SETS = {
    "seeds": (SEEDS_GOLD, SEEDS_DIR),
    "sample": (SAMPLE_GOLD, SAMPLE_TEXTS),
    "gold": (GOLD_GOLD, GOLD_TEXTS),
    "holdout": (CORPORA_DIR / "holdout" / "gold.jsonl", CORPORA_DIR / "holdout" / "texts"),
    "blind": (CORPORA_DIR / "blind" / "gold.jsonl", CORPORA_DIR / "blind" / "texts"),
}


@cache
def report_for(name: str) -> EvaluationReport:
    gold, texts = SETS[name]
    return evaluate_gold(gold, texts)


CASES = [(name, kind, floor) for name, kinds in FLOORS.items() for kind, floor in kinds.items()]


@pytest.mark.parametrize(("gold_set", "kind", "floor"), CASES, ids=[f"{s}-{k}" for s, k, _ in CASES])
def test_metric_at_or_above_floor(gold_set: str, kind: str, floor: float) -> None:
    if gold_set == "seeds":
        require_shared()
    gold, _ = SETS[gold_set]
    assert gold.is_file(), f"{gold} is missing: the gold set {gold_set!r} must ship with the project"
    report = report_for(gold_set)
    value = report.metric(kind)
    misses = "\n".join(
        line for line in format_report(report).splitlines() if f"[{kind}]" in line or line.startswith("    «")
    )
    assert value >= floor, f"{gold_set} {kind}: {value:.3f} < floor {floor}\n{misses[:4000]}"


def test_every_gold_text_has_gold_and_back() -> None:
    for name in ("sample", "gold", "holdout", "blind"):
        gold, texts = SETS[name]
        ids = {line.split('"id": "')[1].split('"')[0] for line in gold.read_text("utf-8").splitlines() if line.strip()}
        files = {p.stem for p in texts.glob("*.txt")}
        assert ids == files, f"{gold}: gold without text {ids - files}, text without gold {files - ids}"
