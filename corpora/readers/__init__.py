"""Readers: every input path becomes raw documents (decoded text plus metadata) or failures.

`read_inputs` walks files and folders (recursively, in a stable order) and dispatches each file
to the reader of its format. A reader never raises for bad input: it yields a `ReadFailure`
with a reason a person can act on, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corpora.readers.text import read_text_file
from pipeline.document import RawDocument


@dataclass(frozen=True)
class ReadFailure:
    source: str
    reason: str


ReadResult = RawDocument | ReadFailure


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | ReadFailure]:
    """Every file under `paths`, folders walked recursively in sorted order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield ReadFailure(str(given), "no such file or folder")


def read_path(path: Path) -> Iterator[ReadResult]:
    """The documents (or failures) in one file, by its format."""
    yield from read_text_file(path)


def read_inputs(paths: Iterable[str | Path]) -> Iterator[ReadResult]:
    for item in iter_files(paths):
        if isinstance(item, ReadFailure):
            yield item
            continue
        try:
            yield from read_path(item)
        except OSError as exc:
            yield ReadFailure(str(item), f"cannot read file: {exc.strerror or exc}")
