"""ZIP, tar (plain, gzip, bzip2, xz) and single-file gzip archives, read in memory.

Members are never extracted to disk: each is read into memory (after its size is checked) and
handed to the reader of its own extension, so a member named `../../etc/passwd` or `/root/x`
can do no harm; such names are still refused with a failure row, because an archive that carries
them was not made for us and its other names may lie too. The rest of the archive is read.

Bomb defences, each a failure row rather than an exception:
- a member's declared size over `max_member_bytes`, or its declared compression ratio over
  `max_ratio` (declared sizes are checked before a byte is decompressed);
- the bytes a member actually produces, read up to the cap and no further;
- the total produced by one archive, nested ones included (`max_total_bytes`);
- the number of members (`max_members`);
- for compressed tars, whose members carry no compressed size, the whole stream's decompressed
  bytes and its ratio are counted as it is read.
A member archive is read (one level); an archive inside that is refused.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any, Protocol

import regex

from corpora.readers.base import Budget, Limits, ReadContext, ReadFailure, ReadResult

# (source, member name, member bytes, context) → results; the dispatcher, passed in to keep
# this module free of an import cycle with it.
MemberReader = Callable[[str, str, bytes, ReadContext], Iterator[ReadResult]]

_DRIVE = regex.compile(r"^[A-Za-z]:")


class LimitExceeded(Exception):
    pass


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def unsafe_member_name(name: str) -> str | None:
    """Why a member name is refused (absolute, climbing out with '..'), or None if it is safe."""
    norm = name.replace("\\", "/")
    if "\x00" in norm:
        return "refused: NUL byte in the member name"
    if norm.startswith("/") or _DRIVE.match(norm):
        return "refused: absolute path as member name"
    if ".." in norm.split("/"):
        return "refused: '../' in the member name (path traversal)"
    return None


def _skipped(name: str) -> bool:
    """Hidden files and macOS resource forks (`__MACOSX/`, `._x`), skipped as in folders."""
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def declared_size_refusal(declared: int, compressed: int | None, limits: Limits) -> str | None:
    if declared > limits.max_member_bytes:
        return (f"refused: declared size {declared:,} bytes exceeds the per-member limit of "
                f"{limits.max_member_bytes:,} bytes")
    if compressed is not None and declared > limits.ratio_floor_bytes:
        ratio = declared / max(compressed, 1)
        if ratio > limits.max_ratio:
            return (f"refused: compression ratio {ratio:,.0f}:1 exceeds {limits.max_ratio:,.0f}:1 "
                    "(a decompression bomb?)")
    return None


def _total_exceeded(limits: Limits) -> str:
    return (f"archive produces more than {limits.max_total_bytes:,} bytes in total: "
            "the remaining members were not read")


def _read_capped(member: IO[bytes], where: str, limits: Limits) -> bytes | ReadFailure:
    try:
        data = member.read(limits.max_member_bytes + 1)
    except LimitExceeded:
        raise  # the whole archive stops, not just this member
    except Exception as exc:  # damaged data: CRC errors, bad deflate streams, truncation
        return ReadFailure(where, f"cannot read member: {type(exc).__name__}: {exc}")
    if len(data) > limits.max_member_bytes:
        return ReadFailure(where, f"refused: member is larger than the per-member limit of "
                                  f"{limits.max_member_bytes:,} bytes (more than its declared size?)")
    return data


def _guard(where: str, results: Iterator[ReadResult]) -> Iterator[ReadResult]:
    """A bug met on one member costs that member, not the rest of the archive."""
    try:
        yield from results
    except Exception as exc:
        yield ReadFailure(where, f"reader error: {type(exc).__name__}: {exc}")


# --- ZIP -------------------------------------------------------------------------------------------


def _zip_name(info: zipfile.ZipInfo) -> str:
    # Without the UTF-8 flag, zipfile decodes names as CP437; Windows tools often wrote UTF-8
    # bytes anyway (Vietnamese names), which this restores.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def read_zip(source: str, stream: IO[bytes], ctx: ReadContext, read_member: MemberReader) -> Iterator[ReadResult]:
    limits = ctx.limits
    inner = ctx.inside_archive()
    budget = inner.budget or Budget()
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        yield ReadFailure(source, f"not a valid ZIP archive: {exc}")
        return
    with archive:
        for count, info in enumerate(archive.infolist(), 1):
            if count > limits.max_members:
                yield ReadFailure(source, f"more than {limits.max_members:,} members: the rest were not read")
                return
            name = _zip_name(info)
            where = f"{source}!{name}"
            problem = unsafe_member_name(name)
            if problem:
                yield ReadFailure(where, problem)
                continue
            if info.is_dir() or _skipped(name):
                continue
            if info.flag_bits & 0x1:
                yield ReadFailure(where, "encrypted member: cannot be read")
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                # A Unix symbolic link stored by `zip -y`: its data is the target's path.
                yield ReadFailure(where, "refused: a link, not a file")
                continue
            refusal = declared_size_refusal(info.file_size, info.compress_size, limits)
            if refusal:
                yield ReadFailure(where, refusal)
                continue
            if budget.used + info.file_size > limits.max_total_bytes:
                yield ReadFailure(source, _total_exceeded(limits))
                return
            try:
                member = archive.open(info)
            except Exception as exc:  # unsupported compression, bad local header
                yield ReadFailure(where, f"cannot read member: {type(exc).__name__}: {exc}")
                continue
            with member:
                data = _read_capped(member, where, limits)
            if isinstance(data, ReadFailure):
                yield data
                continue
            budget.used += len(data)
            if budget.used > limits.max_total_bytes:
                yield ReadFailure(source, _total_exceeded(limits))
                return
            yield from _guard(where, read_member(where, name, data, inner))


# --- tar -------------------------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """The decompressed stream of a tar, counted: stops a bomb whose members are all refused
    (tarfile must still decompress a refused member's data to step over it)."""

    def __init__(self, inner: _Readable, compressed: IO[bytes] | None, limits: Limits) -> None:
        self._inner = inner
        self._compressed = compressed
        self._limits = limits
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        chunk = self._inner.read(len(view))
        n = len(chunk)
        view[:n] = chunk
        self.produced += n
        limits = self._limits
        if self.produced > limits.max_total_bytes:
            raise LimitExceeded(_total_exceeded(limits))
        if self._compressed is not None and self.produced > limits.ratio_floor_bytes * 4:
            consumed = max(self._compressed.tell(), 1)
            if self.produced / consumed > limits.max_ratio:
                raise LimitExceeded(
                    f"refused: compression ratio over {limits.max_ratio:,.0f}:1 "
                    "(a decompression bomb?): the remaining members were not read"
                )
        return n


def _decompressor(stream: IO[bytes]) -> _Readable | None:
    head = stream.read(6)
    stream.seek(0)
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=stream, mode="rb")
    if head.startswith(b"BZh"):
        return bz2.BZ2File(stream, mode="rb")
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(stream, mode="rb")
    return None


def read_tar(source: str, stream: IO[bytes], ctx: ReadContext, read_member: MemberReader) -> Iterator[ReadResult]:
    limits = ctx.limits
    inner = ctx.inside_archive()
    budget = inner.budget or Budget()
    decompressed = _decompressor(stream)
    counted = _CountingReader(decompressed or stream, stream if decompressed else None, limits)
    # Stream mode ("r|"): members in order, no seeking back, so each one's data is read as its
    # header is met and a compressed tar is decompressed once.
    reader = io.BufferedReader(counted, buffer_size=64 * 1024)
    count = 0
    try:
        with tarfile.open(fileobj=reader, mode="r|") as archive:
            for info in archive:
                count += 1
                if count > limits.max_members:
                    yield ReadFailure(source, f"more than {limits.max_members:,} members: the rest were not read")
                    return
                name = info.name
                where = f"{source}!{name}"
                problem = unsafe_member_name(name)
                if problem:
                    yield ReadFailure(where, problem)
                    continue
                if info.isdir() or _skipped(name):
                    continue
                if info.issym() or info.islnk():
                    yield ReadFailure(where, f"refused: a link (to {info.linkname!r}), not a file")
                    continue
                if not info.isreg():
                    yield ReadFailure(where, "refused: not a regular file (device, FIFO...)")
                    continue
                refusal = declared_size_refusal(info.size, None, limits)
                if refusal:
                    yield ReadFailure(where, refusal)
                    continue
                if budget.used + info.size > limits.max_total_bytes:
                    yield ReadFailure(source, _total_exceeded(limits))
                    return
                member = archive.extractfile(info)
                if member is None:
                    continue
                data = _read_capped(member, where, limits)
                if isinstance(data, ReadFailure):
                    yield data
                    continue
                budget.used += len(data)
                yield from _guard(where, read_member(where, name, data, inner))
    except LimitExceeded as exc:
        yield ReadFailure(source, str(exc))
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
        detail = str(exc) or type(exc).__name__
        if isinstance(exc, EOFError) or "ended before" in detail or "unexpected end" in detail:
            yield ReadFailure(source, f"damaged tar archive (truncated) after {count} members: {detail}")
        elif count == 0:
            yield ReadFailure(source, f"not a valid tar archive: {detail}")
        else:
            yield ReadFailure(source, f"damaged tar archive after {count} members: {detail}")


# --- a single gzip-compressed file (article.txt.gz) ---------------------------------------------


def read_gzip(
    source: str, name: str, stream: IO[bytes], ctx: ReadContext, read_member: MemberReader
) -> Iterator[ReadResult]:
    limits = ctx.limits
    inner_name = name[:-3] if name.lower().endswith(".gz") else name
    chunks: list[bytes] = []
    produced = 0
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
            # In chunks, so that a bomb is stopped by its ratio after a few MiB, not at the cap.
            while chunk := unzipped.read(1024 * 1024):
                produced += len(chunk)
                chunks.append(chunk)
                if produced > limits.max_member_bytes:
                    yield ReadFailure(source, f"refused: decompresses to more than {limits.max_member_bytes:,} bytes")
                    return
                if produced > limits.ratio_floor_bytes and produced / max(stream.tell(), 1) > limits.max_ratio:
                    yield ReadFailure(
                        source, f"refused: compression ratio over {limits.max_ratio:,.0f}:1 (a decompression bomb?)"
                    )
                    return
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        yield ReadFailure(source, f"not a valid gzip file: {exc}")
        return
    data = b"".join(chunks)
    inner = ctx.inside_archive()
    if inner.budget is not None:
        inner.budget.used += len(data)
    yield from read_member(source, inner_name, data, inner)
