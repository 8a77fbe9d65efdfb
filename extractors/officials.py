"""Officials: people holding office named in an article, each with every title it gives them.

The genre names officials in a few fixed shapes, and each is one rule (the record's `rule`):

- `name_then_titles`: `đồng chí Mai Văn Tuất, Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh`
  (also after `ông`/`bà`/a rank, after a dash, and without an honorific when the name starts
  with a family name);
- `name_parenthesised_titles`: `ông Nguyễn Văn A (Chủ tịch UBND huyện)`;
- `title_then_name`: `Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh Lê Quốc Chỉnh`;
- `shared_title_list`: `các đồng chí Ủy viên Ban TVTU: A, t1; B, t2` gives the shared title to
  each person, then each one's own.

A person needs at least one title: bylines (`Tin, ảnh: Văn Huỳnh`), a reporter's name on the last
line and citizens in a story (`gia đình bà Lò Thị Mai`) carry none, so they never become
officials. Historical figures quoted in the text (`Chủ tịch Hồ Chí Minh đã dạy`) are refused by
name and by the words around them. The same person named in the body and in a photo caption is
one record: the union of titles in first-seen order, `start`/`end` at the name's first mention.

How: only sentences that contain a title head or an honorific before a capital are read
(a compiled regex over `doc.content`). Each is tokenised with a regex and handed to spaCy as a
`Doc` built from those words, where one `PhraseMatcher` marks title heads, organisation words,
administrative levels and honorifics from `vocab/titles.yaml`. A title is then a head followed by
its organisation: capitalised words, abbreviations, the listed organisation words and levels; it
ends at the first other lowercase word (`chủ trì`, `trao`) or punctuation. When a title runs into
a name (`Chủ tịch UBND tỉnh Hà Nam Trương Quốc Huy`), the family-name list, a gazetteer of place
names and the names found elsewhere in the article decide where the name starts; underthesea's
POS tagger is asked only when none of them does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import regex
import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from extractors import vocab
from pipeline.document import Document
from schemas.records import Official, Records

# Words (letters, with an inner apostrophe as in `H'Hen`), numbers, and single other characters.
_TOKEN = regex.compile(r"[^\W\d_](?:[^\W_]|['’](?=[^\W\d_]))*|\d+(?:[.,/-]\d+)*|\S")

# Token kinds.
_CAP, _ABBR, _LOW, _NUM, _PUNCT = range(5)

_OPEN_QUOTES = {"“": "”", '"': '"', "«": "»", "‘": "’"}
_NAME_SEPARATORS = {",", "-", "–", "—"}
_ITEM_SEPARATORS = {";", ","}
_MAX_NAME = 5  # `Y Thanh Hà Niê Kđăm`
_MAX_QUOTED = 8  # words inside a quoted part of a title: `“Dân vận khéo”`
_MAX_PAREN = 14  # tokens inside a parenthesis read after a name


def _old_tone_table() -> dict[str, str]:
    """Old tone placement (`hoà`, `uỷ`) → new (`hòa`, `ủy`), same length so offsets hold."""
    marks = ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    table: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in marks:
            old = first + unicodedata.normalize("NFC", second + mark)
            new = unicodedata.normalize("NFC", first + mark) + second
            for o, n in ((old, new), (old.capitalize(), new.capitalize()), (old.upper(), new.upper())):
                table[o] = n
    return table


_TONE_TABLE = _old_tone_table()
# Only where the pair closes the syllable (`hoàn` is the same in both styles) and not after `q`
# (`quý` has no old form).
_OLD_TONE = regex.compile(
    r"(?<![qQ])(?:" + "|".join(sorted(_TONE_TABLE, key=len, reverse=True)) + r")(?!\w)"
)


def new_tone_placement(text: str) -> str:
    return _OLD_TONE.sub(lambda m: _TONE_TABLE[m.group(0)], text)


def _kind(word: str) -> int:
    first = word[0]
    if first.isdigit():
        return _NUM
    if not first.isalpha():
        return _PUNCT
    if first.islower():
        return _LOW
    if len(word) > 1 and word.isupper():
        return _ABBR
    return _CAP


@dataclass
class _Sentence:
    """One candidate sentence as tokens, with what the vocabulary matched on them."""

    text: str
    offset: int  # of `text` in the document
    words: list[str]
    keys: list[str]  # lowercased, new tone placement: what vocabulary is compared with
    starts: list[int]
    ends: list[int]
    kinds: list[int]
    heads: dict[int, int] = field(default_factory=dict)  # start token → end token (longest)
    organisations: dict[int, int] = field(default_factory=dict)
    levels: dict[int, int] = field(default_factory=dict)
    numbered: dict[int, int] = field(default_factory=dict)
    modifiers: dict[int, int] = field(default_factory=dict)
    joiners: dict[int, int] = field(default_factory=dict)
    triggers: dict[int, int] = field(default_factory=dict)
    plural: set[int] = field(default_factory=set)  # trigger starts that announce a list
    covered: list[bool] = field(default_factory=list)  # inside vocabulary: never a name syllable

    def __len__(self) -> int:
        return len(self.words)

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def span_text(self, start: int, end: int) -> str:
        return self.text[self.starts[start] : self.ends[end - 1]]


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    titles: list[str]
    rule: str


@dataclass
class _Person:
    name: str
    start: int
    end: int
    titles: list[str]
    title_keys: set[str]
    rule: str


class OfficialsStage:
    name = "officials"
    needs: tuple[str, ...] = ()
    gives = "officials"

    def __init__(self) -> None:
        titles = vocab.load("titles")
        names = vocab.load("person_names")
        abbreviations = vocab.load("abbreviations")
        places = vocab.load("officials_places")

        self._nlp = spacy.blank("xx")
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="ORTH")
        groups: dict[str, list[str]] = {
            "head": titles["heads"],
            "organisation": titles["organisation_words"],
            "level": titles["levels"],
            "numbered": titles["numbered"],
            "modifier": titles["modifiers"],
            "joiner": titles["joiners"],
            "trigger": titles["triggers"],
            "plural": titles["plural_triggers"],
        }
        for label, phrases in groups.items():
            self._matcher.add(label, [self._pattern(p) for p in phrases])
        self._label_of = {self._nlp.vocab.strings[label]: label for label in groups}
        # An organisation word written in lowercase is read as one only where its entry is
        # lowercase too (`phong trào thi đua`) or right after an organisation noun (`Ban chỉ đạo`):
        # elsewhere `tổ chức`, `chỉ đạo`, `kiểm tra` are the verbs that end a title.
        self._lowercase_organisations = {
            tuple(self._keys(p)) for p in titles["organisation_words"] if p[0].islower()
        }
        self._organisation_nouns = {"ban", "ủy", "hội", "sở", "bộ", "cục", "phòng", "viện", "đoàn"}

        surnames = names["surnames"]
        self._common_surnames = {self._key(s) for s in surnames["common"]}
        self._surnames = self._common_surnames | {self._key(s) for s in surnames["rare"]}
        self._not_name = {self._key(w) for w in names["not_name_words"]}
        self._historical = {self._name_key(n) for n in names["historical_figures"]}
        self._place_prepositions = {tuple(self._keys(p)) for p in names["place_prepositions"]}
        self._places = {tuple(self._keys(p)) for p in places["places"].splitlines() if p.strip()}
        self._longest_place = max((len(p) for p in self._places), default=0)
        self._quotation_after = [tuple(self._keys(p)) for p in titles["quotation_after"]]
        self._quotation_before = [tuple(self._keys(p)) for p in titles["quotation_before"]]

        self._expansions = [
            (regex.compile(pattern), replacement) for pattern, replacement in abbreviations["title_expansions"]
        ]
        tone = abbreviations["tone_placement"]
        self._title_tone = regex.compile("|".join(regex.escape(k) for k in sorted(tone, key=len, reverse=True)))
        self._title_tone_map: dict[str, str] = dict(tone)

        # The prefilter: a title head anywhere, or an honorific before a capital letter.
        honorifics = [*titles["triggers"], *titles["plural_triggers"]]
        self._candidate = regex.compile(
            rf"(?<!\w)(?i:{self._tolerant(titles['heads'])})(?!\w)"
            rf"|(?<!\w)(?i:{self._tolerant(honorifics)})\s+\p{{Lu}}"
        )
        self._pos_tag: Any = None  # underthesea's tagger, loaded on first need

    # ------------------------------------------------------------------ vocabulary helpers
    @staticmethod
    def _words(text: str) -> list[str]:
        return [m.group(0) for m in _TOKEN.finditer(text)]

    def _keys(self, phrase: str) -> list[str]:
        return [self._key(w) for w in self._words(phrase)]

    @staticmethod
    def _key(word: str) -> str:
        return new_tone_placement(unicodedata.normalize("NFC", word)).lower()

    def _name_key(self, name: str) -> str:
        return " ".join(self._keys(name))

    def _pattern(self, phrase: str) -> Doc:
        return Doc(self._nlp.vocab, words=self._keys(phrase))

    @staticmethod
    def _tolerant(phrases: Iterable[str]) -> str:
        """An alternation that also accepts old tone placement (`Uỷ viên` for `Ủy viên`)."""
        inverse: dict[str, set[str]] = {}
        for old, new in _TONE_TABLE.items():
            inverse.setdefault(new.lower(), {new.lower()}).add(old.lower())
        parts = []
        for phrase in sorted(set(phrases), key=len, reverse=True):
            text = regex.escape(phrase.lower()).replace("\\ ", r"\s*")
            for new, olds in inverse.items():
                if new in text:
                    text = text.replace(new, "(?:" + "|".join(sorted(olds)) + ")")
            parts.append(text)
        return "|".join(parts)

    # ------------------------------------------------------------------ the stage
    def __call__(self, doc: Document, earlier: Records) -> list[Official]:
        content = doc.content
        sentences: list[_Sentence] = []
        for start, end in doc.sentences:
            text = content[start:end]
            if self._candidate.search(text):
                sentences.append(self._analyse(text, start))
        if not sentences:
            return []
        known = set()
        for sentence in sentences:
            known.update(self._names_with_evidence(sentence))
        mentions: list[_Mention] = []
        for sentence in sentences:
            mentions.extend(self._parse(sentence, known))
        return self._merge(mentions, content)

    def _analyse(self, text: str, offset: int) -> _Sentence:
        matches = list(_TOKEN.finditer(text))
        words = [m.group(0) for m in matches]
        keys = [self._key(w) for w in words]
        sentence = _Sentence(
            text=text,
            offset=offset,
            words=words,
            keys=keys,
            starts=[m.start() for m in matches],
            ends=[m.end() for m in matches],
            kinds=[_kind(w) for w in words],
        )
        sentence.covered = [False] * len(words)
        spacy_doc = Doc(self._nlp.vocab, words=keys)
        targets = {
            "head": sentence.heads,
            "organisation": sentence.organisations,
            "level": sentence.levels,
            "numbered": sentence.numbered,
            "modifier": sentence.modifiers,
            "joiner": sentence.joiners,
            "trigger": sentence.triggers,
            "plural": sentence.triggers,
        }
        lowercase_heads: list[tuple[int, int]] = []
        for match_id, start, end in self._matcher(spacy_doc):
            label = self._label_of[match_id]
            if label == "organisation" and not self._organisation_fits(sentence, start, end):
                continue
            if label == "head" and sentence.kinds[start] == _LOW:
                lowercase_heads.append((start, end))
                continue
            target = targets[label]
            if end > target.get(start, 0):
                target[start] = end
            if label == "plural":
                sentence.plural.add(start)
            if label in ("head", "organisation", "level"):
                for i in range(start, end):
                    sentence.covered[i] = True
        for start, end in lowercase_heads:
            # A lowercase head in running text (`phó`, `trưởng thôn` as a noun) opens no title
            # unless it follows a name's comma or dash, a parenthesis or `nguyên`/`quyền`:
            # `ông Lò Văn B, trưởng bản Hua Pạt`.
            before = sentence.word(start - 1)
            if before in _NAME_SEPARATORS or before == "(" or start - 1 in sentence.modifiers:
                if end > sentence.heads.get(start, 0):
                    sentence.heads[start] = end
        return sentence

    def _organisation_fits(self, sentence: _Sentence, start: int, end: int) -> bool:
        if sentence.kinds[start] != _LOW:
            return True
        if tuple(sentence.keys[start:end]) in self._lowercase_organisations:
            return True
        return start > 0 and sentence.keys[start - 1] in self._organisation_nouns

    # ------------------------------------------------------------------ names
    def _is_name_word(self, sentence: _Sentence, i: int) -> bool:
        return (
            0 <= i < len(sentence)
            and sentence.kinds[i] == _CAP
            and not sentence.covered[i]
            and i not in sentence.triggers
            and sentence.keys[i] not in self._not_name
        )

    def _name_run(self, sentence: _Sentence, i: int) -> int:
        """End of the run of name-like words from `i` (== `i` when there is none)."""
        k = i
        while self._is_name_word(sentence, k):
            k += 1
        return k

    def _name_ok(self, sentence: _Sentence, start: int, end: int) -> bool:
        if not 2 <= end - start <= _MAX_NAME:
            return False
        return " ".join(sentence.keys[start:end]) not in self._historical

    def _place_length(self, sentence: _Sentence, start: int, end: int) -> int:
        """Length of the longest known place name at `start` (within `end`), or 0."""
        for length in range(min(self._longest_place, end - start), 1, -1):
            if tuple(sentence.keys[start : start + length]) in self._places:
                return length
        return 0

    def _starts_unhonoured_name(self, sentence: _Sentence, i: int) -> bool:
        """Whether a name with no honorific may start at `i`: a family name, not after a
        capitalised word, not after `tại`/`đường`/`huyện` (places), not a place itself."""
        if sentence.keys[i] not in self._surnames or self._is_name_word(sentence, i - 1):
            return False
        for length in (1, 2):
            if i - length >= 0 and tuple(sentence.keys[i - length : i]) in self._place_prepositions:
                return False
        end = self._name_run(sentence, i)
        return self._place_length(sentence, i, end) != end - i

    def _names_with_evidence(self, sentence: _Sentence) -> Iterable[str]:
        """Names this sentence settles on its own: after an honorific, or before a title.
        They decide later where a name starts when a title runs into it."""
        for i in range(len(sentence)):
            if i in sentence.triggers:
                start = sentence.triggers[i]
                end = self._name_run(sentence, start)
                if self._name_ok(sentence, start, end):
                    yield " ".join(sentence.keys[start:end])
            elif self._is_name_word(sentence, i) and self._starts_unhonoured_name(sentence, i):
                end = self._name_run(sentence, i)
                if self._name_ok(sentence, i, end) and self._title_follows(sentence, end):
                    yield " ".join(sentence.keys[i:end])

    def _split_name(self, sentence: _Sentence, body: int, end: int, known: set[str]) -> int | None:
        """Where a name starts in the capitalised run that ends a title (`end`), or None."""
        run_start = end
        while run_start > body and self._is_name_word(sentence, run_start - 1):
            run_start -= 1
        if end - run_start < 2:
            return None
        for start in range(max(run_start, end - _MAX_NAME), end - 1):
            if " ".join(sentence.keys[start:end]) in known:
                return start
        start = run_start + self._place_length(sentence, run_start, end)
        if end - start < 2:
            return None
        candidates = [i for i in range(start, end - 1) if sentence.keys[i] in self._surnames]
        if candidates:
            first = candidates[0]
            if first == start and end - first <= _MAX_NAME:
                # A rare family name (`Mai`, `Hà`) that begins a longer run yields to a common one
                # that leaves a full name behind it: `... Hà Lang Nguyễn Văn A`.
                later = [i for i in candidates[1:] if sentence.keys[i] in self._common_surnames and end - i >= 3]
                if sentence.keys[first] in self._common_surnames or not later:
                    return first
                return later[0]
            full = [i for i in candidates if end - i >= 3 and end - i <= _MAX_NAME]
            if full:
                return full[-1]
            return candidates[-1] if end - candidates[-1] >= 2 else None
        # After a level word a run with no family name is the place (`UBND xã Suối Giàng`).
        if run_start in sentence.levels.values() or end - start > 4:
            return None
        return start if self._tagged_as_person(sentence, start, end) else None

    def _tagged_as_person(self, sentence: _Sentence, start: int, end: int) -> bool:
        """underthesea's POS tags as the last resort for a name no rule settles (an unlisted
        family name): the run must be proper nouns (`Np`) exactly."""
        if self._pos_tag is None:
            try:
                from underthesea import pos_tag  # imported late: it costs ~0.5 s to load
            except ImportError:  # pragma: no cover - underthesea is a dependency
                return False
            self._pos_tag = pos_tag
        target = sentence.span_text(start, end)
        try:
            tagged = self._pos_tag(sentence.text)
        except Exception:  # a tagger failure must not cost the article its officials
            return False
        proper = " ".join(word for word, tag in tagged if tag == "Np")
        return bool(regex.search(rf"(?<!\w){regex.escape(target)}(?!\w)", proper))

    # ------------------------------------------------------------------ titles
    def _title_start(self, sentence: _Sentence, i: int) -> int | None:
        """Index after the head when a title starts at `i` (optionally `nguyên`/`quyền` first)."""
        k = sentence.modifiers.get(i, i)
        return sentence.heads.get(k)

    def _title_follows(self, sentence: _Sentence, end: int) -> bool:
        word = sentence.word(end)
        if word in _NAME_SEPARATORS or word == "(":
            return self._title_start(sentence, end + 1) is not None
        return False

    def _title_end(self, sentence: _Sentence, i: int) -> int:
        """End of the title whose head starts at `i`: the organisation runs on through
        capitalised words, abbreviations, organisation words, levels and quoted names."""
        k = self._title_start(sentence, i)
        assert k is not None
        n = len(sentence)
        while k < n:
            if k in sentence.organisations:
                k = sentence.organisations[k]
            elif k in sentence.levels:
                k = sentence.levels[k]
                if sentence.kinds[k - 1] != _PUNCT and k < n and sentence.kinds[k] == _NUM:
                    k += 1  # `thôn 3`
                elif sentence.words[k - 1] == "TP" and sentence.word(k) == ".":
                    k += 1  # `UBND TP. Hà Tĩnh`
            elif sentence.kinds[k] in (_CAP, _ABBR) and k not in sentence.triggers:
                k += 1
            elif k in sentence.heads:
                k = sentence.heads[k]
            elif k in sentence.joiners and self._title_start(sentence, k + 1) is not None:
                k += 1
            elif k in sentence.numbered and sentence.kinds[k + 1 : k + 2] in ([_NUM], [_ABBR]):
                k += 2
            elif sentence.words[k] in _OPEN_QUOTES:
                close = self._closing_quote(sentence, k)
                if close is None:
                    break
                k = close + 1
            else:
                break
        return k

    @staticmethod
    def _closing_quote(sentence: _Sentence, i: int) -> int | None:
        closing = _OPEN_QUOTES[sentence.words[i]]
        if sentence.kinds[i + 1 : i + 2] != [_CAP]:
            return None
        for k in range(i + 2, min(len(sentence), i + 2 + _MAX_QUOTED)):
            if sentence.words[k] in (closing, "”", '"'):
                return k
        return None

    def _title_text(self, sentence: _Sentence, start: int, end: int) -> str:
        text = sentence.span_text(start, end)
        text = self._title_tone.sub(lambda m: self._title_tone_map[m.group(0)], text)
        for pattern, replacement in self._expansions:
            text = pattern.sub(replacement, text)
        return " ".join(text.split()).strip(" ,;:-–")

    def _titles_after_name(self, sentence: _Sentence, end: int, known: set[str]) -> tuple[list[str], int, str]:
        """The titles written after a name ending at `end`: `, t1, t2`, `- t1`, `(t1, t2)`.
        Returns them, where reading stopped, and which shape it was."""
        k = end
        if sentence.word(k) == "(":
            close = next(
                (j for j in range(k + 1, min(len(sentence), k + _MAX_PAREN)) if sentence.words[j] == ")"), None
            )
            if close is not None:
                if self._title_start(sentence, k + 1) is not None:
                    titles, _ = self._title_chain(sentence, k + 1, close, {",", ";"})
                    return titles, close + 1, "name_parenthesised_titles"
                k = close + 1  # a position in a photo (`(giữa)`), then the titles
        if sentence.word(k) in _NAME_SEPARATORS and self._title_start(sentence, k + 1) is not None:
            titles, stop = self._title_chain(sentence, k + 1, len(sentence), {","}, known)
            return titles, stop, "name_then_titles"
        return [], end, ""

    def _title_chain(
        self,
        sentence: _Sentence,
        i: int,
        limit: int,
        separators: set[str],
        known: set[str] | None = None,
    ) -> tuple[list[str], int]:
        """Titles from `i`, separated by `separators`, up to `limit`. With `known`, a title
        that runs into another person's name (`..., Chủ tịch UBND tỉnh Trần Văn B`) is left
        for that person."""
        titles: list[str] = []
        k = i
        while k < limit and self._title_start(sentence, k) is not None:
            end = min(self._title_end(sentence, k), limit)
            if known is not None and titles:
                body = self._title_start(sentence, k) or k
                name_start = self._split_name(sentence, body, end, known)
                if name_start is not None and end - name_start >= 3:
                    return titles, k
            titles.append(self._title_text(sentence, k, end))
            if end < limit and sentence.words[end] in separators:
                k = end + 1
            else:
                return titles, end
        return titles, k

    # ------------------------------------------------------------------ the shapes
    def _parse(self, sentence: _Sentence, known: set[str]) -> list[_Mention]:
        mentions: list[_Mention] = []
        i, n = 0, len(sentence)
        while i < n:
            if i in sentence.triggers:
                i = self._after_honorific(sentence, i, known, mentions)
            elif self._title_start(sentence, i) is not None and sentence.kinds[sentence.modifiers.get(i, i)] != _LOW:
                i = self._titles_first(sentence, i, i in sentence.plural, known, mentions)
            elif self._is_name_word(sentence, i) and self._starts_unhonoured_name(sentence, i):
                end = self._name_run(sentence, i)
                titles, stop, rule = self._titles_after_name(sentence, end, known)
                if titles and self._name_ok(sentence, i, end):
                    self._emit(sentence, i, end, titles, rule, mentions)
                    i = stop
                else:
                    i = end
            else:
                i += 1
        return mentions

    def _after_honorific(self, sentence: _Sentence, i: int, known: set[str], mentions: list[_Mention]) -> int:
        plural = i in sentence.plural
        k = sentence.triggers[i]
        if sentence.word(k) == ":" and plural:
            return self._shared_list(sentence, k + 1, [], mentions, known)
        if self._title_start(sentence, k) is not None:
            return self._titles_first(sentence, k, plural, known, mentions)
        end = self._name_run(sentence, k)
        if not self._name_ok(sentence, k, end):
            return max(k, i + 1)
        titles, stop, rule = self._titles_after_name(sentence, end, known)
        self._emit(sentence, k, end, titles, rule or "name_then_titles", mentions)
        return stop

    def _titles_first(
        self, sentence: _Sentence, i: int, plural: bool, known: set[str], mentions: list[_Mention]
    ) -> int:
        """`T1, T2 Name[, T3]`, `T1: A, t; B, t` and `T1, đồng chí Name`."""
        titles: list[str] = []
        k = i
        while True:
            end = self._title_end(sentence, k)
            body = self._title_start(sentence, k) or k
            name_start = self._split_name(sentence, body, end, known)
            if name_start is not None and self._name_ok(sentence, name_start, end):
                if self._quoted_as_history(sentence, i, end):
                    return end
                titles.append(self._title_text(sentence, k, name_start))
                more, stop, _ = self._titles_after_name(sentence, end, known)
                self._emit(sentence, name_start, end, titles + more, "title_then_name", mentions)
                if plural and sentence.word(stop) == ";":
                    return self._shared_list(sentence, stop + 1, titles, mentions, known)
                return stop
            titles.append(self._title_text(sentence, k, end))
            separator = sentence.word(end)
            if separator == "," and self._title_start(sentence, end + 1) is not None:
                k = end + 1
                continue
            if separator == "," and end + 1 in sentence.triggers:
                # Apposition: `Chủ tịch UBND tỉnh, đồng chí Nguyễn Văn A`.
                start = sentence.triggers[end + 1]
                stop = self._name_run(sentence, start)
                if self._name_ok(sentence, start, stop):
                    more, after, _ = self._titles_after_name(sentence, stop, known)
                    self._emit(sentence, start, stop, titles + more, "title_then_name", mentions)
                    return after
                return end + 1
            if separator == ":" and (plural or self._shared_list_follows(sentence, end + 1)):
                return self._shared_list(sentence, end + 1, titles, mentions, known)
            return end

    def _shared_list_follows(self, sentence: _Sentence, i: int) -> bool:
        end = self._name_run(sentence, i)
        return (
            self._name_ok(sentence, i, end)
            and sentence.keys[i] in self._surnames
            and (self._title_follows(sentence, end) or sentence.word(end) in _ITEM_SEPARATORS)
        )

    def _shared_list(
        self, sentence: _Sentence, i: int, shared: list[str], mentions: list[_Mention], known: set[str]
    ) -> int:
        """`A, t1; B, t2 và C, t3` after a shared title: each gets the shared titles first."""
        k = i
        n = len(sentence)
        while k < n:
            if k in sentence.triggers:
                k = sentence.triggers[k]
            end = self._name_run(sentence, k)
            if not self._name_ok(sentence, k, end):
                break
            own, stop, _ = self._titles_after_name(sentence, end, known)
            self._emit(sentence, k, end, shared + own, "shared_title_list", mentions)
            k = stop
            if sentence.word(k) in _ITEM_SEPARATORS:
                k += 1
            if sentence.keys[k : k + 1] == ["và"]:
                k += 1
            elif k == stop:
                break
        return max(k, i + 1)

    def _quoted_as_history(self, sentence: _Sentence, start: int, end: int) -> bool:
        before = tuple(sentence.keys[max(0, start - 4) : start])
        after = tuple(sentence.keys[end : end + 4])
        return any(before[len(before) - len(p) :] == p for p in self._quotation_before if len(p) <= len(before)) or any(
            after[: len(p)] == p for p in self._quotation_after
        )

    def _emit(
        self, sentence: _Sentence, start: int, end: int, titles: list[str], rule: str, mentions: list[_Mention]
    ) -> None:
        if self._quoted_as_history(sentence, start, end):
            return
        mentions.append(
            _Mention(
                name=sentence.span_text(start, end),
                start=sentence.offset + sentence.starts[start],
                end=sentence.offset + sentence.ends[end - 1],
                titles=[t for t in titles if t],
                rule=rule,
            )
        )

    # ------------------------------------------------------------------ one record a person
    def _merge(self, mentions: list[_Mention], content: str) -> list[Official]:
        people: dict[str, _Person] = {}
        for mention in mentions:
            key = self._name_key(mention.name)
            person = people.get(key)
            if person is None:
                person = people[key] = _Person(mention.name, mention.start, mention.end, [], set(), "")
            elif mention.start < person.start:
                person.start, person.end = mention.start, mention.end
            for title in mention.titles:
                title_key = self._name_key(title)
                if title_key not in person.title_keys:
                    person.title_keys.add(title_key)
                    person.titles.append(title)
            if mention.titles and not person.rule:
                person.rule = mention.rule
        officials: list[Official] = []
        for person in people.values():
            if not person.titles:
                continue
            first = regex.search(rf"(?<!\w){regex.escape(person.name)}(?!\w)", content)
            start = first.start() if first else person.start
            officials.append(
                Official(
                    name=person.name,
                    titles=tuple(person.titles),
                    start=start,
                    end=start + len(person.name),
                    rule=person.rule,
                )
            )
        officials.sort(key=lambda o: o.start)
        return officials
