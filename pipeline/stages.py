"""The one declared list of stages, in the order they run.

Each stage is built once (that is when it compiles its patterns from the vocabulary) and then
called per document with the records of the stages before it. `build_stages` checks at start
that every stage's `needs` is given by an earlier stage, as spaCy does for its components.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pipeline.document import Document
from schemas.records import Records


class Stage(Protocol):
    name: str
    needs: tuple[str, ...]  # kinds of records from earlier stages it reads
    gives: str  # the kind of records it returns

    def __call__(self, doc: Document, earlier: Records) -> list[Any]: ...


@dataclass(frozen=True)
class StageSpec:
    name: str
    build: Callable[[], Stage]


def _dates() -> Stage:
    from extractors.dates import DatesStage

    return DatesStage()


def _places() -> Stage:
    from extractors.places import PlacesStage

    return PlacesStage()


def _officials() -> Stage:
    from extractors.officials import OfficialsStage

    return OfficialsStage()


def _counts() -> Stage:
    from extractors.counts import CountsStage

    return CountsStage()


def _awards() -> Stage:
    from extractors.awards import AwardsStage

    return AwardsStage()


# The order matters where a stage declares `needs`: places reads dates (the publish date decides
# whether an article speaks of the merged 2025 provinces). The others read the text only.
STAGES: tuple[StageSpec, ...] = (
    StageSpec("dates", _dates),
    StageSpec("places", _places),
    StageSpec("officials", _officials),
    StageSpec("counts", _counts),
    StageSpec("awards", _awards),
)


class StageOrderError(RuntimeError):
    pass


def build_stages(specs: Sequence[StageSpec] = STAGES) -> list[Stage]:
    stages = [spec.build() for spec in specs]
    given: set[str] = set()
    for stage in stages:
        missing = [need for need in stage.needs if need not in given]
        if missing:
            raise StageOrderError(f"stage {stage.name!r} needs {missing} before it runs")
        given.add(stage.gives)
    return stages
