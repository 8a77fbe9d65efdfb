"""Placeholder stage: replaced by its real implementation."""

from __future__ import annotations

from pipeline.document import Document
from schemas.records import PlaceMention, Records


class PlacesStage:
    name = "places"
    needs: tuple[str, ...] = ("dates",)
    gives = "places"

    def __call__(self, doc: Document, earlier: Records) -> list[PlaceMention]:
        return []
