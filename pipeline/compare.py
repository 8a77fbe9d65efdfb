"""Provinces side by side: one row per province, one column per status and field.

Only figures of articles whose scope is a whole province count (a district's or an agency's
figures would be mixed with their province's otherwise). Running totals (`cumulative`) are left
out unless asked for, since they cover a different span than the period's own figures.

How one value is chosen when there are several:
- within one article, the first statement of a status and field (a title repeating the body
  says the same; a later differing statement is the checker's business, not this table's);
- the period: the one asked for; with `year`, the narrowest reported period containing that
  year, then the latest; with neither, each province's most recent period (latest end year,
  then the narrowest);
- across articles giving the same province, period, status and field: the latest publish date
  wins (an undated article loses to a dated one); `sources` counts the articles behind the row
  and `disagreements` the cells where they did not agree.
The 2025 structure sums the legacy provinces merged into each new one, for a period they share,
and names them in `predecessors` (and those without figures in `predecessors_missing`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.store import Store

if TYPE_CHECKING:
    import pandas as pd

STATUS_ORDER = ("registered", "recognised", "exemplary", "implemented", "supported", "unspecified")
FIELD_ORDER = (
    "total", "economy", "culture_society", "defence_security", "political_system",
    "new_rural_urban", "administrative_reform", "environment", "other",
)
STATUS_LABELS_VI = {
    "registered": "Đăng ký",
    "recognised": "Được công nhận",
    "exemplary": "Điển hình",
    "implemented": "Xây dựng, duy trì",
    "supported": "Được hỗ trợ",
    "unspecified": "Không rõ trạng thái",
}
STATUS_COLOURS = {
    "registered": "#4C78A8",
    "recognised": "#59A14F",
    "exemplary": "#F28E2B",
    "implemented": "#76B7B2",
    "supported": "#B07AA1",
    "unspecified": "#9D9D9D",
}
# The largest province this many times the median one: a linear axis would hide the rest.
LOG_SCALE_SPREAD = 20
_ID_COLUMNS_LEGACY = ["province", "province_2025", "period", "sources", "disagreements"]
_ID_COLUMNS_2025 = ["province", "predecessors", "predecessors_missing", "period", "sources", "disagreements"]


# vietnamadminunits names a legacy province by its latest pre-merger name; the project's
# `province` column uses the name of the 2021-2024 reports (shared/CONTRACT.md).
_LEGACY_NAME_FIXES = {"Huế": "Thừa Thiên Huế"}


class CompareError(ValueError):
    pass


def value_column(status: str, field: str) -> str:
    return f"{status}_{field}"


def parse_period(text: str) -> tuple[int, int]:
    """`2021-2025`, `2021–2025`, `2021/2025` or `2023` as (start, end)."""
    years = [int(y) for y in re.findall(r"\d{4}", text)]
    if len(years) == 1:
        return (years[0], years[0])
    if len(years) == 2 and years[0] <= years[1]:
        return (years[0], years[1])
    raise CompareError(f"not a period: {text!r} (write e.g. 2021-2025 or 2023)")


def _period_label(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def province_figures(db_path: str | Path, cumulative: bool = False) -> pd.DataFrame:
    """Province-scope figures, one per article, status and field (the first stated)."""
    with Store.open_existing(db_path) as store:
        frame = store.figures_frame()
    frame = frame[
        (frame["scope_level"] == "province")
        & frame["province"].notna()
        & frame["period_start"].notna()
        & frame["period_end"].notna()
        & frame["count"].notna()
    ].copy()
    frame["cumulative"] = frame["cumulative"].fillna(0).astype(int)
    frame = frame[frame["cumulative"] == int(cumulative)]
    frame["period_start"] = frame["period_start"].astype(int)
    frame["period_end"] = frame["period_end"].astype(int)
    frame = frame.sort_values(["article_id", "start"]).drop_duplicates(["article_id", "status", "field"])
    return frame


def _choose_periods(frame: pd.DataFrame, year: int | None, period: tuple[int, int] | None) -> pd.DataFrame:
    """Keep, for each province, the rows of the one period the rules above pick."""
    if period is not None:
        return frame[(frame["period_start"] == period[0]) & (frame["period_end"] == period[1])]
    if year is not None:
        frame = frame[(frame["period_start"] <= year) & (frame["period_end"] >= year)]
    spans = frame[["province", "period_start", "period_end"]].drop_duplicates().copy()
    spans["width"] = spans["period_end"] - spans["period_start"]
    if year is not None:
        spans = spans.sort_values(["province", "width", "period_end"], ascending=[True, True, False])
    else:
        spans = spans.sort_values(["province", "period_end", "width"], ascending=[True, False, True])
    chosen = spans.drop_duplicates("province")[["province", "period_start", "period_end"]]
    return frame.merge(chosen, on=["province", "period_start", "period_end"])


def _pick_values(frame: pd.DataFrame) -> pd.DataFrame:
    """One value per province, period, status and field: the latest published article's."""
    import pandas as pd

    frame = frame.copy()
    frame["_undated"] = frame["publish_date"].isna()
    frame = frame.sort_values(
        ["province", "period_start", "period_end", "status", "field", "_undated", "publish_date", "source"],
        ascending=[True, True, True, True, True, True, False, True],
    )
    keys = ["province", "period_start", "period_end", "status", "field"]
    distinct_values = frame.groupby(keys)["count"].nunique().rename("_values")
    chosen = frame.drop_duplicates(keys).set_index(keys).join(distinct_values).reset_index()
    sources = frame.groupby(["province", "period_start", "period_end"])["article_id"].nunique().rename("sources")
    disagreements = (chosen.assign(_d=chosen["_values"] > 1)
                     .groupby(["province", "period_start", "period_end"])["_d"].sum().rename("disagreements"))
    province_2025 = (frame.dropna(subset=["province_2025"]).groupby("province")["province_2025"].first())
    chosen["column"] = [value_column(s, f) for s, f in zip(chosen["status"], chosen["field"], strict=True)]
    table = chosen.pivot_table(index=["province", "period_start", "period_end"], columns="column",
                               values="count", aggfunc="first")
    table = table.join(sources).join(disagreements).reset_index()
    table["province_2025"] = table["province"].map(province_2025)
    missing = table["province_2025"].isna()
    if missing.any():
        table.loc[missing, "province_2025"] = [successor_2025(p) for p in table.loc[missing, "province"]]
    table["disagreements"] = table["disagreements"].astype(int)
    table["sources"] = table["sources"].astype(int)
    return pd.DataFrame(table)


def _ordered_value_columns(columns: Any) -> list[str]:
    present = set(columns)
    return [value_column(s, f) for s in STATUS_ORDER for f in FIELD_ORDER if value_column(s, f) in present]


def compare_provinces(
    db_path: str | Path,
    structure: str = "legacy",
    year: int | None = None,
    period: str | tuple[int, int] | None = None,
    cumulative: bool = False,
) -> pd.DataFrame:
    """The comparison table (see the module's doc for how each value is chosen)."""
    import pandas as pd

    if structure not in ("legacy", "2025"):
        raise CompareError(f"unknown structure {structure!r} (legacy or 2025)")
    wanted = parse_period(period) if isinstance(period, str) else period
    frame = province_figures(db_path, cumulative=cumulative)
    frame = _choose_periods(frame, year, wanted)
    id_columns = _ID_COLUMNS_LEGACY if structure == "legacy" else _ID_COLUMNS_2025
    if frame.empty:
        return pd.DataFrame(columns=id_columns)
    table = _pick_values(frame)
    values = _ordered_value_columns(table.columns)
    table["period"] = [_period_label(s, e) for s, e in zip(table["period_start"], table["period_end"], strict=True)]
    if structure == "2025":
        table = _merge_2025(table, values)
    table = table[id_columns + values].sort_values("province", key=lambda s: s.map(_sort_key))
    for column in values:
        table[column] = table[column].astype("Int64")
    return table.reset_index(drop=True)


def _merge_2025(table: pd.DataFrame, values: list[str]) -> pd.DataFrame:
    """Sum the legacy provinces of each 2025 province over one period they share."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for new_name, group in table.groupby("province_2025", dropna=False):
        # the period most predecessors report, then the latest: sums over mixed periods mislead
        counts = group.groupby("period").agg(n=("province", "nunique"), end=("period_end", "max"))
        best = counts.sort_values(["n", "end"], ascending=[False, False]).index[0]
        used = group[group["period"] == best]
        names = sorted(used["province"], key=_sort_key)
        everyone = predecessors_2025().get(str(new_name), [])
        row: dict[str, Any] = {
            "province": new_name if isinstance(new_name, str) else "?",
            "predecessors": ", ".join(names),
            "predecessors_missing": ", ".join(p for p in everyone if p not in names),
            "period": best,
            "sources": int(used["sources"].sum()),
            "disagreements": int(used["disagreements"].sum()),
        }
        for column in values:
            # a sum over only some of the merged provinces would pass for the whole: leave it blank
            row[column] = used[column].sum() if used[column].notna().all() else pd.NA
        rows.append(row)
    return pd.DataFrame(rows)


def _sort_key(name: Any) -> str:
    """Vietnamese names sorted as a reader expects (Đ after D, tones ignored)."""
    import unicodedata

    text = str(name).replace("Đ", "Dz").replace("đ", "dz")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


@cache
def predecessors_2025() -> dict[str, list[str]]:
    """2025 province -> the legacy provinces merged into it (from vietnamadminunits' data)."""
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "parser_legacy.json"
    try:
        provinces = json.loads(path.read_text(encoding="utf-8"))["DICT_PROVINCE"].values()
        names = [_LEGACY_NAME_FIXES.get(p["provinceShort"], p["provinceShort"]) for p in provinces]
    except (OSError, KeyError, ValueError, TypeError):  # the package's layout is not its API
        return {}
    out: dict[str, list[str]] = {}
    for name in names:
        successor = successor_2025(name)
        if successor:
            out.setdefault(successor, []).append(name)
    return {k: sorted(v, key=_sort_key) for k, v in out.items()}


@cache
def successor_2025(province: str) -> str | None:
    try:
        from vietnamadminunits import convert_address

        return str(convert_address(province).short_province) or None
    except Exception:  # an unknown name: the table says "?" rather than failing
        return None


def format_table(df: pd.DataFrame, max_value_columns: int = 8) -> str:
    """The table for a terminal: empty columns dropped, thousands grouped, blanks for gaps.

    With more value columns than fit a terminal, only the totals are shown (and a note says
    where the rest is): a wrapped 30-column table helps no one.
    """
    from tabulate import tabulate

    if df.empty:
        return "no province-level figures for this selection"
    shown = df.dropna(axis=1, how="all").copy()
    note = ""
    values = _ordered_value_columns(shown.columns)
    if len(values) > max_value_columns:
        hidden = [c for c in values if not c.endswith("_total")]
        shown = shown.drop(columns=hidden)
        note = f"\n({len(hidden)} per-field column(s) not shown here: write the whole table with --csv)"
    for column in _ordered_value_columns(shown.columns):
        shown[column] = [f"{int(v):,}".replace(",", ".") if v is not None and v == v else ""
                         for v in shown[column].astype(object).where(shown[column].notna(), None)]
    shown = shown.fillna("")
    return tabulate(shown.to_dict("list"), headers="keys", tablefmt="simple", disable_numparse=True) + note


def _chart_values(df: pd.DataFrame) -> tuple[list[str], dict[str, list[float]], dict[str, list[bool]]]:
    """Per status: each province's total, or the sum of its fields when no total was stated."""
    import pandas as pd

    statuses = [s for s in STATUS_ORDER if any(c.startswith(f"{s}_") for c in df.columns)]
    labels: list[str] = []
    values: dict[str, list[float]] = {s: [] for s in statuses}
    summed: dict[str, list[bool]] = {s: [] for s in statuses}
    for _, row in df.iterrows():
        label = str(row["province"])
        if df["period"].nunique() > 1:  # periods differ between rows: each row says its own
            label += f" · {row['period']}"
        if "predecessors" in row:
            notes = [str(row["predecessors"])] if row["predecessors"] and row["predecessors"] != label else []
            if row.get("predecessors_missing"):
                notes.append(f"chưa có: {row['predecessors_missing']}")  # a partial sum must say so
            if notes:
                label += f"\n({'; '.join(notes)})"
        labels.append(label)
        for status in statuses:
            total = row.get(value_column(status, "total"))
            parts = [row.get(value_column(status, f)) for f in FIELD_ORDER[1:]]
            parts = [p for p in parts if not pd.isna(p)]
            if total is not None and not pd.isna(total):
                values[status].append(float(total))
                summed[status].append(False)
            elif parts:
                values[status].append(float(sum(parts)))
                summed[status].append(True)
            else:
                values[status].append(0.0)
                summed[status].append(False)
    keep = [s for s in statuses if any(values[s])]
    return labels, {s: values[s] for s in keep}, {s: summed[s] for s in keep}


def write_chart(df: pd.DataFrame, path: str | Path, structure: str = "legacy") -> Path:
    """A horizontal grouped bar chart: provinces down the side, one bar per status."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    plt.rcParams["font.family"] = "DejaVu Sans"  # has every Vietnamese glyph
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    labels, values, summed = _chart_values(df) if not df.empty else ([], {}, {})
    order = sorted(range(len(labels)), key=lambda i: max((v[i] for v in values.values()), default=0))
    statuses = list(values)
    bar = 0.8 / max(len(statuses), 1)
    height = max(3.0, 0.35 * max(len(statuses), 1) * len(labels) + 1.8)
    fig, ax = plt.subplots(figsize=(10, height), dpi=110)
    title = "Mô hình “Dân vận khéo” theo tỉnh" + (" (sau sáp nhập 2025)" if structure == "2025" else "")
    periods = sorted(set(df["period"])) if "period" in df.columns else []
    subtitle = f"Giai đoạn {periods[0]}" if len(periods) == 1 else "Mỗi tỉnh: kỳ báo cáo ghi cạnh tên"
    ax.set_title(f"{title}\n{subtitle}" if periods else title, loc="left", fontsize=13)
    if not labels or not statuses:
        ax.text(0.5, 0.5, "Không có số liệu cấp tỉnh cho lựa chọn này", ha="center", va="center",
                transform=ax.transAxes, fontsize=12)
        ax.set_axis_off()
    else:
        peak = max(max(v) for v in values.values()) or 1.0
        # one city with 184.000 models would flatten every other bar: a log axis then
        row_peaks = sorted(max(v[i] for v in values.values()) for i in range(len(labels)))
        log_axis = peak / (row_peaks[len(row_peaks) // 2] or 1.0) > LOG_SCALE_SPREAD
        for k, status in enumerate(statuses):
            ys = [pos + (len(statuses) - 1 - k) * bar - 0.4 + bar / 2 for pos in range(len(labels))]
            xs = [values[status][i] for i in order]
            hatches = ["//" if summed[status][i] else "" for i in order]
            bars = ax.barh(ys, xs, height=bar * 0.92, color=STATUS_COLOURS[status], label=STATUS_LABELS_VI[status])
            for rect, hatch, x in zip(bars, hatches, xs, strict=True):
                rect.set_hatch(hatch)
                if x:
                    at = x * 1.08 if log_axis else x + peak * 0.01
                    ax.text(at, rect.get_y() + rect.get_height() / 2,
                            f"{int(x):,}".replace(",", "."), va="center", fontsize=8)
        ax.set_yticks(range(len(labels)))
        ax.set_yticklabels([labels[i] for i in order], fontsize=9)
        if log_axis:
            ax.set_xscale("log")
            ax.set_xlim(1, peak * 4)
            ax.set_xlabel("Số mô hình (thang logarit)")
        else:
            ax.set_xlim(0, peak * 1.15)
            ax.set_xlabel("Số mô hình")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles, names = ax.get_legend_handles_labels()
        if any(any(s) for s in summed.values()):
            handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="//"))
            names.append("tổng các lĩnh vực (không nêu tổng)")
        # under the axis, in one row: inside the plot it would cover the smallest bars
        ax.legend(handles, names, loc="upper left", bbox_to_anchor=(0, -0.06 * 12 / height),
                  ncol=min(len(names), 3), fontsize=9, frameon=False)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{int(x):,}".replace(",", ".")))
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path
