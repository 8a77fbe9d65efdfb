"""What every reader shares: the failure record, the options and limits, the date normaliser.

Kept apart from `corpora.readers/__init__` so that the format modules can import it without
importing each other (the archive readers call back into the dispatcher for their members).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import regex

from pipeline.document import RawDocument


@dataclass(frozen=True)
class ReadFailure:
    """An input (a file, an archive member, a record) that could not be read, and why."""

    source: str
    reason: str


ReadResult = RawDocument | ReadFailure


def _names(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for v in values if v.strip())


@dataclass(frozen=True)
class ReaderOptions:
    """Which record fields (JSON Lines keys, CSV columns) hold what. The first present wins."""

    text_fields: tuple[str, ...] = ("text", "content", "body")
    url_fields: tuple[str, ...] = ("url", "link")
    title_fields: tuple[str, ...] = ("title",)
    date_fields: tuple[str, ...] = ("date", "published", "publish_date")

    @classmethod
    def from_cli(
        cls,
        text: tuple[str, ...] = (),
        url: tuple[str, ...] = (),
        title: tuple[str, ...] = (),
        date: tuple[str, ...] = (),
    ) -> ReaderOptions:
        """Options from repeatable, comma-separated command-line values; empty keeps the default."""

        def split(values: tuple[str, ...]) -> tuple[str, ...]:
            return _names(tuple(part for value in values for part in value.split(",")))

        default = cls()
        return cls(
            text_fields=split(text) or default.text_fields,
            url_fields=split(url) or default.url_fields,
            title_fields=split(title) or default.title_fields,
            date_fields=split(date) or default.date_fields,
        )


@dataclass(frozen=True)
class Limits:
    """Caps that keep one hostile or broken input from exhausting memory or time.

    Archive members are read into memory (never extracted to disk), so every size is checked
    twice: the size the archive declares (cheap, refuses before reading) and the bytes actually
    produced (declared sizes can lie).
    """

    max_text_bytes: int = 32 * 1024 * 1024  # one article file (txt, html)
    max_records_bytes: int = 512 * 1024 * 1024  # one JSON/CSV file read whole
    max_line_bytes: int = 32 * 1024 * 1024  # one JSON Lines record
    max_member_bytes: int = 128 * 1024 * 1024  # one archive member, uncompressed
    max_total_bytes: int = 1024 * 1024 * 1024  # all members of one archive, nested ones included
    max_members: int = 100_000
    max_ratio: float = 100.0  # uncompressed / compressed; text rarely passes 15
    ratio_floor_bytes: int = 1024 * 1024  # small members may compress far better, harmlessly
    max_depth: int = 1  # an archive inside an archive is read; one more level is refused


@dataclass
class Budget:
    """Bytes produced so far from one top-level archive, nested archives included."""

    used: int = 0


@dataclass(frozen=True)
class ReadContext:
    options: ReaderOptions = field(default_factory=ReaderOptions)
    limits: Limits = field(default_factory=Limits)
    depth: int = 0  # 0: a file given or found in a folder; 1: a member of an archive; ...
    budget: Budget | None = None  # shared by every member of the outermost archive

    def inside_archive(self) -> ReadContext:
        return replace(self, depth=self.depth + 1, budget=self.budget or Budget())


# Day-first, as Vietnamese dates are written: 25/9/2023, 25-09-2023, 25.09.2023.
_DMY = regex.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_YMD = regex.compile(r"(?<!\d)(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?!\d)")
_VI_WORDS = regex.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", regex.IGNORECASE)


def iso_date(value: object) -> str | None:
    """`YYYY-MM-DD` from the date forms records and pages carry, else None (never a guess)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    # ISO first, so that "2023-09-25T10:00:00+07:00" is not read day-first.
    for pattern, order in ((_YMD, "ymd"), (_DMY, "dmy"), (_VI_WORDS, "dmy")):
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = (int(g) for g in match.groups())
        year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    return None
