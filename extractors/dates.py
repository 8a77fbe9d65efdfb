"""Placeholder stage: replaced by its real implementation."""

from __future__ import annotations

from pipeline.document import Document
from schemas.records import DateMention, Records


class DatesStage:
    name = "dates"
    needs: tuple[str, ...] = ()
    gives = "dates"

    def __call__(self, doc: Document, earlier: Records) -> list[DateMention]:
        return []
