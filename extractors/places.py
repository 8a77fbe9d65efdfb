"""The `places` stage: which province an article's figures belong to, and at what level.

Evidence comes in kinds of different strength: a source line (`Theo Baoninhbinh.org.vn`,
`Nguồn: Báo Nam Định`) and the page's address, a province named with its unit word (`tỉnh Bắc
Kạn`, `Tỉnh ủy Thanh Hóa`), a bare province name (`Thanh Hóa biểu dương ...`), and districts and
communes (`huyện Bạch Thông`) resolved through a gazetteer built once from the
`vietnamadminunits` data. Each mention adds its weight to its province; a district or commune
name shared by several provinces goes to the one the rest of the article supports.

The level of the figures (province, district, commune, agency, national) is read from the
subject of the title and of the opening sentence (`Huyện ủy Hòa An tổ chức ...`, `Công an tỉnh
Quảng Ngãi tổng kết ...`) and from the sentences that state counts (`toàn tỉnh có 1.280 mô
hình`).

Text is searched in a copy with one tone placement (`Hoà` → `Hòa`) and with all-capital lines
in title case (`BẢN ĐỒ TỈNH NINH BÌNH`); both changes keep every offset, so spans index
`Document.text` directly.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import regex

from extractors import vocab
from pipeline.document import Document
from schemas.records import ArticlePlace, DateMention, PlaceMention, Records

# The 2025 merger took effect on this day; an article published later names the new provinces.
MERGER_DAY = dt.date(2025, 7, 1)

# Old-style tone placement on the second vowel → new style on the first. Same length both ways,
# so a normalised copy of a text keeps the text's offsets.
_TONE_PLACEMENT = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_PLACEMENT.update({k.capitalize(): v.capitalize() for k, v in list(_TONE_PLACEMENT.items())})
_TONE_PATTERN = regex.compile("|".join(_TONE_PLACEMENT))
_UPPER_LINE = regex.compile(r"^[^\p{Ll}\n]*\p{Lu}[^\p{Ll}\n]*\p{Lu}[^\p{Ll}\n]*$", regex.MULTILINE)

# One capitalised word of a place name: `Phủ`, `H'leo`, `M'gar`, or a number (`Quận 3`).
_NAME_WORD = r"(?:\p{Lu}[\p{Ll}\p{M}']*(?:-\p{Lu}[\p{Ll}\p{M}']*)?|\d{1,2})"
_NAME = rf"{_NAME_WORD}(?:[^\S\n]{_NAME_WORD}){{0,3}}"

# Unit words before a name, with the level they give and the library's unit types they fit.
_UNIT_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tỉnh ủy": ("province", ()),
    "tỉnh": ("province", ()),
    "thành ủy": ("city", ("Thành phố",)),
    "thành phố": ("city", ("Thành phố",)),
    "tp.": ("city", ("Thành phố",)),
    "tp": ("city", ("Thành phố",)),
    "huyện ủy": ("district", ("Huyện",)),
    "huyện": ("district", ("Huyện",)),
    "quận ủy": ("district", ("Quận",)),
    "quận": ("district", ("Quận",)),
    "thị ủy": ("district", ("Thị xã",)),
    "thị xã": ("district", ("Thị xã",)),
    "xã": ("commune", ("Xã",)),
    "phường": ("commune", ("Phường",)),
    "thị trấn": ("commune", ("Thị trấn",)),
}


def normalise_tones(text: str) -> str:
    return _TONE_PATTERN.sub(lambda m: _TONE_PLACEMENT[m.group(0)], text)


def fold(name: str) -> str:
    """A lookup key for a name: one tone placement, casefolded, single spaces, no dash spacing."""
    value = normalise_tones(unicodedata.normalize("NFC", name)).casefold()
    value = regex.sub(r"\s*[-–]\s*", " - ", value)
    return " ".join(value.split())


def slug(name: str) -> str:
    """ASCII letters only: `Ninh Bình` → `ninhbinh`, as web addresses spell it."""
    decomposed = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def searchable(text: str) -> str:
    """`text` with one tone placement and capital-letter lines in title case; same offsets."""
    def title_line(match: regex.Match[str]) -> str:
        line = match.group(0)
        titled = line.title()
        return titled if len(titled) == len(line) else line

    copy = _UPPER_LINE.sub(title_line, text)
    copy = normalise_tones(copy)
    return copy if len(copy) == len(text) else text


# --------------------------------------------------------------------------- gazetteer
@dataclass(frozen=True)
class Unit:
    """A legacy district or commune as the library knows it."""

    level: str  # district | commune
    name: str  # short name: `Phủ Lý`, `Bạch Thông`
    kind: str  # the library's unit type: `Thành phố`, `Huyện`, `Xã` ...
    province: str  # legacy province, contract naming
    district: str | None = None  # a commune's district


@dataclass(frozen=True)
class Gazetteer:
    provinces: tuple[str, ...]  # the 63 legacy provinces, contract naming
    spellings: dict[str, str]  # folded spelling → legacy province
    successor: dict[str, str]  # legacy province → 2025 province
    provinces_2025: frozenset[str]
    central: frozenset[str]  # centrally-run cities (legacy names)
    districts: dict[str, tuple[Unit, ...]]  # folded short name → units
    communes: dict[str, tuple[Unit, ...]]
    communes_2025: dict[str, tuple[str, ...]]  # folded ward name → 2025 provinces
    slugs: dict[str, str]  # ASCII spelling → legacy province


def _data_dir() -> Path:
    return Path(str(resources.files("vietnamadminunits"))) / "data"


@cache
def gazetteer() -> Gazetteer:
    """Built once per process from the library's data (about 40 ms)."""
    words = vocab.load("places")
    renamed: dict[str, str] = words["legacy_names"]
    data = _data_dir()
    connection = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy_rows = connection.execute(
            "SELECT province, provinceShort, provinceKey, districtShort, districtType, wardShort, wardType "
            "FROM admin_units_legacy"
        ).fetchall()
        rows_2025 = connection.execute("SELECT provinceShort, provinceKey, wardShort FROM admin_units").fetchall()
    finally:
        connection.close()

    legacy_by_key: dict[str, str] = {}
    central: set[str] = set()
    districts: dict[str, set[Unit]] = defaultdict(set)
    communes: dict[str, set[Unit]] = defaultdict(set)
    for full, short, key, district, district_kind, ward, ward_kind in legacy_rows:
        province = renamed.get(short, short)
        legacy_by_key[key] = province
        if full.startswith("Thành phố"):
            central.add(province)
        if district:
            districts[fold(district)].add(Unit("district", district, district_kind or "", province))
        if ward:
            communes[fold(ward)].add(Unit("commune", ward, ward_kind or "", province, district))

    new_by_key: dict[str, str] = {}
    communes_2025: dict[str, set[str]] = defaultdict(set)
    for short, key, ward in rows_2025:
        new_by_key[key] = short
        if ward:
            communes_2025[fold(ward)].add(short)
    with (data / "converter_2025.json").open(encoding="utf-8") as handle:
        merged = json.load(handle)["DICT_PROVINCE"]
    successor = {
        legacy_by_key[old_key]: new_by_key[new_key]
        for new_key, old_keys in merged.items()
        for old_key in old_keys
        if old_key in legacy_by_key and new_key in new_by_key
    }

    provinces = tuple(sorted(set(legacy_by_key.values())))
    spellings: dict[str, str] = {fold(p): p for p in provinces}
    spellings.update({fold(short): renamed.get(short, short) for short in renamed})
    for alias, province in words["province_aliases"].items():
        spellings[fold(alias)] = province
    slugs = {slug(p): p for p in provinces}
    slugs.update({slug(short): province for short, province in renamed.items()})
    for label, province in words["sites"].items():
        slugs[label] = province
    return Gazetteer(
        provinces=provinces,
        spellings=spellings,
        successor=successor,
        provinces_2025=frozenset(new_by_key.values()),
        central=frozenset(central),
        districts={k: tuple(sorted(v, key=lambda u: u.province)) for k, v in districts.items()},
        communes={k: tuple(sorted(v, key=lambda u: (u.province, u.district or ""))) for k, v in communes.items()},
        communes_2025={k: tuple(sorted(v)) for k, v in communes_2025.items()},
        slugs=slugs,
    )


# --------------------------------------------------------------------------- evidence
@dataclass
class _Evidence:
    """One mention and what it says about the province; `candidates` > 1 means ambiguous."""

    level: str  # province | district | commune | source
    name: str
    candidates: tuple[Unit | str, ...]  # Units for districts/communes, province names otherwise
    start: int
    end: int
    weight: float
    rule: str

    def provinces(self) -> set[str]:
        return {c.province if isinstance(c, Unit) else c for c in self.candidates}


@dataclass
class _Scope:
    level: str
    name: str | None
    start: int
    end: int
    weight: float
    rule: str
    province: str | None = None


def _alternation(entries: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{e})" for e in sorted(entries, key=len, reverse=True)) + ")"


class PlacesStage:
    name = "places"
    needs: tuple[str, ...] = ("dates",)
    gives = "places"

    def __init__(self) -> None:
        self.gaz = gazetteer()
        words = vocab.load("places")
        periods = vocab.load("periods")
        ci = regex.IGNORECASE
        unit_words = _alternation([regex.escape(w).replace(r"\ ", r"\s+") for w in _UNIT_WORDS])
        # A unit word (any case) and a capitalised name after it: `huyện Bạch Thông`, `Tỉnh ủy Nam Định`.
        self._typed = regex.compile(rf"(?<![\w.])(?P<unit>(?i:{unit_words}))[^\S\n]*(?P<name>{_NAME})")
        excluded = {fold(n) for n in words["bare_name_excluded"]}
        bare = sorted(
            {s for s in self._spelling_variants() if fold(s) not in excluded}, key=len, reverse=True
        )
        self._bare = regex.compile(
            rf"(?<![\w])(?P<name>{'|'.join(regex.escape(s) for s in bare)})(?![\w])(?![^\S\n]+\p{{Lu}})"
        )
        self._city = regex.compile(
            rf"(?<![\w])(?P<name>{'|'.join(regex.escape(a) for a in sorted(words['city_aliases'], key=len, reverse=True))})(?![\w])"
        )
        self._city_aliases: dict[str, str] = words["city_aliases"]
        self._outlets = regex.compile(
            rf"(?<![\w])(?P<name>{'|'.join(regex.escape(o) for o in sorted(words['outlets'], key=len, reverse=True))})(?![\w])",
            ci,
        )
        self._outlet_names = {fold(k): v for k, v in words["outlets"].items()}
        openers = _alternation(words["source_openers"])
        self._source_line = regex.compile(
            rf"(?:^|\()[^\S\n]*(?:{openers})[^\S\n]*:?[^\S\n]*(?P<source>[^\n()]{{2,100}})", ci | regex.MULTILINE
        )
        self._byline_source = regex.compile(r"\((?P<source>[^\n()]{4,100})\)[^\S\n]*$", regex.MULTILINE)
        self._domain = regex.compile(r"(?<![\w.@])(?P<domain>[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)+)", ci)
        self._source_kind = regex.compile(r"(?:báo|tạp\s+chí|đài|cổng|trang|trung\s+tâm|truyền\s+hình)", ci)
        self._scope_words = {
            level: regex.compile(rf"(?<!\w){_alternation(entries)}(?!\w)", ci)
            for level, entries in words["scope_words"].items()
        }
        self._national_organ = regex.compile(_alternation(words["national_organs"]))
        self._agency_head = regex.compile(rf"(?<!\w){_alternation(words['agency_heads'])}")
        self._subject_verb = regex.compile(rf"(?<!\w){_alternation(words['subject_verbs'])}(?!\w)")
        self._merger_sign = regex.compile(_alternation(words["merger_signs"]), ci)
        units = _alternation(periods["figure_units"])
        number_words = _alternation([regex.escape(w) for w in periods["number_words"]])
        self._figure = regex.compile(
            rf"(?<![\w.,/])(?:\d{{1,3}}(?:\.\d{{3}})+|\d+|{number_words}(?:\s+mươi)?(?:\s+\w+)?)\s+(?:{units})(?!\w)",
            ci,
        )
        self._opening = regex.compile(
            r"^(?:(?:sáng|chiều|trưa|tối|ngày|hôm\s+nay)[^,]{0,25},\s*|(?:thời\s+gian\s+qua|năm\s+\d{4}|"
            r"những\s+năm\s+qua|trong\s+[^,]{0,40}),\s*)",
            ci,
        )

    def _spelling_variants(self) -> list[str]:
        """Every spelling of a legacy province as it would stand in the searchable copy."""
        names = set(self.gaz.provinces)
        words = vocab.load("places")
        names.update(words["province_aliases"])
        names.update(words["legacy_names"])
        return sorted({normalise_tones(n) for n in names})

    # ------------------------------------------------------------------ stage
    def __call__(self, doc: Document, earlier: Records) -> list[PlaceMention | ArticlePlace]:
        text = doc.text
        search = searchable(text)
        body_end = _body_end(doc)
        publish = _publish_date(earlier, doc)
        post_merger = bool(publish and publish >= MERGER_DAY) or (
            publish is None and self._merger_sign.search(search[:body_end]) is not None
        )

        evidence: list[_Evidence] = []
        evidence.extend(self._source_evidence(doc, search))
        taken = [(e.start, e.end) for e in evidence]
        evidence.extend(self._typed_evidence(search, body_end, doc, taken))
        taken = [(e.start, e.end) for e in evidence]
        evidence.extend(self._bare_evidence(search, body_end, doc, taken))

        scores = self._province_scores(evidence, post_merger)
        province = max(scores, key=lambda p: (scores[p], -self._first_seen(evidence, p))) if scores else None

        mentions = self._mentions(text, evidence, scores)
        scope = self._scope(doc, search, body_end, evidence, scores, province)
        if scope.level in ("district", "commune") and scope.province:
            province = scope.province
        if scope.level == "national":
            province = None
        if scope.level == "province":
            scope.name = province
        if province is None and scope.level != "national":
            scope = _Scope("province", None, 0, 0, 0, "no_evidence")
        province_2025 = self.gaz.successor.get(province, province) if province else None
        if post_merger and province is not None:
            # After the merger an article names the new province; the gold keeps that name.
            named_2025 = self._named_2025(evidence, province_2025)
            if named_2025 is not None and scope.level in ("province", "agency"):
                province, province_2025 = named_2025, named_2025
                if scope.level == "province":
                    scope.name = named_2025
        decided = _best_evidence(evidence, province) if scope.level == "province" else None
        start, end = (decided.start, decided.end) if decided else (scope.start, scope.end)
        place = ArticlePlace(province, province_2025, scope.level, scope.name, start, end, scope.rule)
        return [*mentions, place]

    # ------------------------------------------------------------------ evidence
    def _source_evidence(self, doc: Document, search: str) -> list[_Evidence]:
        found: list[_Evidence] = []
        for match in self._source_line.finditer(search):
            source = match.group("source")
            line_start = search.rfind("\n", 0, match.start()) + 1
            line_end = search.find("\n", match.end())
            line = search[line_start: len(search) if line_end < 0 else line_end]
            if len(line.strip()) > 120:
                continue  # a body sentence that starts with `Theo ...`
            if not (self._source_kind.match(source.strip()) or self._domain.search(source)):
                continue
            offset = match.start("source")
            found.extend(self._read_source(source, offset, "source_line", 4.0))
        for match in self._byline_source.finditer(search):
            source = match.group("source")
            if self._source_kind.search(source) and not any(e.start == match.start("source") for e in found):
                found.extend(self._read_source(source, match.start("source"), "byline_source", 3.0))
        for value in (doc.url, doc.site_name):
            if value:
                found.extend(
                    _Evidence("source", e.name, e.candidates, 0, 0, e.weight, "metadata")
                    for e in self._read_source(value, 0, "metadata", 4.0)
                )
        return found

    def _read_source(self, source: str, offset: int, rule: str, weight: float) -> list[_Evidence]:
        """A province from a source name: a web address, an outlet, a province in a paper's name."""
        for match in self._domain.finditer(source):
            for label in match.group("domain").lower().split("."):
                for key in (label, label[3:] if label.startswith("bao") else ""):
                    province = self.gaz.slugs.get(key) if key else None
                    if province:
                        start, end = offset + match.start(), offset + match.end()
                        return [_Evidence("source", province, (province,), start, end, weight, rule + "_site")]
        outlet = self._outlets.search(source)
        if outlet is not None:
            province = self._outlet_names[fold(outlet.group("name"))]
            start, end = offset + outlet.start(), offset + outlet.end()
            return [_Evidence("source", province, (province,), start, end, weight, rule + "_outlet")]
        named = self._bare.search(source) or self._city.search(source)
        if named is not None:
            province = self._province_of_spelling(named.group("name"))
            if province:
                start, end = offset + named.start(), offset + named.end()
                return [_Evidence("source", province, (province,), start, end, weight, rule + "_name")]
        return []

    def _province_of_spelling(self, spelling: str) -> str | None:
        if spelling in self._city_aliases:
            return self._city_aliases[spelling]
        return self.gaz.spellings.get(fold(spelling))

    def _typed_evidence(
        self, search: str, body_end: int, doc: Document, taken: list[tuple[int, int]]
    ) -> list[_Evidence]:
        found: list[_Evidence] = []
        for start, end in _regions(doc, body_end):
            for match in self._city.finditer(search, start, end):
                if _overlaps(match.start(), match.end(), taken):
                    continue
                province = self._city_aliases[match.group("name")]
                found.append(_Evidence("province", province, (province,), match.start(), match.end(), 3.0, "city_alias"))
            for match in self._typed.finditer(search, start, end):
                if _overlaps(match.start(), match.end(), taken) or _overlaps(
                    match.start(), match.end(), [(e.start, e.end) for e in found]
                ):
                    continue
                evidence = self._resolve_typed(match)
                if evidence is not None:
                    found.append(evidence)
        return found

    def _resolve_typed(self, match: regex.Match[str]) -> _Evidence | None:
        unit = " ".join(match.group("unit").lower().split())
        level, kinds = _UNIT_WORDS[unit]
        words = match.group("name").split()
        # The longest run of the name's words that the gazetteer knows: `Phủ Lý đã` → `Phủ Lý`.
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size])
            key = fold(name)
            end = match.start("name") + len(name)
            if level in ("province", "city"):
                province = self.gaz.spellings.get(key)
                if province is not None and (level == "province" or province in self.gaz.central):
                    return _Evidence("province", province, (province,), match.start(), end, 3.0, f"typed_{level}")
                if level == "province":
                    continue
            table = self.gaz.communes if level == "commune" else self.gaz.districts
            units = table.get(key, ())
            if not units:
                continue
            fitting = tuple(u for u in units if u.kind in kinds) or units
            unit_level = "commune" if level == "commune" else "district"
            weight = 1.5 if unit_level == "district" else 1.0
            return _Evidence(unit_level, fitting[0].name, fitting, match.start(), end, weight, f"typed_{unit_level}")
        return None

    def _bare_evidence(
        self, search: str, body_end: int, doc: Document, taken: list[tuple[int, int]]
    ) -> list[_Evidence]:
        found: list[_Evidence] = []
        for start, end in _regions(doc, body_end):
            for match in self._bare.finditer(search, start, end):
                if _overlaps(match.start(), match.end(), taken):
                    continue
                # Part of a longer proper name (`Nguyễn Thái Bình`) unless an organ's word precedes.
                before = search[max(0, match.start() - 12): match.start()]
                previous = regex.search(r"(\p{Lu}[\p{Ll}\p{M}]*)[^\S\n]+$", before)
                if previous is not None and previous.group(1) not in _ORGAN_WORDS:
                    continue
                province = self._province_of_spelling(match.group("name"))
                if province is not None:
                    found.append(_Evidence("province", province, (province,), match.start(), match.end(), 2.0, "bare_province"))
        return found

    def _province_scores(self, evidence: list[_Evidence], post_merger: bool) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        for item in evidence:
            provinces = item.provinces()
            if len(provinces) == 1:
                scores[next(iter(provinces))] += item.weight
        # A name shared by provinces counts for the one the unambiguous evidence supports; with
        # none, for the province most such names share.
        ambiguous = [e for e in evidence if len(e.provinces()) > 1]
        if ambiguous:
            shared: dict[str, int] = defaultdict(int)
            for item in ambiguous:
                for province in item.provinces():
                    shared[province] += 1
            for item in ambiguous:
                options = item.provinces()
                supported = [p for p in options if scores.get(p, 0) > 0]
                pool = supported or [p for p in options if shared[p] == max(shared[q] for q in options)]
                if len(pool) == 1:
                    scores[pool[0]] += item.weight * 0.5
        if post_merger:
            # After the merger, evidence for the old parts of a province is evidence for the new one.
            merged: dict[str, float] = defaultdict(float)
            for province, score in scores.items():
                merged[self.gaz.successor.get(province, province)] += score
            for province in list(scores):
                if province in merged and self.gaz.successor.get(province) == province:
                    scores[province] = merged[province]
        return dict(scores)

    def _first_seen(self, evidence: list[_Evidence], province: str) -> int:
        starts = [e.start for e in evidence if province in e.provinces() and e.level != "source"]
        return min(starts) if starts else 10**9

    def _named_2025(self, evidence: list[_Evidence], province_2025: str | None) -> str | None:
        if province_2025 is None:
            return None
        names = {e.name for e in evidence if e.level in ("province", "source")}
        return province_2025 if province_2025 in names else None

    def _mentions(self, text: str, evidence: list[_Evidence], scores: dict[str, float]) -> list[PlaceMention]:
        mentions: list[PlaceMention] = []
        for item in evidence:
            if item.end <= item.start:
                continue  # metadata evidence has no span in the text
            provinces = item.provinces()
            province = next(iter(provinces)) if len(provinces) == 1 else None
            if province is None:
                supported = sorted(provinces, key=lambda p: -scores.get(p, 0.0))
                province = supported[0] if supported and scores.get(supported[0], 0) > 0 else None
            level = "province" if item.level == "source" else item.level
            name = item.name
            if isinstance(item.candidates[0], Unit) and province is not None:
                name = next((c.name for c in item.candidates if isinstance(c, Unit) and c.province == province), name)
            mentions.append(PlaceMention(level, name, province, text[item.start:item.end], item.start, item.end, item.rule))
        return mentions

    # ------------------------------------------------------------------ scope
    def _scope(
        self,
        doc: Document,
        search: str,
        body_end: int,
        evidence: list[_Evidence],
        scores: dict[str, float],
        province: str | None,
    ) -> _Scope:
        votes: dict[str, float] = defaultdict(float)
        best_of_level: dict[str, _Scope] = {}

        def vote(scope: _Scope | None) -> None:
            if scope is None:
                return
            votes[scope.level] += scope.weight
            current = best_of_level.get(scope.level)
            if current is None or scope.weight > current.weight or (
                scope.level == "agency" and current.name and scope.name and len(scope.name) > len(current.name)
                and scope.weight >= current.weight
            ):
                best_of_level[scope.level] = scope

        title_span = _title_span(doc)
        if title_span is not None:
            vote(self._subject_scope(search, *title_span, evidence, scores, 3.0, "title"))
        lead = _lead_sentence(doc, body_end, title_span)
        if lead is not None:
            vote(self._subject_scope(search, *lead, evidence, scores, 3.0, "lead"))
        figures = 0
        for start, end in doc.sentences:
            if start >= body_end or figures >= 4:
                break
            match = self._figure.search(search, start, end)
            if match is None:
                continue
            figures += 1
            vote(self._subject_scope(search, start, match.start(), evidence, scores, 2.0, "figure"))
        if not votes:
            if self._scope_words["national"].search(search, 0, body_end) and province is None:
                return _Scope("national", "Việt Nam", 0, 0, 1.0, "national_words")
            return _Scope("province", province, 0, 0, 0.0, "default")
        level = max(votes, key=lambda lv: (votes[lv], _LEVEL_ORDER.index(lv)))
        chosen = best_of_level[level]
        if level == "agency":
            chosen.name = self._agency_full_name(search, body_end, chosen)
        if level == "national":
            chosen.name = "Việt Nam"
        return chosen

    def _subject_scope(
        self,
        search: str,
        start: int,
        end: int,
        evidence: list[_Evidence],
        scores: dict[str, float],
        weight: float,
        where: str,
    ) -> _Scope | None:
        """The level named first in a title, opening sentence or the words before a count."""
        chunk = search[start:end]
        opening = self._opening.match(chunk)
        skip = opening.end() if opening else 0
        verb = self._subject_verb.search(chunk, skip)
        limit = verb.start() if verb and where == "lead" else len(chunk)
        if where == "title":
            colon = chunk.find(":")
            limit = colon if colon > 0 else len(chunk)
        cues: list[_Scope] = []
        for level, pattern in self._scope_words.items():
            for match in pattern.finditer(chunk, skip, len(chunk) if where != "lead" else limit):
                cues.append(_Scope(level, None, start + match.start(), start + match.end(), weight, f"{where}_words"))
        national = self._national_organ.search(chunk, skip, limit)
        if national is not None:
            cues.append(_Scope("national", "Việt Nam", start + national.start(), start + national.end(), weight,
                               f"{where}_national_organ"))
        agency = self._agency_head.search(chunk, skip, limit)
        if agency is not None:
            cues.append(_Scope("agency", None, start + agency.start(), start + agency.end(), weight, f"{where}_agency"))
        for item in evidence:
            if not (start + skip <= item.start < start + limit) or item.level == "source":
                continue
            unit_level = item.level
            if unit_level == "province":
                cues.append(_Scope("province", item.name, item.start, item.end, weight, f"{where}_province"))
                continue
            provinces = item.provinces()
            chosen = max(provinces, key=lambda p: scores.get(p, 0.0))
            unit = next(c for c in item.candidates if isinstance(c, Unit) and c.province == chosen)
            cues.append(_Scope(unit_level, unit.name, item.start, item.end, weight, f"{where}_{unit_level}", chosen))
        if where == "title" and not cues:
            # A bare place at the head of a title: `Nghi Lộc sơ kết ...`, `Bản Lầu: ...`.
            cue = self._title_head_place(search, start, start + limit, scores, weight)
            if cue is not None:
                cues.append(cue)
        if not cues:
            return None
        first = min(cues, key=lambda c: (c.start, -_LEVEL_ORDER.index(c.level)))
        if first.level == "district" and first.province in self.gaz.central and first.rule.endswith("city"):
            first.level = "province"
        return first

    def _title_head_place(
        self, search: str, start: int, end: int, scores: dict[str, float], weight: float
    ) -> _Scope | None:
        head = regex.match(rf"[^\S\n]*(?P<name>{_NAME})", search[start:end])
        if head is None:
            return None
        words = head.group("name").split()
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size])
            key = fold(name)
            for level, table in (("district", self.gaz.districts), ("commune", self.gaz.communes)):
                units = [u for u in table.get(key, ()) if scores.get(u.province, 0) > 0]
                if units:
                    best = max(units, key=lambda u: scores.get(u.province, 0.0))
                    s = start + head.start("name")
                    return _Scope(level, best.name, s, s + len(name), weight, f"title_head_{level}", best.province)
        return None

    def _agency_full_name(self, search: str, body_end: int, chosen: _Scope) -> str:
        """The agency as the article names it most fully: `Đảng bộ Khối ... tỉnh Yên Bái`."""
        head = search[chosen.start:chosen.end]
        core = regex.sub(r"^(?:Đảng\s+bộ|Đảng\s+ủy|Ban\s+Chỉ\s+đạo[^\n]*?)\s+", "", head)
        pattern = regex.compile(
            rf"(?:(?:Đảng\s+bộ|Đảng\s+ủy)\s+)?{regex.escape(core)}(?:[^\S\n]+(?:{_NAME_WORD}|và|các|cơ\s+quan|"
            rf"doanh\s+nghiệp|tỉnh|thành\s+phố|huyện|quận|thị\s+xã|đa\s+khoa|quân\s+sự|biên\s+phòng|"
            rf"tài\s+nguyên|môi\s+trường|giáo\s+dục|đào\s+tạo|y\s+tế|nội\s+vụ|tư\s+pháp|tài\s+chính|"
            rf"công\s+thương|nông\s+nghiệp|phát\s+triển\s+nông\s+thôn|xây\s+dựng|giao\s+thông\s+vận\s+tải|"
            rf"văn\s+hóa|thể\s+thao|du\s+lịch|lao\s+động|thương\s+binh|xã\s+hội|kế\s+hoạch|đầu\s+tư|"
            rf"khoa\s+học|công\s+nghệ|thông\s+tin|truyền\s+thông)){{0,12}}"
        )
        names = [m.group(0).strip() for m in pattern.finditer(search, 0, body_end)]
        names = [_trim_agency(n) for n in names]
        if not names:
            return _trim_agency(head)
        return max(names, key=lambda n: (n.startswith("Đảng bộ"), len(n)))


_ORGAN_WORDS = frozenset({"Báo", "Than", "Đài", "Cổng", "Tỉnh", "Thành", "Ủy", "Uỷ", "Trang", "Đoàn"})
_LEVEL_ORDER = ("national", "commune", "district", "agency", "province")


def _trim_agency(name: str) -> str:
    """An agency's name without trailing function words that the pattern let through."""
    words = name.split()
    while words and words[-1] in {"và", "các", "tỉnh", "thành", "phố", "huyện", "quận", "xã"}:
        words.pop()
    return " ".join(words)


def _publish_date(earlier: Records, doc: Document) -> dt.date | None:
    for record in earlier.get("dates"):
        if isinstance(record, DateMention) and record.kind == "publish":
            try:
                return dt.date.fromisoformat(record.value)
            except ValueError:
                return None
    if doc.publish_date_hint:
        try:
            return dt.date.fromisoformat(doc.publish_date_hint[:10])
        except ValueError:
            return None
    return None


_RELATED = regex.compile(
    r"^[^\S\n]*(?:tin|bài(?: viết)?|các tin|các bài(?: viết)?)[^\S\n]+(?:liên quan|khác|cùng chuyên mục|mới nhất|"
    r"đã đưa|mới|nổi bật|xem nhiều|đọc nhiều)[^\S\n]*:?[^\S\n]*$|^[^\S\n]*(?:xem thêm|đọc thêm)[^\S\n]*:?[^\S\n]*$",
    regex.IGNORECASE | regex.MULTILINE,
)


def _body_end(doc: Document) -> int:
    """Where lists of other articles begin: their places are not this article's."""
    for match in _RELATED.finditer(doc.text, int(len(doc.text) * 0.4)):
        return match.start()
    return len(doc.text)


def _regions(doc: Document, body_end: int) -> list[tuple[int, int]]:
    """The body, plus furniture lines that name a place (a map caption: `BẢN ĐỒ TỈNH NINH BÌNH`)."""
    regions = [(0, body_end)]
    regions.extend((s, e) for s, e in doc.furniture if s >= body_end and "bản đồ" in doc.text[s:e].lower())
    return regions


def _title_span(doc: Document) -> tuple[int, int] | None:
    """The title's line in the text: the line equal to `doc.title`, else the first content line."""
    if doc.title:
        found = doc.text.find(doc.title)
        if found >= 0:
            return found, found + len(doc.title)
    return None


def _lead_sentence(doc: Document, body_end: int, title_span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The first sentence of prose: long enough, not the title, not a header or caption line."""
    title = doc.text[title_span[0]:title_span[1]] if title_span else None
    for start, end in doc.sentences:
        if start >= body_end:
            break
        sentence = doc.text[start:end]
        if title_span and title_span[0] <= start < title_span[1]:
            continue
        if sentence == title or len(sentence) < 60 or regex.match(r"^\W*Chủ tịch Hồ Chí Minh", sentence):
            continue
        return start, end
    return None


def _best_evidence(evidence: list[_Evidence], province: str | None) -> _Evidence | None:
    if province is None:
        return None
    own = [e for e in evidence if province in e.provinces() and e.end > e.start]
    return max(own, key=lambda e: (e.weight, -e.start)) if own else None


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)
