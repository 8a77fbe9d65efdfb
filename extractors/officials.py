"""Placeholder stage: replaced by its real implementation."""

from __future__ import annotations

from pipeline.document import Document
from schemas.records import Official, Records


class OfficialsStage:
    name = "officials"
    needs: tuple[str, ...] = ()
    gives = "officials"

    def __call__(self, doc: Document, earlier: Records) -> list[Official]:
        return []
