"""Every table out as CSV (and Parquet), plus one flat file of figures with their evidence.

CSV is written UTF-8 with a byte-order mark: spreadsheet programs take a BOM-less file for the
local code page and show Vietnamese as mojibake. `figures.csv` is what a checking desk opens:
one row per model count or award, with the article's province, scope, dates, source and title,
and the words the figure was read from (`evidence`) inside their sentence.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.store import Store
from schemas.tables import TABLES

if TYPE_CHECKING:
    import pandas as pd

CSV_ENCODING = "utf-8-sig"
ARTICLE_FACTS = [
    "article_id", "source", "title", "publish_date", "province", "province_2025",
    "scope_level", "scope_name", "period_start", "period_end",
]
FIGURE_COLUMNS = [
    "kind", "figure_id", *ARTICLE_FACTS,
    "count", "qualifier", "status", "field", "field_text", "cumulative",
    "award", "giver", "collectives", "individuals", "combined",
    "start", "end", "evidence", "sentence", "rule",
]


def parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def flat_figures(store: Store) -> pd.DataFrame:
    """Model counts and awards in one frame, each with its article's facts and its evidence."""
    import pandas as pd

    counts = store.figures_frame().rename(columns={"id": "figure_id"})
    counts.insert(0, "kind", "model_count")
    awards = store.award_figures_frame().rename(columns={"id": "figure_id"})
    awards.insert(0, "kind", "award")
    frames = [f for f in (counts, awards) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    flat = pd.concat(frames, ignore_index=True, sort=False)
    for column in FIGURE_COLUMNS:
        if column not in flat.columns:
            flat[column] = pd.NA
    # whole numbers stay whole in the CSV (pandas would write 26.0 for a column with gaps)
    for column in ("figure_id", "count", "collectives", "individuals", "combined", "cumulative",
                   "period_start", "period_end", "start", "end"):
        flat[column] = flat[column].astype("Int64")
    flat = flat.sort_values(["province", "source", "start"], na_position="last", kind="stable")
    return flat[FIGURE_COLUMNS].reset_index(drop=True)


def _integers_kept(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Integer columns with NULLs as nullable integers, so `2023` is not written `2023.0`."""
    columns, _pk, _fk = TABLES[table]
    for column, kind in columns.items():
        if kind is int and column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    return frame


def export_all(db_path: str | Path, out_dir: str | Path, parquet: bool = True) -> list[Path]:
    """Write `<table>.csv` for every table and `figures.csv`; Parquet beside them when possible."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with_parquet = parquet and parquet_available()
    written: list[Path] = []
    with Store.open_existing(db_path) as store:
        frames = {name: _integers_kept(store.table_frame(name), name) for name in TABLES}
        frames["figures"] = flat_figures(store)
    for name, frame in frames.items():
        csv_path = out / f"{name}.csv"
        frame.to_csv(csv_path, index=False, encoding=CSV_ENCODING)
        written.append(csv_path)
        if with_parquet:
            parquet_path = out / f"{name}.parquet"
            frame.to_parquet(parquet_path, index=False)
            written.append(parquet_path)
    return written
