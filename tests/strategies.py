"""Hypothesis strategies shared by the tests that hold a sped-up search equal to its pattern."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st


@st.composite
def texts_and_windows(draw: st.DrawFn, pieces: Sequence[str], max_size: int) -> tuple[str, int, int]:
    """A text joined from up to `max_size` of `pieces`, and a window `start <= end` inside it."""
    text = "".join(draw(st.lists(st.sampled_from(pieces), max_size=max_size)))
    end = draw(st.integers(0, len(text)))
    start = draw(st.integers(0, end))
    return text, start, end
