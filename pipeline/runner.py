"""Runs the stages over inputs and hands whole articles to the one store, in batches.

Extraction is pure and per document; storing is the only I/O. A document whose text is already
in the database (same content hash) is skipped before extraction, so a re-run costs a hash per
article. Bad inputs become `failures` rows, never exceptions.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corpora.readers import ReadFailure, read_inputs
from pipeline.api import Extraction, Extractor
from pipeline.document import Document, RawDocument
from pipeline.store import SaveStats, Store

BATCH_SIZE = 200


@dataclass
class RunSummary:
    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    figures: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def _batches(items: Iterable[RawDocument | ReadFailure], size: int) -> Iterator[list[RawDocument | ReadFailure]]:
    batch: list[RawDocument | ReadFailure] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(
    inputs: Sequence[str | Path],
    db_path: str | Path,
    *,
    quiet: bool = False,
    batch_size: int = BATCH_SIZE,
) -> RunSummary:
    """Read every input, extract, store; return what happened."""
    summary = RunSummary()
    extractor = Extractor()
    progress = _progress(quiet)
    with Store(db_path) as store:
        store.ensure_schema()
        for batch in _batches(read_inputs(inputs), batch_size):
            documents: list[Document] = []
            for item in batch:
                if isinstance(item, ReadFailure):
                    summary.failed += 1
                    summary.failures.append((item.source, item.reason))
                    store.record_failure(item.source, item.reason)
                    continue
                summary.read += 1
                documents.append(Document.from_raw(item))
            known = store.existing_ids(d.id for d in documents)
            extractions: list[Extraction] = []
            for doc in documents:
                if doc.id in known:
                    summary.skipped += 1
                    continue
                extraction = extractor(doc)
                for error in extraction.errors:
                    summary.failed += 1
                    summary.failures.append((doc.source, error))
                extractions.append(extraction)
            stats: SaveStats = store.save(extractions)
            summary.stored += stats.stored
            summary.skipped += stats.skipped
            summary.figures += stats.figures
            if progress is not None:
                progress.update(len(batch))
    if progress is not None:
        progress.close()
    return summary


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True)
