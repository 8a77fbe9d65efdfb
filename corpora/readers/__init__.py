"""Readers: every input path becomes raw documents (decoded text plus metadata) or failures.

`read_inputs` walks files and folders (recursively, in a stable order) and dispatches each file
to the reader of its format (`dispatch.py`): plain text, HTML pages, JSON Lines/JSON, CSV/TSV,
ZIP and tar archives, gzip files and web archives (WARC). A reader never raises for bad input:
it yields a `ReadFailure` with a reason a person can act on, and the run goes on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from corpora.readers.base import Limits, ReadContext, ReaderOptions, ReadFailure, ReadResult
from corpora.readers.dispatch import read_file

__all__ = [
    "Limits",
    "ReadFailure",
    "ReadResult",
    "ReaderOptions",
    "iter_files",
    "read_inputs",
    "read_path",
]


def _walk(folder: Path) -> Iterator[Path | ReadFailure]:
    """Files under `folder`, depth first, names sorted; hidden files and folders skipped.

    os.scandir gives each entry's type without a stat call per file, which matters for folders
    of thousands of small articles. Symbolic links to folders are not followed (no loops).
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield ReadFailure(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path)
            elif entry.is_file():
                yield path
            elif not entry.is_symlink():
                yield ReadFailure(str(path), "not a regular file (a FIFO, socket or device): not read")
            else:
                yield ReadFailure(str(path), "broken or looping symbolic link: not read")
        except OSError as exc:
            yield ReadFailure(str(path), f"cannot read: {exc.strerror or exc}")


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | ReadFailure]:
    """Every file under `paths`, folders walked recursively in sorted order."""
    for given in paths:
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            yield ReadFailure(str(given), "no such file or folder")
            continue
        except OSError as exc:
            yield ReadFailure(str(given), f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path)
        elif stat.S_ISREG(mode):
            yield path
        else:
            # Opening a FIFO would block the run forever.
            yield ReadFailure(str(given), "not a regular file (a FIFO, socket or device): not read")


def read_path(path: Path, options: ReaderOptions | None = None, *, limits: Limits | None = None) -> Iterator[ReadResult]:
    """The documents (or failures) in one file, by its format."""
    ctx = ReadContext(options=options or ReaderOptions(), limits=limits or Limits())
    yield from _guarded(str(path), read_file(path, ctx))


def read_inputs(
    paths: Iterable[str | Path],
    options: ReaderOptions | None = None,
    *,
    limits: Limits | None = None,
) -> Iterator[ReadResult]:
    """Documents and failures from every input, in a stable order; never raises for bad input."""
    ctx = ReadContext(options=options or ReaderOptions(), limits=limits or Limits())
    for item in iter_files(paths):
        if isinstance(item, ReadFailure):
            yield item
            continue
        yield from _guarded(str(item), read_file(item, ctx))


def _guarded(source: str, results: Iterator[ReadResult]) -> Iterator[ReadResult]:
    """A reader bug on one file becomes that file's failure row; the run goes on."""
    try:
        yield from results
    except Exception as exc:
        yield ReadFailure(source, f"reader error: {type(exc).__name__}: {exc}")
