"""Readers: one test per format and per encoding. Every fixture is built here, in tmp_path.

Archives are made with zipfile/tarfile, web archives with warcio, Windows-1258 bytes by
decomposing tone marks the way real Windows-1258 text does, TCVN3 bytes from the project's own
table reversed.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import socket
import tarfile
import unicodedata
import zipfile
from pathlib import Path

import pytest

from corpora.readers import Limits, ReaderOptions, ReadFailure, read_inputs
from corpora.readers.base import iso_date
from corpora.readers.encoding import TCVN3_TABLE, decode_bytes, tcvn3_table
from pipeline.document import Document, RawDocument

VI = (
    "Sơ kết phong trào thi đua Dân vận khéo giai đoạn 2021-2023\n"
    "Năm 2023, toàn tỉnh có 1.280 mô hình được công nhận; Ủy ban nhân dân tỉnh tặng Bằng khen "
    "cho 25 tập thể và 40 cá nhân. Đồng chí Nguyễn Thị Hương, Trưởng ban Dân vận Tỉnh ủy, phát biểu."
)
# TCVN3's 'ABC' fonts have no capitals with tone marks (they lived in a separate .VnTimeH font):
# this text has none, so it survives the round trip exactly.
VI_LOWER_TONES = (
    "Phong trào thi đua dân vận khéo ở xã Yên Bắc: năm 2023 có 120 mô hình được công nhận, "
    "ủy ban nhân dân huyện khen thưởng 15 tập thể, đồng chí Trần Văn Dũng phát biểu ý kiến."
)
TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: base letters precomposed (â, ơ, ư...), tone marks
    (grave, acute, tilde, hook, dot below) as separate combining characters."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out).encode("cp1258")


def to_tcvn3(text: str) -> bytes:
    reverse = {letter: byte for byte, letter in tcvn3_table().items()}
    return bytes(reverse[ch] if ch in reverse else ord(ch) for ch in text)


def read_all(*paths: Path, options: ReaderOptions | None = None, limits: Limits | None = None) -> list:
    return list(read_inputs(list(paths), options, limits=limits))


def docs(results: list) -> list[RawDocument]:
    return [r for r in results if isinstance(r, RawDocument)]


def fails(results: list) -> list[ReadFailure]:
    return [r for r in results if isinstance(r, ReadFailure)]


def article_html(
    title: str = "Sơ kết phong trào thi đua Dân vận khéo",
    body: str = VI,
    *,
    date: str | None = "2023-09-26T08:00:00+07:00",
    charset: str = "utf-8",
    extra_body: str = "",
) -> str:
    paragraphs = "\n".join(f"<p>{line}</p>" for line in body.split("\n"))
    date_meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}"><title>{title} - Báo Hà Nam</title>
<meta property="og:site_name" content="Báo Hà Nam">
<meta property="og:title" content="{title}">
<link rel="canonical" href="https://baohanam.com.vn/chinh-tri/so-ket-123.html">
{date_meta}</head>
<body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/chinh-tri">Chính trị</a></li></ul></nav>
<div class="menu-top">Đăng nhập | Đăng ký | Liên hệ quảng cáo</div>
<article><h1>{title}</h1>
{paragraphs}
<p>Hội nghị cũng đề ra phương hướng, nhiệm vụ trọng tâm trong thời gian tới, tiếp tục đẩy mạnh
phong trào thi đua gắn với thực hiện các nhiệm vụ chính trị của địa phương.</p>
{extra_body}
</article>
<div class="social-share">Chia sẻ Facebook Zalo Twitter</div>
<footer><p>Bản quyền thuộc Báo Hà Nam. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer>
</body></html>"""


# --- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8", VI.encode("utf-8")),
        ("utf8_bom", codecs.BOM_UTF8 + VI.encode("utf-8")),
        ("utf16le_bom", codecs.BOM_UTF16_LE + VI.encode("utf-16-le")),
        ("utf16be_bom", codecs.BOM_UTF16_BE + VI.encode("utf-16-be")),
        ("utf16le", VI.encode("utf-16-le")),
        ("utf16be", VI.encode("utf-16-be")),
        ("cp1258", to_cp1258(VI)),
    ],
)
def test_text_encodings_decode_to_the_same_text(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.text == VI
    assert unicodedata.is_normalized("NFC", doc.text)
    assert doc.source == str(path)


def test_cp1258_really_has_combining_marks_and_comes_out_nfc(tmp_path: Path) -> None:
    data = to_cp1258(VI)
    # The fixture is realistic only if tone marks are separate bytes (0xEC is the acute).
    assert b"\xec" in data and b"\xf2" in data
    text, encoding = decode_bytes(data)
    assert encoding == "cp1258"
    assert text == VI and unicodedata.is_normalized("NFC", text)
    # And the document the extractors see is NFC too.
    assert Document.from_raw(RawDocument(source="x", text=text)).text == VI


def test_tcvn3_bytes_are_converted(tmp_path: Path) -> None:
    path = tmp_path / "vntime.txt"
    path.write_bytes(to_tcvn3(VI_LOWER_TONES))
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.text == VI_LOWER_TONES
    assert doc.meta["encoding"] == "tcvn3"


def test_tcvn3_pasted_into_utf8_is_converted(tmp_path: Path) -> None:
    """Text copied out of a .VnTime document and saved as UTF-8: 'Phong trµo thi ®ua'."""
    assert to_tcvn3("Phong trào thi đua").decode("cp1252") == "Phong trµo thi ®ua"
    path = tmp_path / "pasted.txt"
    path.write_text(to_tcvn3(VI_LOWER_TONES).decode("cp1252"), encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.text == VI_LOWER_TONES
    assert doc.meta["encoding"] == "utf-8+tcvn3"


def test_tcvn3_capitals_of_the_abc_set() -> None:
    text, _ = decode_bytes("§¶ng bé x· ¡n Ch©u".encode("cp1252"))
    assert text == "Đảng bộ xã Ăn Châu"


def test_genuine_unicode_with_symbols_is_not_taken_for_tcvn3() -> None:
    text = "Giá 25.000 đồng/kg © Báo Hà Nam ® · liều 5 µg, ½ số hộ tham gia phong trào."
    decoded, encoding = decode_bytes(text.encode("utf-8"))
    assert decoded == text and encoding == "utf-8"


def test_tcvn3_table_is_clean_data() -> None:
    """The table is data: NFC letters, one line per byte, no letter twice, only the upper half."""
    table = tcvn3_table()
    lines = [line for line in TCVN3_TABLE.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith(("#", "byte\t"))]
    assert len(lines) == len(table) == 95
    letters = list(table.values())
    assert len(set(letters)) == len(letters)
    for line in lines:
        byte_hex, codepoint, letter, kind = line.split("\t")
        assert 0xA1 <= int(byte_hex, 16) <= 0xFF
        assert kind in {"vn3", "vn1"}
        assert letter.removeprefix("\u25cc") == chr(int(codepoint[2:], 16))
        assert unicodedata.is_normalized("NFC", letter)
    # Every lowercase Vietnamese letter and the seven base capitals are in the ABC (vn3) set.
    vn3 = {letter for line in lines for _, _, letter, kind in [line.split("\t")] if kind == "vn3"}
    lowercase = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
    assert lowercase | set("ĂÂĐÊÔƠƯ") == vn3


def test_undecodable_bytes_say_what_was_tried(tmp_path: Path) -> None:
    path = tmp_path / "mystery.txt"
    path.write_bytes(b"abc \x81\x8d\x8f\x90\x9d " * 20)
    [failure] = read_all(path)
    assert isinstance(failure, ReadFailure)
    assert failure.reason == (
        "cannot decode: not UTF-8 (invalid byte 0x81 at offset 4), not UTF-16, "
        "not Windows-1258 or TCVN3 Vietnamese"
    )


def test_latin1_french_is_not_passed_off_as_vietnamese() -> None:
    with pytest.raises(ValueError, match="cannot decode"):
        decode_bytes("Le café est très apprécié à Paris, où l'été dure.".encode("latin-1"))


# --- plain text -------------------------------------------------------------------------------------


def test_text_file_metadata(tmp_path: Path) -> None:
    path = tmp_path / "bai.txt"
    path.write_text(VI, encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)
    assert doc.meta == {"format": "text", "encoding": "utf-8"}
    assert doc.title is None and doc.url is None and doc.publish_date is None


def test_folder_is_walked_in_sorted_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("bí mật", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("ẩn", encoding="utf-8")
    (tmp_path / "b" / "2.txt").write_text("hai", encoding="utf-8")
    (tmp_path / "a.txt").write_text("một", encoding="utf-8")
    assert [d.text for d in docs(read_all(tmp_path))] == ["một", "hai"]


# --- HTML ---------------------------------------------------------------------------------------------


def test_html_page_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(article_html(), encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.title == "Sơ kết phong trào thi đua Dân vận khéo"
    assert doc.text.startswith(doc.title + "\n")
    assert "1.280 mô hình được công nhận" in doc.text
    assert doc.publish_date == "2023-09-26"
    assert doc.site_name == "Báo Hà Nam"
    assert doc.url == "https://baohanam.com.vn/chinh-tri/so-ket-123.html"
    assert doc.meta["format"] == "html"
    for furniture in ("Trang chủ", "Đăng nhập", "Chia sẻ", "Bản quyền"):
        assert furniture not in doc.text


def test_html_reading_never_touches_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = tmp_path / "page.html"
    path.write_text(article_html(extra_body='<img src="https://example.com/x.png"><iframe src="https://e.com"></iframe>'),
                    encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)


def test_html_in_windows_1258_with_declared_charset(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes(to_cp1258(article_html(charset="windows-1258")))
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert "Ủy ban nhân dân tỉnh tặng Bằng khen" in unicodedata.normalize("NFC", doc.text)
    assert doc.meta["encoding"] == "cp1258"


@pytest.mark.parametrize("encoding", ["cp1258", "tcvn3"])
def test_legacy_html_with_a_long_ascii_head(tmp_path: Path, encoding: str) -> None:
    """40 KB of inline script before the first Vietnamese letter: detection looks where the
    non-ASCII text is, not at the first bytes."""
    script = "<script>" + "var a = 1;\n" * 4000 + "</script>"
    body = VI_LOWER_TONES
    page = article_html(title="tin dân vận", body=body, charset="iso-8859-1", date=None).replace(
        "</head>", script + "</head>")
    path = tmp_path / "old.html"
    path.write_bytes(to_cp1258(page) if encoding == "cp1258" else to_tcvn3(page))
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert body in unicodedata.normalize("NFC", doc.text)
    assert doc.meta["encoding"] == encoding


def test_html_without_markup_reads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    path.write_text(VI, encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument)
    assert doc.text == VI


def test_html_with_no_article_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title></title></head><body><nav></nav></body></html>", encoding="utf-8")
    [failure] = read_all(path)
    assert isinstance(failure, ReadFailure)
    assert failure.reason == "no article text found in the HTML page"


# --- JSON Lines, JSON, CSV ----------------------------------------------------------------------------


def test_jsonl_records_sources_and_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "crawl.jsonl"
    lines = [
        json.dumps({"url": "https://baohanam.com.vn/a.html", "title": "Tiêu đề A", "text": VI,
                    "date": "26/09/2023"}, ensure_ascii=False),
        "{this is not json",
        "",
        json.dumps({"content": "Bài không có URL. " + VI, "published": "2023-10-01T07:00:00+07:00"}),
        json.dumps({"body": ""}),
        json.dumps(["a list"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = read_all(path)
    first, second = docs(results)
    # A bad first line is one failure too; the file is still read as JSON Lines.
    bad_start = tmp_path / "bad_start.jsonl"
    bad_start.write_text("garbage\n" + lines[0] + "\n", encoding="utf-8")
    start_results = read_all(bad_start)
    assert [d.url for d in docs(start_results)] == ["https://baohanam.com.vn/a.html"]
    assert [f.source for f in fails(start_results)] == [f"{bad_start}#line-1"]
    assert first.source == first.url == "https://baohanam.com.vn/a.html"
    assert first.title == "Tiêu đề A" and first.text == "Tiêu đề A\n" + VI
    assert first.publish_date == "2023-09-26"
    assert second.source == f"{path}#line-4" and second.url is None
    assert second.publish_date == "2023-10-01"
    reasons = {f.source: f.reason for f in fails(results)}
    assert set(reasons) == {f"{path}#line-2", f"{path}#line-5", f"{path}#line-6"}
    assert reasons[f"{path}#line-2"].startswith("not valid JSON")
    assert "no text" in reasons[f"{path}#line-5"]
    assert "not a record" in reasons[f"{path}#line-6"]


def test_jsonl_field_names_are_configurable(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    record = {"noi_dung": VI, "duong_dan": "https://x.vn/1", "tieu_de": "Tựa", "ngay": "2023-01-06",
              "text": "không phải bài"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    options = ReaderOptions.from_cli(("noi_dung",), ("duong_dan",), ("tieu_de",), ("ngay",))
    [doc] = read_all(path, options=options)
    assert isinstance(doc, RawDocument)
    assert (doc.source, doc.title, doc.publish_date) == ("https://x.vn/1", "Tựa", "2023-01-06")
    assert doc.text == "Tựa\n" + VI


def test_reader_options_from_cli() -> None:
    options = ReaderOptions.from_cli(("a, b", "c"), (), (), ("d",))
    assert options.text_fields == ("a", "b", "c")
    assert options.url_fields == ("url", "link")
    assert options.date_fields == ("d",)


def test_json_array_and_wrapped_list(tmp_path: Path) -> None:
    array = tmp_path / "array.json"
    array.write_text(json.dumps([{"text": "một " + VI}, {"text": "hai " + VI, "link": "https://x.vn/2"}],
                                ensure_ascii=False, indent=2), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"count": 1, "articles": [{"body": "ba " + VI}]}, indent=2), encoding="utf-8")
    results = read_all(array, wrapped)
    assert [d.source for d in docs(results)] == [f"{array}#item-1", "https://x.vn/2", f"{wrapped}#item-1"]
    assert not fails(results)


def test_jsonl_in_utf16_from_powershell(tmp_path: Path) -> None:
    path = tmp_path / "ps.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + (json.dumps({"text": VI}, ensure_ascii=False) + "\r\n").encode("utf-16-le"))
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.text == VI


def test_csv_headers_any_case_and_delimiter(tmp_path: Path) -> None:
    comma = tmp_path / "a.csv"
    comma.write_text(f'Title,Content,Link,Published\n"Tựa 1","{VI}",https://x.vn/1,2023-09-26\n',
                     encoding="utf-8-sig")
    semicolon = tmp_path / "b.csv"
    semicolon.write_text(f'title;text;date\nTựa 2;"{VI}";26/9/2023\n', encoding="utf-8")
    tab = tmp_path / "c.tsv"
    tab.write_text(f"text\turl\n{VI.replace(chr(10), ' ')}\t\n", encoding="utf-8")
    results = read_all(comma, semicolon, tab)
    assert not fails(results)
    one, two, three = docs(results)
    assert (one.source, one.title, one.publish_date) == ("https://x.vn/1", "Tựa 1", "2023-09-26")
    assert one.text == "Tựa 1\n" + VI
    assert (two.source, two.publish_date) == (f"{semicolon}#line-2", "2023-09-26")
    assert three.source == f"{tab}#line-2"


def test_csv_from_excel_in_windows_1258(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(to_cp1258(f'title,content\r\nTựa,"{VI}"\r\n'))
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.text == "Tựa\n" + VI


def test_csv_bad_rows_and_missing_text_column(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f'text,url\n"{VI}",https://x.vn/1\n,https://x.vn/2\na,b,c\n', encoding="utf-8")
    no_text = tmp_path / "no_text.csv"
    no_text.write_text("id,headline\n1,x\n", encoding="utf-8")
    results = read_all(no_text, rows)
    assert [d.source for d in docs(results)] == ["https://x.vn/1"]
    reasons = {f.source: f.reason for f in fails(results)}
    assert reasons[str(no_text)] == "no text column: looked for text, content, body; the header has 'id', 'headline'"
    # Line numbers are the file's own: the quoted text spans lines 2-3.
    assert "no text" in reasons[f"{rows}#line-4"]
    assert "3 cells but the header has 2 columns" in reasons[f"{rows}#line-5"]


def test_csv_long_cell_over_the_csv_default_limit(tmp_path: Path) -> None:
    long_text = (VI + " ") * 2000  # > 128 KiB, the csv module's default field limit
    path = tmp_path / "long.csv"
    path.write_text(f'text\n"{long_text}"\n', encoding="utf-8")
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert len(doc.text) == len(long_text)


# --- archives -------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar(members: dict[str, bytes | str], mode: str = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:  # type: ignore[call-overload]
        for name, data in members.items():
            payload = data.encode("utf-8") if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


MIXED_MEMBERS: dict[str, bytes | str] = {
    "bai/mot.txt": "Một. " + VI,
    "bai/hai.html": article_html(title="Bài hai"),
    "bai/ba.jsonl": json.dumps({"text": "Ba. " + VI, "url": "https://x.vn/ba"}, ensure_ascii=False) + "\n",
    "bai/bon.csv": f'text\n"Bốn. {VI}"\n',
    "bai/nam.txt": to_cp1258("Năm. " + VI),
}


def _expected_sources(archive: Path) -> list[str]:
    return [f"{archive}!bai/mot.txt", f"{archive}!bai/hai.html", "https://x.vn/ba",
            f"{archive}!bai/bon.csv#line-2", f"{archive}!bai/nam.txt"]


def test_zip_members_dispatched_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "archive.zip"
    path.write_bytes(_zip({**MIXED_MEMBERS, "__MACOSX/bai/._mot.txt": b"\x00\x05\x16\x07", "bai/": ""}))
    results = read_all(path)
    assert not fails(results), fails(results)
    assert [d.source for d in docs(results)] == _expected_sources(path)
    assert docs(results)[4].text == "Năm. " + VI


@pytest.mark.parametrize(("suffix", "mode"), [(".tar.gz", "w:gz"), (".tgz", "w:gz"), (".tar", "w"),
                                              (".tar.bz2", "w:bz2"), (".tar.xz", "w:xz")])
def test_tar_members_dispatched_by_extension(tmp_path: Path, suffix: str, mode: str) -> None:
    path = tmp_path / f"archive{suffix}"
    path.write_bytes(_tar(MIXED_MEMBERS, mode))
    results = read_all(path)
    assert not fails(results), fails(results)
    assert [d.source for d in docs(results)] == _expected_sources(path)


def test_nested_archive_one_level_is_read(tmp_path: Path) -> None:
    inner = _tar({"trong.txt": "Trong. " + VI})
    path = tmp_path / "outer.zip"
    path.write_bytes(_zip({"inner.tar.gz": inner, "ngoai.txt": "Ngoài. " + VI}))
    results = read_all(path)
    assert not fails(results)
    assert [d.source for d in docs(results)] == [f"{path}!inner.tar.gz!trong.txt", f"{path}!ngoai.txt"]


def test_vietnamese_member_names_from_windows_zip(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("bài viết.txt")
        archive.writestr(info, VI)
    data = bytearray(buffer.getvalue())
    # Clear the UTF-8 flag (bit 11 of the flags in the local and the central header), as old
    # Windows tools wrote UTF-8 names without setting it.
    local, central = 0, data.index(b"PK\x01\x02")
    for flags_at in (local + 6, central + 8):
        data[flags_at + 1] &= ~0x08 & 0xFF
    path = tmp_path / "names.zip"
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).infolist()[0].flag_bits & 0x800 == 0
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.source == f"{path}!bài viết.txt"


def test_gzip_single_file(tmp_path: Path) -> None:
    path = tmp_path / "bai.txt.gz"
    path.write_bytes(gzip.compress(VI.encode("utf-8")))
    [doc] = read_all(path)
    assert isinstance(doc, RawDocument), doc
    assert doc.text == VI and doc.source == str(path)


# --- web archives ----------------------------------------------------------------------------------------


def _warc(gzipped: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)

    def response(uri: str, status: str, content_type: str, body: bytes, date: str) -> None:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": date})
        writer.write_record(record)

    response("https://baohanam.com.vn/a.html", "200 OK", "text/html; charset=utf-8",
             article_html(title="Bài A").encode("utf-8"), "2023-09-27T01:02:03Z")
    response("https://baohanam.com.vn/b.html", "200 OK", "text/html; charset=windows-1258",
             to_cp1258(article_html(title="Bài B", date=None, charset="windows-1258")), "2023-10-05T01:02:03Z")
    response("https://baohanam.com.vn/missing.html", "404 Not Found", "text/html",
             b"<html><body><p>Not found</p></body></html>", "2023-10-05T01:02:03Z")
    response("https://baohanam.com.vn/logo.png", "200 OK", "image/png",
             b"\x89PNG\r\n\x1a\n" + bytes(64), "2023-10-05T01:02:03Z")
    request = writer.create_warc_record("https://baohanam.com.vn/a.html", "request",
                                        payload=io.BytesIO(b"GET /a.html HTTP/1.1\r\n\r\n"))
    writer.write_record(request)
    return buffer.getvalue()


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_html_responses_only(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    path.write_bytes(_warc(gzipped))
    results = read_all(path)
    assert not fails(results), fails(results)
    a, b = docs(results)
    assert a.source == "https://baohanam.com.vn/a.html"
    assert a.publish_date == "2023-09-26"  # the page's own date wins over WARC-Date
    assert a.title == "Bài A"
    assert b.source == "https://baohanam.com.vn/b.html"
    assert b.publish_date == "2023-10-05"  # none in the page: the WARC-Date
    assert "Ủy ban nhân dân tỉnh" in unicodedata.normalize("NFC", b.text)


def test_warc_inside_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "crawls.zip"
    path.write_bytes(_zip({"thang9.warc.gz": _warc(True)}))
    results = read_all(path)
    assert not fails(results), fails(results)
    assert [d.source for d in docs(results)] == ["https://baohanam.com.vn/a.html", "https://baohanam.com.vn/b.html"]


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-26", "2023-09-26"),
        ("2023-09-26T08:00:00+07:00", "2023-09-26"),
        ("26/09/2023", "2023-09-26"),
        ("6/1/2023 10:30", "2023-01-06"),
        ("26-9-2023", "2023-09-26"),
        ("Thứ 6, ngày 06 tháng 01 năm 2023", "2023-01-06"),
        ("31/02/2023", None),
        ("hôm qua", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_date(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected
