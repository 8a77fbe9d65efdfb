"""Inputs: readers for every format, and the project's own articles (`sample/`, `gold/`)."""

from pathlib import Path

CORPORA_DIR = Path(__file__).resolve().parent
SAMPLE_TEXTS = CORPORA_DIR / "sample" / "texts"
SAMPLE_GOLD = CORPORA_DIR / "sample" / "gold.jsonl"
GOLD_TEXTS = CORPORA_DIR / "gold" / "texts"
GOLD_GOLD = CORPORA_DIR / "gold" / "gold.jsonl"
