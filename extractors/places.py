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
import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import regex

from extractors import vocab
from extractors.dates import body_end as body_end_of
from extractors.dates import figure_sentences, is_page_chrome, lowered, title_span
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
# A vowel pair with the tone on its second vowel; the standard `re` sweeps a text fastest with a
# character class.
_OLD_TONE = re.compile("[oOuU][àáảãạèéẻẽẹỳýỷỹỵ]")

# A word of a proper name as the sweep for names sees it: a capital, then letters (`UBND`, `H'leo`).
_RUN_WORD = r"\p{Lu}[\p{L}\p{M}'’]*+(?:-\p{Lu}[\p{L}\p{M}'’]*+)?"

# One capitalised word of a place name: `Phủ`, `H'leo`, `M'gar`, or a number (`Quận 3`).
_NAME_WORD = r"(?:\p{Lu}[\p{Ll}\p{M}']*(?:-\p{Lu}[\p{Ll}\p{M}']*)?|\d{1,2})"
_NAME = rf"{_NAME_WORD}(?:[^\S\n]{_NAME_WORD}){{0,3}}"

# Units the library names with a number (`Quận 10`, `Phường 3`), in lower case.
_NUMBERED_UNIT_WORDS = ("quận", "phường")

# Unit words before a name, with the level they give and the library's unit types they fit
# (`extractors/vocab/places.yaml`, `unit_words`).
_UNIT_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    word: (entry["level"], tuple(entry.get("kinds", ())))
    for word, entry in vocab.load("places")["unit_words"].items()
}


def normalise_tones(text: str) -> str:
    return _OLD_TONE.sub(_new_tone, text)


_DASH = regex.compile(r"\s*[-–]\s*")


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """A lookup key for a name: one tone placement, casefolded, single spaces, one dash spacing.

    Cached: the gazetteer folds each of ~10,000 names, most of them many times over.
    """
    value = normalise_tones(unicodedata.normalize("NFC", name)).casefold()
    value = _DASH.sub(" - ", value)
    return " ".join(value.split())


def slug(name: str) -> str:
    """ASCII letters only: `Ninh Bình` → `ninhbinh`, as web addresses spell it."""
    decomposed = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def searchable(text: str) -> str:
    """`text` with one tone placement and capital-letter lines in title case; same offsets."""
    lines = text.split("\n")
    if any(map(str.isupper, lines)):
        titled = [line.title() if line.isupper() else line for line in lines]
        copy = "\n".join(t if len(t) == len(o) else o for t, o in zip(titled, lines, strict=True))
    else:
        copy = text
    copy = _OLD_TONE.sub(_new_tone, copy)
    return copy if len(copy) == len(text) else text


def _new_tone(match: re.Match[str]) -> str:
    return _TONE_PLACEMENT.get(match.group(0), match.group(0))


# --------------------------------------------------------------------------- gazetteer
@dataclass(frozen=True)
class Unit:
    """A legacy district or commune as the library knows it."""

    level: str  # district | commune
    name: str  # short name: `Phủ Lý`, `Bạch Thông`
    kind: str  # the library's unit type: `Thành phố`, `Huyện`, `Xã` ...
    province: str  # legacy province, contract naming
    district: str | None = None  # a commune's district
    province_2025: str | None = None  # set for units of the 2025 structure (wards formed in 2025)


@dataclass(frozen=True)
class Gazetteer:
    provinces: tuple[str, ...]  # the 63 legacy provinces, contract naming
    spellings: dict[str, str]  # folded spelling → legacy province
    successor: dict[str, str]  # legacy province → 2025 province
    provinces_2025: frozenset[str]
    central: frozenset[str]  # centrally-run cities (legacy names)
    districts: dict[str, tuple[Unit, ...]]  # folded short name → units
    communes: dict[str, tuple[Unit, ...]]
    communes_2025: dict[str, tuple[Unit, ...]]  # folded 2025 ward name → one Unit per legacy province
    slugs: dict[str, str]  # ASCII spelling → legacy province


def _data_dir() -> Path:
    """The library's data folder, found without importing it (its import pulls in geopy: ~1 s)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


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
        rows_2025 = connection.execute(
            "SELECT provinceShort, provinceKey, wardShort, wardType, wardKey FROM admin_units"
        ).fetchall()
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
    wards_2025: dict[tuple[str, str], tuple[str, str]] = {}  # (province key, ward key) → (name, type)
    for short, key, ward, ward_kind, ward_key in rows_2025:
        new_by_key[key] = short
        if ward:
            wards_2025[(key, ward_key)] = (ward, ward_kind or "")
    with (data / "converter_2025.json").open(encoding="utf-8") as handle:
        converter = json.load(handle)
    successor = {
        legacy_by_key[old_key]: new_by_key[new_key]
        for new_key, old_keys in converter["DICT_PROVINCE"].items()
        for old_key in old_keys
        if old_key in legacy_by_key and new_key in new_by_key
    }
    # A 2025 ward knows the legacy wards it was formed from (`tinhbinhdinh_thanhphoquynhon_...`),
    # hence its legacy province: the gold keeps the legacy province for a ward's figures.
    communes_2025: dict[str, set[Unit]] = defaultdict(set)
    for new_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_wards in wards.items():
            named = wards_2025.get((new_key, ward_key))
            if named is None:
                continue
            for old_ward in old_wards:
                legacy = legacy_by_key.get(old_ward.split("_")[0])
                if legacy:
                    communes_2025[fold(named[0])].add(
                        Unit("commune", named[0], named[1], legacy, None, new_by_key[new_key])
                    )
    for new_key, old_wards_split in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_ward, parts in old_wards_split.items():
            legacy = legacy_by_key.get(old_ward.split("_")[0])
            for part in parts:
                named = wards_2025.get((new_key, part["newWardKey"]))
                if legacy and named is not None:
                    communes_2025[fold(named[0])].add(
                        Unit("commune", named[0], named[1], legacy, None, new_by_key[new_key])
                    )

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
        communes_2025={k: tuple(sorted(v, key=lambda u: u.province)) for k, v in communes_2025.items()},
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
    # The provinces of `candidates`, and the candidates they were read from: asked for a dozen
    # times per mention, they change only when `_narrow_communes` replaces the candidates.
    _provinces: tuple[tuple[Unit | str, ...], set[str]] | None = field(default=None, repr=False, compare=False)

    def provinces(self) -> set[str]:
        """The provinces the mention may belong to (shared: read it, never change it)."""
        known = self._provinces
        if known is not None and known[0] is self.candidates:
            return known[1]
        provinces = {c.province if isinstance(c, Unit) else c for c in self.candidates}
        self._provinces = (self.candidates, provinces)
        return provinces


@dataclass
class _Scope:
    level: str
    name: str | None
    start: int
    end: int
    weight: float
    rule: str
    province: str | None = None


def _either_case(phrase: str) -> str:
    """A regex for `phrase` with each word's first letter in either case: `[Tt]hị[ ]+[Xx]ã`."""
    words = []
    for word in phrase.split():
        if len(word.rstrip(".")) <= 2:  # an abbreviation: `TP`, `Tp`, `tp`
            words.append("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else regex.escape(c) for c in word))
            continue
        first, rest = word[0], regex.escape(word[1:])
        words.append(f"[{first.upper()}{first.lower()}]{rest}" if first.isalpha() else regex.escape(word))
    return r"[^\S\n]+".join(words)



class PlacesStage:
    name = "places"
    needs: tuple[str, ...] = ("dates",)
    gives = "places"

    def __init__(self) -> None:
        self.gaz = gazetteer()
        words = vocab.load("places")
        ci = regex.IGNORECASE
        # Names are read from runs of capitalised words (one cheap sweep); the unit word that gives a
        # run its level stands inside the run (`Huyện Hòa An`) or right before it, read backwards in
        # the lower-cased copy (`huyện Bạch Thông`, `xã biên giới Bản Lầu`, `Tỉnh ủy Nam Định`).
        # The runs of letters and of spaces are possessive (`*+`, `++`, and the run of words `*+`):
        # what follows each is never a letter, a space or another word (a dash, a space, a capital,
        # or the end of the pattern), so giving some back could never make a longer or another
        # match; without it, the end of every run backtracks through its last word (~1.5x slower).
        self._run = regex.compile(rf"{_RUN_WORD}(?:[^\S\n]++(?:[-–][^\S\n]++)?{_RUN_WORD})*+")
        self._run_word = regex.compile(r"\S+")
        self._name = regex.compile(_NAME)
        unit_words = vocab.alternation([regex.escape(w).replace(r"\ ", r"[^\S\n]+") for w in _UNIT_WORDS])
        descriptors = vocab.alternation(words["unit_descriptors"])
        self._unit_before = regex.compile(
            rf"(?<![\w.])(?P<unit>{unit_words})(?:[^\S\n]+(?:{descriptors}))?[^\S\n]*$", regex.REVERSE
        )
        numbered_units = "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in _NUMBERED_UNIT_WORDS)
        self._numbered_unit = regex.compile(rf"(?<!\w)(?P<unit>{numbered_units})[^\S\n]+(?P<name>\d{{1,2}})(?!\d)")
        self._excluded_bare = {fold(n) for n in words["bare_name_excluded"]}
        # Quick rejections for the sweep: words that start a unit word, words that end one (or a
        # descriptor), and the first word of every name the gazetteer knows.
        self._unit_tokens = frozenset(w.split()[0] for w in _UNIT_WORDS)
        self._unit_tail_tokens = frozenset(
            [w.split()[-1] for w in _UNIT_WORDS] + [regex.split(r"\\s\+", d)[-1] for d in words["unit_descriptors"]]
        )
        self._province_first_words = frozenset(key.split()[0] for key in self.gaz.spellings)
        self._organ_words_lower = frozenset(w.lower() for w in _ORGAN_WORDS)
        self._all_names = frozenset(
            key for table in (self.gaz.spellings, self.gaz.districts, self.gaz.communes, self.gaz.communes_2025)
            for key in table
        )
        self._name_first_words = frozenset(key.split()[0] for key in self._all_names)
        self._run_openers = self._name_first_words | self._organ_words_lower | self._unit_tokens
        # A one-word run is read only if it is a whole name: one set lookup for the ~40 such runs
        # (mostly a sentence's first word) per article. `_read_run` finds a place in a one-word run
        # only by looking the word up as a name (after a unit word before it, or bare), so an organ's
        # word or a unit word alone (`Báo cáo`, `Tỉnh ủy`, ~4 runs per article) would find none.
        self._one_word_runs = frozenset(key for key in self._all_names if " " not in key)
        # For each first word of a known name, the lengths in words of the names it starts (up to six,
        # the longest `_starts_with_name` tries): only those prefixes of a run are joined and looked up.
        name_sizes: dict[str, set[int]] = defaultdict(set)
        for key in self._all_names:
            key_words = key.split()
            if len(key_words) <= 6:
                name_sizes[key_words[0]].add(len(key_words))
        self._name_sizes = {first: tuple(sorted(sizes)) for first, sizes in name_sizes.items()}
        bare = sorted(
            {s for s in self._spelling_variants() if fold(s) not in self._excluded_bare}, key=len, reverse=True
        )
        self._bare = regex.compile(
            rf"(?<![\w])(?P<name>{'|'.join(regex.escape(s) for s in bare)})(?![\w])(?![^\S\n]+\p{{Lu}})"
        )
        self._city = regex.compile(
            rf"(?<![\w])(?P<name>{'|'.join(regex.escape(a) for a in sorted(words['city_aliases'], key=len, reverse=True))})(?![\w])"
        )
        self._city_aliases: dict[str, str] = words["city_aliases"]
        self._city_alias_anchors = _anchors(self._city_aliases)
        self._outlets = regex.compile(
            rf"(?<![\w])(?P<name>{'|'.join(regex.escape(o) for o in sorted(words['outlets'], key=len, reverse=True))})(?![\w])",
            ci,
        )
        self._outlet_names = {fold(k): v for k, v in words["outlets"].items()}
        openers = vocab.alternation(words["source_openers"])
        self._source_line = regex.compile(
            rf"[^\S\n]*\(?[^\S\n]*(?:{openers})[^\S\n]*:?[^\S\n]*(?P<source>[^\n()]{{2,100}})", ci
        )
        self._byline_source = regex.compile(r"\((?P<source>[^\n()]{4,100})\)[^\S\n]*$")
        self._domain = regex.compile(r"(?<![\w.@])(?P<domain>[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)+)", ci)
        self._source_kind = regex.compile(r"(?:báo|tạp\s+chí|đài|cổng|trang|trung\s+tâm|truyền\s+hình)", ci)
        # One pattern for every level's words, read in the lower-cased copy; the group names the level.
        # The word boundary before the words is tested once for all levels, not once per level: the
        # engine then tries the ~35 alternatives only where a word starts (~1.5x faster).
        self._scope_words = regex.compile(
            r"(?<!\w)(?:"
            + "|".join(
                rf"(?P<{level}>{vocab.alternation(entries)}(?!\w))" for level, entries in words["scope_words"].items()
            )
            + ")"
        )
        self._national_organ = regex.compile(vocab.alternation(words["national_organs"]))
        self._agency_head = regex.compile(rf"(?<!\w){vocab.alternation(words['agency_heads'])}")
        self._subject_verb = regex.compile(rf"(?<!\w){vocab.alternation(words['subject_verbs'])}(?!\w)")
        self._merger_sign = regex.compile(vocab.alternation(words["merger_signs"]))
        # What may stand before the subject of an opening sentence: the day, a venue, a span.
        self._opening = regex.compile(
            r"(?:\([^()\n]{2,40}\)\s*[-–]\s*)?"  # a paper's name before the lead: `(Báo Quảng Ngãi) - `
            r"(?:(?:(?:sáng|chiều|trưa|tối|ngày|hôm\s+nay)[^,]{0,25}|tại\s+[^,]{1,40}|thời\s+gian\s+qua|"
            r"năm\s+\d{4}|những\s+năm\s+(?:qua|gần\s+đây)|\d+\s+năm\s+qua|trong\s+[^,]{0,40}|"
            r"thấm\s+nhuần\s+[^,]{0,30}),\s*)*"
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
        low = lowered(search)
        body_end = body_end_of(doc)
        publish = _publish_date(earlier, doc)
        post_merger = bool(publish and publish >= MERGER_DAY) or (
            publish is None and self._merger_sign.search(low, 0, body_end) is not None
        )

        evidence: list[_Evidence] = []
        evidence.extend(self._source_evidence(doc, search))
        taken = [(e.start, e.end) for e in evidence]
        evidence.extend(self._name_evidence(search, low, body_end, doc, taken, post_merger))

        _narrow_communes(evidence)
        scores = self._province_scores(evidence, post_merger)
        province = max(scores, key=lambda p: (scores[p], -self._first_seen(evidence, p))) if scores else None

        mentions = self._mentions(text, evidence, scores)
        scope = self._scope(doc, search, low, body_end, evidence, scores, province)
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
        offset = 0
        for line in search.split("\n"):
            line_start, offset = offset, offset + len(line) + 1
            # A source line is short; a body sentence that starts with `Theo ...` is not one.
            if not line or len(line) > 140:
                continue
            match = self._source_line.match(line)
            if match is not None:
                source = match.group("source")
                if self._source_kind.match(source.strip()) or self._domain.search(source):
                    found.extend(self._read_source(source, line_start + match.start("source"), "source_line", 4.0))
                    continue
            if line.rstrip().endswith(")"):
                byline = self._byline_source.search(line)
                if byline is not None and self._source_kind.search(byline.group("source")):
                    start = line_start + byline.start("source")
                    found.extend(self._read_source(byline.group("source"), start, "byline_source", 3.0))
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

    def _name_evidence(
        self,
        search: str,
        low: str,
        body_end: int,
        doc: Document,
        taken: list[tuple[int, int]],
        post_merger: bool,
    ) -> list[_Evidence]:
        """Provinces, districts and communes named in the body (and in a map caption)."""
        found: list[_Evidence] = []
        spans = list(taken)

        def add(evidence: _Evidence | None) -> None:
            if evidence is not None and not _overlaps(evidence.start, evidence.end, spans):
                found.append(evidence)
                spans.append((evidence.start, evidence.end))

        # Most articles hold no alias of Ho Chi Minh City and no numbered ward or district: a substring
        # test on the whole text is much cheaper than sweeping every region with the pattern.
        any_city_alias = any(anchor in search for anchor in self._city_alias_anchors) and any(
            alias in search for alias in self._city_aliases
        )
        any_numbered_unit = any(word in low for word in _NUMBERED_UNIT_WORDS)
        for start, end in _regions(doc, body_end):
            if any_city_alias:
                for match in self._city.finditer(search, start, end):
                    province = self._city_aliases[match.group("name")]
                    add(_Evidence("province", province, (province,), match.start(), match.end(), 3.0, "city_alias"))
            openers, unit_tokens, one_word_runs = self._run_openers, self._unit_tokens, self._one_word_runs
            for run in self._run.finditer(search, start, end):
                # Most runs start no known name and hold no unit word (`Các`, `Ban Chỉ`, `Mặt`): set
                # lookups turn them away before any other work.
                run_start, run_end = run.span()
                run_text = low[run_start:run_end]
                if " " not in run_text:
                    if run_text in one_word_runs:
                        add(self._read_run(search, low, run, post_merger))
                    continue
                run_words = run_text.split()
                if run_words[0] not in openers and unit_tokens.isdisjoint(run_words):
                    continue
                if (
                    run_words[0] not in self._organ_words_lower
                    and unit_tokens.isdisjoint(run_words)
                    and not self._starts_with_name(run_words)
                ):
                    continue
                add(self._read_run(search, low, run, post_merger))
            if not any_numbered_unit:
                continue
            for match in self._numbered_units(search, low, start, end):
                # The library names numbered units with their unit word: `Phường 3`, `Quận 10`.
                unit = match.group("unit").lower()
                words = [unit.capitalize(), match.group("name")]
                add(self._resolve_typed(unit, match.start(), match.start(), words, post_merger))
        return found

    def _numbered_units(self, search: str, low: str, start: int, end: int) -> list[regex.Match[str]]:
        """`self._numbered_unit.finditer(search, start, end)`, tried only where its unit words stand.

        Why the same: a match starts with a unit word, its first letter in either case and the rest
        in lower case, so the lower-cased copy holds the word at the same offset; `match` there
        sees what a sweep sees (the look-behind reads before `pos`). Two matches never overlap (a
        match is the word, spaces and digits: no other match can start inside it), so the matches
        at those places, in text order, are the sweep's. `str.find` is many times cheaper than
        trying the pattern at every position.
        """
        found: list[regex.Match[str]] = []
        for word in _NUMBERED_UNIT_WORDS:
            at = low.find(word, start, end)
            while at >= 0:
                match = self._numbered_unit.match(search, at, end)
                if match is not None:
                    found.append(match)
                at = low.find(word, at + 1, end)
        found.sort(key=lambda match: match.start())
        return found

    def _starts_with_name(self, words: list[str]) -> bool:
        """Whether the lower-cased `words` begin with a name the gazetteer knows."""
        names = self._all_names
        for size in self._name_sizes.get(words[0], ()):
            if size > len(words):
                break
            if " ".join(words[:size]) in names:
                return True
        return False

    def _read_run(self, search: str, low: str, run: regex.Match[str], post_merger: bool) -> _Evidence | None:
        # Most runs read here name no place (`Tỉnh` before `ủy`, `Lò Thị Mai`): the checks that turn
        # them away come first, and word offsets are found only for a run that names one.
        text = run.group(0)
        run_start = run.start()  # also where its first word starts: a run opens with a capital
        words = text.split()
        lowered_words = text.lower().split()
        # A unit word inside the run: `Huyện Hòa An`, `Thị Xã Sơn Tây`, `Bản Đồ Tỉnh Ninh Bình`.
        if len(words) > 1 and not self._unit_tokens.isdisjoint(lowered_words[:-1]):
            offsets = _word_offsets(text, words, run_start)
            for index in range(len(words) - 1):
                if lowered_words[index] not in self._unit_tokens:
                    continue  # every unit word starts with one of these
                for size in (2, 1):
                    unit = " ".join(lowered_words[index:index + size])
                    if unit not in _UNIT_WORDS or index + size >= len(words):
                        continue
                    found = self._resolve_typed(unit, offsets[index], offsets[index + size], words[index + size:],
                                                post_merger)
                    if found is not None:
                        return found
        previous = low[max(0, run_start - 24): run_start].split()
        if previous and previous[-1] in self._unit_tail_tokens:
            before = self._unit_before.search(low, max(0, run_start - 30), run_start)
            if before is not None:
                unit = " ".join(before.group("unit").split())
                return self._resolve_typed(unit, before.start(), run_start, words, post_merger)
        # A bare province name is the whole run, maybe after an organ's word (`Báo Nam Định`); a
        # longer run is another proper name (`Nguyễn Thái Bình`, `Hà Nội Mới`), save at the head of
        # a line, where a title may go on in capitals.
        skip = 0
        while skip < len(words) and words[skip] in _ORGAN_WORDS:
            skip += 1
        if skip == len(words) or fold(words[skip]) not in self._province_first_words:
            return None
        at_line_start = run_start == 0 or search[run_start - 1] == "\n"
        for size in range(min(len(words) - skip, 5), 0, -1):
            if skip + size < len(words) and not at_line_start:
                continue
            name = " ".join(words[skip:skip + size])
            key = fold(name)
            province = self.gaz.spellings.get(key)
            if province is not None and key not in self._excluded_bare:
                start = _word_offsets(text, words, run_start)[skip]
                return _Evidence("province", province, (province,), start, start + len(name), 2.0, "bare_province")
        return None

    def _resolve_typed(
        self, unit: str, start: int, name_start: int, words: list[str], post_merger: bool
    ) -> _Evidence | None:
        level, kinds = _UNIT_WORDS[unit]
        if not words or fold(words[0]) not in self._name_first_words:
            return None
        # The longest run of the name's words that the gazetteer knows: `Phủ Lý Đã` → `Phủ Lý`.
        for size in range(min(len(words), 6), 0, -1):  # `Bà Rịa - Vũng Tàu` is five words
            name = " ".join(words[:size])
            key = fold(name)
            end = name_start + len(name)
            if level in ("province", "city"):
                province = self.gaz.spellings.get(key)
                if province is not None and (level == "province" or province in self.gaz.central):
                    return _Evidence("province", province, (province,), start, end, 3.0, f"typed_{level}")
                if level == "province":
                    continue
            if level == "commune":
                # After the merger a ward is one of the 2025 structure; before it, a legacy one.
                tables = (self.gaz.communes_2025, self.gaz.communes) if post_merger else (self.gaz.communes,)
                units = next((t[key] for t in tables if key in t), ())
            else:
                units = self.gaz.districts.get(key, ())
            if not units:
                continue
            fitting = tuple(u for u in units if u.kind in kinds) or units
            unit_level = "commune" if level == "commune" else "district"
            weight = 1.5 if unit_level == "district" else 1.0
            return _Evidence(unit_level, fitting[0].name, fitting, start, end, weight, f"typed_{unit_level}")
        return None

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
        low: str,
        body_end: int,
        evidence: list[_Evidence],
        scores: dict[str, float],
        province: str | None,
    ) -> _Scope:
        votes: dict[str, float] = defaultdict(float)
        best_of_level: dict[str, _Scope] = {}

        def vote(scope: _Scope | None) -> None:
            # The first cue of a level to vote names it: the title's, then the lead's, then a figure's.
            # For an agency the lead (the organiser of the event) names it best.
            if scope is None:
                return
            votes[scope.level] += scope.weight
            current = best_of_level.get(scope.level)
            if current is None or (scope.level == "agency" and scope.rule.startswith("lead")):
                best_of_level[scope.level] = scope

        def decided(remaining: float) -> bool:
            # Whether the leading level stays ahead of every other whatever `remaining` weight goes
            # to one of them: the votes still to come can then change neither the level nor its
            # cue (a figure's cue never replaces a level's first cue).
            leader, runner_up = [*sorted(votes.values(), reverse=True), 0.0, 0.0][:2]
            return leader - runner_up > remaining

        central = province in self.gaz.central
        title_span_ = title_span(doc)
        if title_span_ is not None:
            vote(self._subject_scope(search, low, *title_span_, evidence, scores, 3.0, "title", central))
        lead = _lead_sentence(doc, body_end, title_span_)
        if lead is not None:
            vote(self._subject_scope(search, low, *lead, evidence, scores, 3.0, "lead", central))
        # The first four sentences before the body's end that state a count, each up to its first count.
        # They are the ones `dates` found (`figure_sentences`, read in the lower-cased body rather
        # than in `low`), and the same: a count is a unit word and the number before it on the
        # same line; neither holds a letter that the tone placement or the title case of `search`
        # changes in lower case (`mô hình`, `mười`, digits; `\w` is a letter in either placement),
        # furniture lines (blank in the body) hold no sentence, and a sentence of the body ends
        # before `body_end`, the start of a line.
        figures = figure_sentences(doc)[:4]
        for voted, (index, figure) in enumerate(figures):
            if decided(remaining=2.0 * (len(figures) - voted)):
                break
            start = doc.sentences[index][0]
            vote(self._subject_scope(search, low, start, figure, evidence, scores, 2.0, "figure", central))
        if not votes:
            national = self._scope_words.search(low, 0, body_end)
            if national is not None and national.lastgroup == "national" and province is None:
                return _Scope("national", "Việt Nam", 0, 0, 1.0, "national_words")
            return _Scope("province", province, 0, 0, 0.0, "default")
        level = max(votes, key=lambda lv: (votes[lv], _LEVEL_ORDER.index(lv)))
        chosen = best_of_level[level]
        if level == "agency" and chosen.name is None:
            # "các cấp Hội ...": the organisation is the one the article names first.
            head = self._agency_head.search(search, 0, body_end)
            if head is not None:
                chosen.name = self._agency_name(search, head.start())
        if level == "national":
            chosen.name = "Việt Nam"
        if level in ("district", "commune") and chosen.name is None:
            # `toàn huyện có ...`: the district is the one the article names most.
            named = [e for e in evidence if e.level == level]
            if named:
                counts: dict[str, int] = defaultdict(int)
                for item in named:
                    counts[item.name] += 1
                top = max(named, key=lambda e: (counts[e.name], -e.start))
                chosen.name = top.name
                provinces = top.provinces()
                chosen.province = max(provinces, key=lambda p: scores.get(p, 0.0))
        return chosen

    def _subject_scope(
        self,
        search: str,
        low: str,
        start: int,
        end: int,
        evidence: list[_Evidence],
        scores: dict[str, float],
        weight: float,
        where: str,
        central: bool,
    ) -> _Scope | None:
        """The level named first in a title, opening sentence or the words before a count."""
        opening = self._opening.match(low, start, end)
        skip = opening.end() if opening else start
        limit = end
        if where == "lead":
            verb = self._subject_verb.search(low, skip, end)
            limit = verb.start() if verb else end
        elif where == "title":
            colon = low.find(":", start, end)
            limit = colon if colon > 0 else end
        cues: list[_Scope] = []
        # The cue that starts first is chosen, so of the level words only their first match can be:
        # the others start after it.
        words = self._scope_words.search(low, skip, end if where != "lead" else limit)
        if words is not None:
            level = words.lastgroup or "province"
            if level == "city":  # `toàn thành phố`: the province itself for a centrally-run city
                level = "province" if central else "district"
            cues.append(_Scope(level, None, words.start(), words.end(), weight, f"{where}_words"))
        national = self._national_organ.search(search, skip, limit)
        if national is not None:
            cues.append(_Scope("national", "Việt Nam", national.start(), national.end(), weight,
                               f"{where}_national_organ"))
        agency = self._agency_head.search(search, skip, limit)
        if agency is not None:
            name = self._agency_name(search, agency.start())
            cues.append(_Scope("agency", name, agency.start(), agency.end(), weight, f"{where}_agency"))
        for item in evidence:
            if not (skip <= item.start < limit) or item.level == "source":
                continue
            unit_level = item.level
            if unit_level == "province":
                cues.append(_Scope("province", item.name, item.start, item.end, weight, f"{where}_province"))
                continue
            # A name shared by provinces that the article does not support stays unplaced.
            supported = [p for p in item.provinces() if scores.get(p, 0.0) > 0]
            chosen = max(supported, key=lambda p: scores.get(p, 0.0)) if supported else None
            unit = next((c for c in item.candidates if isinstance(c, Unit) and c.province == chosen), None)
            name = unit.name if unit else item.name
            cues.append(_Scope(unit_level, name, item.start, item.end, weight, f"{where}_{unit_level}", chosen))
        if where == "title" and not cues:
            # A bare place at the head of a title: `Nghi Lộc sơ kết ...`, `Bản Lầu: ...`.
            cue = self._title_head_place(search, start, limit, scores, weight)
            if cue is not None:
                cues.append(cue)
        if not cues:
            return None
        return min(cues, key=lambda c: (c.start, -_LEVEL_ORDER.index(c.level)))

    def _title_head_place(
        self, search: str, start: int, end: int, scores: dict[str, float], weight: float
    ) -> _Scope | None:
        while start < end and search[start] in " \t":
            start += 1
        head = self._name.match(search, start, end)
        if head is None:
            return None
        words = head.group(0).split()
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size])
            key = fold(name)
            for level, table in (("district", self.gaz.districts), ("commune", self.gaz.communes)):
                units = [u for u in table.get(key, ()) if scores.get(u.province, 0) > 0]
                if units:
                    best = max(units, key=lambda u: scores.get(u.province, 0.0))
                    return _Scope(level, best.name, head.start(), head.start() + len(name), weight,
                                  f"title_head_{level}", best.province)
        return None

    def _agency_name(self, search: str, start: int) -> str:
        """The agency's name from its head to where the name ends (a verb, a comma, its province).

        A party committee in front of an organisation is dropped (`Đảng ủy Sở Tài nguyên và Môi
        trường` → the department); in front of anything else it names the party organisation
        (`Đảng ủy Khối Doanh nghiệp` → `Đảng bộ Khối Doanh nghiệp`), as the gold does.
        """
        party = _PARTY_BEFORE.search(search[max(0, start - 12):start])
        if party is not None:
            start -= len(party.group(0))
        tail = search[start:start + 160]
        stop = _AGENCY_STOP.search(tail, 1)
        phrase = tail[: stop.start()] if stop else tail
        province = _PROVINCE_IN_NAME.search(phrase)
        if province is not None:
            words = province.group("name").split()
            for size in range(len(words), 0, -1):
                if fold(" ".join(words[:size])) in self.gaz.spellings:
                    phrase = phrase[: province.start("name")] + " ".join(words[:size])
                    break
        words = phrase.split()[:14]
        while words and words[-1] in _TRAILING_WORDS:
            words.pop()
        name = " ".join(words)
        party_head = _PARTY_HEAD.match(name)
        if party_head is not None:
            rest = name[party_head.end():]
            name = rest if _ORGANISATION_HEAD.match(rest) else "Đảng bộ " + rest
        return name

# Where an agency's name ends: punctuation, or a word that starts the predicate.
_AGENCY_STOP = regex.compile(
    r"[,.;:()“”\"\n]|[^\S\n](?:tổ[^\S\n]+chức|tổng[^\S\n]+kết|sơ[^\S\n]+kết|đã|đang|hiện|có|với|về|trong|cho|vì|"
    r"tại|ở|là|được|đến|dự|chủ[^\S\n]+trì|cùng|phát|nhằm|để|gắn|lan|đẩy|biểu|ra|trao|tặng|khéo|thực|triển|"
    r"luôn|năm|giai|nhiệm|nâng|xây[^\S\n]+dựng|tiếp|góp|quan[^\S\n]+tâm|chú[^\S\n]+trọng|vận[^\S\n]+động|"
    r"tích[^\S\n]+cực|phối[^\S\n]+hợp|kịp|thường|luôn|không|chưa|vừa|mới)(?!\w)"
)
_TRAILING_WORDS = frozenset({"và", "các", "của", "thuộc"})
# A party committee at the head of an agency's name (`Đảng ủy Sở ...`), and right before it.
_PARTY_HEAD = regex.compile(r"Đảng[^\S\n]+(?:ủy|bộ)[^\S\n]+")
_PARTY_BEFORE = regex.compile(r"(?:Đảng[^\S\n]+(?:ủy|bộ)[^\S\n]+)$")
# The province in an agency's name: `Công an tỉnh Quảng Ngãi`.
_PROVINCE_IN_NAME = regex.compile(rf"(?:tỉnh|thành[^\S\n]+phố)[^\S\n]+(?P<name>{_NAME})")
# Organisations whose party committee the gold drops from the agency's name.
_ORGANISATION_HEAD = regex.compile(
    r"(?:Sở|Bệnh\s+viện|Công\s+an|Bộ\s+Chỉ\s+huy|Ban\s+Chỉ\s+huy|Trường|Đại\s+học|Công\s+ty|Tổng\s+công\s+ty|"
    r"Ngân\s+hàng|Cục|Chi\s+cục|Kho\s+bạc|Bảo\s+hiểm|Bộ\s+đội|Ban\s+Quản\s+lý|Tập\s+đoàn)(?!\w)"
)
# An opening that quotes President Ho Chi Minh names no subject of the report.
_QUOTATION = regex.compile(r"Chủ tịch Hồ Chí Minh|Bác Hồ|lời dạy|Người (?:đã )?dạy|^\W*“")
# Words that may head a run of capitals before a province's name (`Báo Nam Định`, `Than Quảng Ninh`).
_ORGAN_WORDS = frozenset({"Báo", "Than", "Đài", "Cổng", "Trang", "Đoàn"})
# Levels from the broadest to the most specific: on a tie the specific one wins, since a province's
# name turns up in many a subject (`Hội Liên hiệp Phụ nữ tỉnh Bắc Ninh`) and a district's rarely does.
_LEVEL_ORDER = ("national", "province", "agency", "district", "commune")


def _anchors(phrases: Iterable[str]) -> list[str]:
    """Few substrings, one of which stands in each of `phrases` (a text without any holds none).

    Each phrase's last word (`TP.HCM` → `HCM`, `TP Hồ Chí Minh` → `Minh`), less those that hold
    another: two substring tests instead of one per phrase for a text that names none.
    """
    last_words = {regex.split(r"[\W_]+", phrase.strip(" ._-"))[-1] or phrase for phrase in phrases}
    return sorted(w for w in last_words if not any(other != w and other in w for other in last_words))


def _word_offsets(text: str, words: list[str], base: int) -> list[int]:
    """Where each of `words` (from `text.split()`) starts, as an offset into the document."""
    if len(words) == 1:
        return [base]
    offsets: list[int] = []
    cursor = 0
    for word in words:
        cursor = text.index(word, cursor)
        offsets.append(base + cursor)
        cursor += len(word)
    return offsets


def _narrow_communes(evidence: list[_Evidence]) -> None:
    """Keep, of a commune name shared by many, the ones in a district the article names.

    `xã Tân Phú, huyện Đồng Phú`: of the many communes called Tân Phú, the one in Đồng Phú.
    """
    districts = {(u.province, u.name) for e in evidence if e.level == "district" for u in e.candidates
                 if isinstance(u, Unit)}
    if not districts:
        return
    for item in evidence:
        if item.level != "commune" or len(item.provinces()) < 2:
            continue
        inside = tuple(u for u in item.candidates if isinstance(u, Unit) and (u.province, u.district) in districts)
        if inside:
            item.candidates = inside


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


def _regions(doc: Document, body_end: int) -> list[tuple[int, int]]:
    """The body, plus furniture lines that name a place (a map caption: `BẢN ĐỒ TỈNH NINH BÌNH`)."""
    regions = [(0, body_end)]
    regions.extend((s, e) for s, e in doc.furniture if s >= body_end and "bản đồ" in doc.text[s:e].lower())
    return regions


def _lead_sentence(doc: Document, body_end: int, title_span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The first sentence of prose: long enough, not the title, not a header or caption line."""
    title = doc.text[title_span[0]:title_span[1]] if title_span else None
    after = title_span[1] if title_span else 0  # the lead follows the title, never the page's menus
    for start, end in doc.sentences:
        if start >= body_end:
            break
        if start < after:
            continue
        sentence = doc.text[start:end]
        if sentence == title or len(sentence) < 60 or _QUOTATION.search(sentence) or is_page_chrome(sentence):
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
