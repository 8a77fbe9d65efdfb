"""Bring databases written apart into one: the other way to spread a run over machines.

Split an archive, `run` each part where it is (a laptop, a server, a machine with no network
to the others), then `merge` the databases. Articles are keyed by their content hash, so an
article stored in two parts is kept once and merging the same file twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.store import SaveStats, Store, StoreError


def merge_databases(target: str | Path, sources: Sequence[str | Path]) -> list[tuple[Path, SaveStats]]:
    """Merge every source into `target` (created when missing); what each source added."""
    target_path = Path(target)
    paths = [Path(s) for s in sources]
    for path in paths:
        if not path.is_file():
            raise StoreError(f"{path}: no such database")
        if target_path.exists() and path.resolve() == target_path.resolve():
            raise StoreError(f"{path}: is the target database itself")
    merged: list[tuple[Path, SaveStats]] = []
    with Store(target_path) as store:
        store.ensure_schema()
        for path in paths:
            merged.append((path, store.merge_from(path)))
    return merged
