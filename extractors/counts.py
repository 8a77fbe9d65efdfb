"""Placeholder stage: replaced by its real implementation."""

from __future__ import annotations

from pipeline.document import Document
from schemas.records import ModelCount, Records


class CountsStage:
    name = "counts"
    needs: tuple[str, ...] = ("dates",)
    gives = "model_counts"

    def __call__(self, doc: Document, earlier: Records) -> list[ModelCount]:
        return []
