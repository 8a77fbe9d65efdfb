"""Shared test helpers: where the shared development set lives, and how to skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS_DIR = SHARED / "seeds"
SEEDS_GOLD = SHARED / "gold" / "seeds.jsonl"


def require_shared() -> None:
    """Skip when ../shared is absent (a fresh clone outside the workplace has no seeds)."""
    if not SEEDS_GOLD.is_file() or not SEEDS_DIR.is_dir():
        pytest.skip(f"../shared development set not found at {SHARED}: seed tests need it")


@pytest.fixture
def seeds_dir() -> Path:
    require_shared()
    return SEEDS_DIR
