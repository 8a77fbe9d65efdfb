"""Placeholder stage: replaced by its real implementation."""

from __future__ import annotations

from pipeline.document import Document
from schemas.records import Award, Records


class AwardsStage:
    name = "awards"
    needs: tuple[str, ...] = ()
    gives = "awards"

    def __call__(self, doc: Document, earlier: Records) -> list[Award]:
        return []
