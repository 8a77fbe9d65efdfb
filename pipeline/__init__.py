"""Vietnamese press reports in, checked and comparable statistics out.

The library face, for notebooks::

    from pipeline import extract, load_figures
    result = extract(text, source="bao-nam-dinh-2023.txt")
    result.model_counts          # typed records, each with start/end into result.document.text
    df = load_figures("out/pipeline.db")   # one row per stored model count, with its article

The command line (`python run_pipeline.py ...`) is a thin layer over the same functions.
"""

from __future__ import annotations

from pipeline.api import extract, load_figures

__all__ = ["extract", "load_figures"]
