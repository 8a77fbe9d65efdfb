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
(two compiled regexes over `doc.content`; the stage costs well under a millisecond an article). Each is tokenised with a regex and handed to spaCy as a
`Doc` built from those words, where one `PhraseMatcher` marks title heads, organisation words,
administrative levels and honorifics from `vocab/titles.yaml`. A title is then a head followed by
its organisation: capitalised words, abbreviations, the listed organisation words and levels; it
ends at the first other lowercase word (`chủ trì`, `trao`) or punctuation. When a title runs into
a name (`Chủ tịch UBND tỉnh Hà Nam Trương Quốc Huy`), the family-name list, a gazetteer of place
names and the names found elsewhere in the article decide where the name starts; underthesea's NER is asked
only when none of them does (its plain NER is far too weak to find officials on its own).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import regex
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extractors import vocab
from pipeline.document import Document
from schemas.records import Official, Records

# Token kinds, numbered as the tokeniser's groups below: a token's kind is its match's `lastindex`.
_NUM, _ABBR, _CAP, _LOW, _PUNCT = range(1, 6)

# Latin letters by case (Vietnamese lives in Latin-1, Extended-A/B and Extended Additional). The
# tokeniser is plain `re` with the kind as the group name: it runs over every candidate sentence.
_LATIN = [chr(c) for r in ((0x41, 0x250), (0x1E00, 0x1F00)) for c in range(*r) if chr(c).isalpha()]
_UPPER = re.escape("".join(c for c in _LATIN if c.isupper()))
_LOWER = re.escape("".join(c for c in _LATIN if not c.isupper()))
_LETTER = rf"[{_UPPER}{_LOWER}]"
# Letters and digits, with an apostrophe only before a letter. The apostrophe (and its lookahead)
# is tried only where a run of letters and digits stops, not at every character: fewer branches.
_WORD_TAIL = rf"(?:{_LETTER}|\d)*(?:['’](?={_LETTER})(?:{_LETTER}|\d)*)*"
# Words (with an inner apostrophe as in `H'Hen`), numbers, and single other characters.
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:[.,/-]\d+)*)"
    rf"|(?P<abbr>[{_UPPER}]{{2,}}(?![{_LOWER}'’]))"
    rf"|(?P<cap>[{_UPPER}]{_WORD_TAIL})"
    rf"|(?P<low>[^\W\d_]{_WORD_TAIL})"
    rf"|(?P<punct>\S)"
)
assert _TOKEN.groupindex == {"num": _NUM, "abbr": _ABBR, "cap": _CAP, "low": _LOW, "punct": _PUNCT}
_LASTINDEX = operator.attrgetter("lastindex")
# The same tokens, each match starting with the whitespace before it (read a token through its
# group): every non-space character starts a token, so a match never fails after the spaces and
# the engine does not try each space as a start. Cheaper over every candidate sentence.
_SPACED_TOKEN = re.compile(rf"\s*(?:{_TOKEN.pattern})")
# The one letter whose lowercase depends on its neighbours (final sigma) in `str.lower`.
_CONTEXTUAL_LOWERCASE = "\N{GREEK CAPITAL LETTER SIGMA}"

# A person's name is at least two capitalised words in a row (`_name_ok`), so a sentence where no
# capitalised word is followed, across spaces only, by another names nobody. The pattern is loose
# (it also takes abbreviations) but never misses such a pair: a capitalised token is a capital and
# word characters, and the token after it starts after whitespace.
_TWO_CAPITALISED_WORDS = re.compile(rf"[{_UPPER}](?:{_LETTER}|\d|['’])*\s+[{_UPPER}]")

# Matcher labels whose match is an honorific (never inside a name), and those whose words are
# vocabulary (never a name syllable).
_HONORIFIC_LABELS = frozenset({"trigger", "rank", "plural"})
_COVERING_LABELS = frozenset({"head", "organisation", "level"})

_BEFORE_LOWERCASE_HONORIFIC = {"(", "“", '"'}  # or a space

_OPEN_QUOTES = {"“": "”", '"': '"', "«": "»", "‘": "’"}
_NAME_SEPARATORS = {",", "-", "–", "—"}
_ITEM_SEPARATORS = {";", ","}
_MAX_NAME = 5  # `Y Thanh Hà Niê Kđăm`
_MAX_QUOTED = 8  # words inside a quoted part of a title: `“Dân vận khéo”`
_MAX_PAREN = 40  # tokens inside a parenthesis read after a name
_SIGNATURE_LINES = 3  # the last lines of an article, where an author's signature stands


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation shaped as a trie: `re` tries far fewer branches per position."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


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
# (`quý` has no old form). Runs over every candidate sentence, hence the trie.
_OLD_TONE = regex.compile(r"(?<![qQ])" + _trie_pattern(_TONE_TABLE) + r"(?!\w)")


# A looser `_OLD_TONE` for a plain `re` search, which skips ahead to the vowels `o`/`u` where
# `_OLD_TONE` (led by a lookbehind) is tried at every position. Why it finds every `_OLD_TONE`
# match: the pair is the same, `q` is refused the same way, and a Latin letter after the pair is a
# word character for `regex`. Most sentences hold none, and then nothing needs replacing.
_MAYBE_OLD_TONE = re.compile(_trie_pattern(_TONE_TABLE) + rf"(?![{_UPPER}{_LOWER}])(?<![qQ]..)")


def new_tone_placement(text: str) -> str:
    if not _MAYBE_OLD_TONE.search(text):
        return text
    return _OLD_TONE.sub(lambda m: _TONE_TABLE[m.group(0)], text)


def _old_tone_variants(phrase: str) -> set[str]:
    """`phrase` and its spellings with old tone placement (`ủy viên`, `uỷ viên`)."""
    variants = {phrase}
    for old, new in _TONE_TABLE.items():
        for variant in list(variants):
            if new in variant:
                variants.add(variant.replace(new, old))
    return variants


@functools.lru_cache(maxsize=8192)  # names and titles recur across articles
def _phrase_key(text: str) -> str:
    """What makes two spellings of a name or a title the same: case, spaces, tone placement."""
    return new_tone_placement(" ".join(text.split())).lower()


class _PhraseSet:
    """Phrases as tuples of keys, grouped by length, for lookups right before or after a token."""

    def __init__(self, phrases: Iterable[list[str]]) -> None:
        self.phrases = {tuple(p) for p in phrases if p}
        self.lengths = sorted({len(p) for p in self.phrases})
        # Most lookups fail at once: no phrase begins (ends) with the word where one would have to.
        self.first_words = {p[0] for p in self.phrases}
        self.last_words = {p[-1] for p in self.phrases}


def _ends_with_any(keys: list[str], end: int, phrases: _PhraseSet) -> bool:
    """Whether one of `phrases` ends right before token `end`."""
    if 0 < end <= len(keys) and keys[end - 1] not in phrases.last_words:
        return False  # every phrase that fits would end with `keys[end - 1]`
    return any(
        length <= end and tuple(keys[end - length : end]) in phrases.phrases for length in phrases.lengths
    )


def _starts_with_any(keys: list[str], start: int, phrases: _PhraseSet) -> bool:
    """Whether one of `phrases` starts at token `start`."""
    if 0 <= start < len(keys) and keys[start] not in phrases.first_words:
        return False  # every phrase that fits would start with `keys[start]`
    return any(tuple(keys[start : start + length]) in phrases.phrases for length in phrases.lengths)


def _capitalisations(phrase: str) -> set[str]:
    """`phrase` with its first word capitalised and each later word either way: the press
    writes `Tổng biên tập` and `Tổng Biên tập`, `Trưởng ban` and `Trưởng Ban`."""
    first, *rest = phrase.split(" ")
    spellings = [first[:1].upper() + first[1:]]
    for word in rest:
        spellings = [f"{s} {w}" for s in spellings for w in {word, word[:1].upper() + word[1:]}]
    return set(spellings)


def _start_of_last_lines(text: str, count: int) -> int:
    """Offset where the last `count` non-blank lines of `text` begin."""
    end = len(text)
    for _ in range(count):
        stripped = text[:end].rstrip()
        if not stripped:
            return 0
        end = stripped.rfind("\n") + 1
    return end


def _first_word_occurrence(text: str, word: str, default: int) -> int:
    """Offset of the first occurrence of `word` in `text` not inside a longer word."""
    at = text.find(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + len(word) : at + len(word) + 1] or " "
        if not before.isalnum() and not after.isalnum():
            return at
        at = text.find(word, at + 1)
    return default


@dataclass
class _Sentence:
    """One candidate sentence as tokens, with what the vocabulary matched on them."""

    text: str
    offset: int  # of `text` in the document
    words: list[str]
    keys: list[str]  # lowercased, new tone placement: what vocabulary is compared with
    # Each word's match in `text` (its group numbered by the word's kind is the word): where a
    # word stands is read from it only for the few words recorded, not kept for every word.
    matches: list[re.Match[str]]
    kinds: list[int]
    heads: dict[int, int] = field(default_factory=dict)  # start token → end token (longest)
    organisations: dict[int, int] = field(default_factory=dict)
    levels: dict[int, int] = field(default_factory=dict)
    numbered: dict[int, int] = field(default_factory=dict)
    modifiers: dict[int, int] = field(default_factory=dict)
    joiners: dict[int, int] = field(default_factory=dict)
    triggers: dict[int, int] = field(default_factory=dict)  # honorifics, ranks, `các đồng chí`
    plural: set[int] = field(default_factory=set)  # trigger starts that announce a list
    ranks: set[int] = field(default_factory=set)  # trigger starts that are also a title
    possessives: dict[int, int] = field(default_factory=dict)
    committee_words: dict[int, int] = field(default_factory=dict)
    covered: list[bool] = field(default_factory=list)  # inside vocabulary: never a name syllable
    name_words: list[bool] = field(default_factory=list)  # may be a syllable of a person's name
    openings: list[int] = field(default_factory=list)  # where a mention may start, in order
    in_signature_zone: bool = False  # on one of the article's last lines

    def __len__(self) -> int:
        return len(self.words)

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def span(self, i: int) -> tuple[int, int]:
        """(start, end) of word `i` in `text`."""
        return self.matches[i].span(self.kinds[i])

    def span_text(self, start: int, end: int) -> str:
        return self.text[self.span(start)[0] : self.span(end - 1)[1]]


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    titles: list[str]
    rule: str
    ranks: int = 0  # how many of `titles`, from the first, are ranks (`Đại tá`)


@dataclass
class _Person:
    name: str
    start: int
    end: int
    titles: list[str]
    title_keys: list[str]
    rule: str
    holds_office: bool = False  # a title other than a rank: a byline `Thiếu tá A` holds none


class OfficialsStage:
    name = "officials"
    needs: tuple[str, ...] = ()
    gives = "officials"

    def __init__(self) -> None:
        titles = vocab.load("titles")
        names = vocab.load("person_names")
        abbreviations = vocab.load("abbreviations")
        places = vocab.load("officials_places")

        # The matcher needs only a vocabulary (words come pre-tokenised, as ids): a bare `Vocab`
        # is built in 0.1 ms, a blank pipeline (`spacy.blank`) in 70.
        self._vocab = Vocab()
        self._matcher = PhraseMatcher(self._vocab, attr="ORTH")
        groups: dict[str, list[str]] = {
            "head": titles["heads"],
            "organisation": titles["organisation_words"],
            "level": titles["levels"],
            "numbered": titles["numbered"],
            "modifier": titles["modifiers"],
            "joiner": titles["joiners"],
            "trigger": titles["triggers"],
            "rank": titles["ranks"],
            "plural": titles["plural_triggers"],
            "possessive": titles["possessive_tails"],
            "committee": titles["committee_words"],
        }
        for label, phrases in groups.items():
            self._matcher.add(label, [self._pattern(p) for p in phrases])
        self._label_of = {self._vocab.strings[label]: label for label in groups}
        # spaCy gets a sentence as the ids of its words. A word in no pattern can be in no match,
        # so every such word goes as one placeholder (`<other>` can never be a token's key): its
        # id is looked up once, and the vocabulary does not grow with every name it reads.
        pattern_words = {key for phrases in groups.values() for p in phrases for key in self._keys(p)}
        self._orth_of_pattern_word = {key: self._vocab.strings.add(key) for key in pattern_words}
        self._orth_of_other_words = self._vocab.strings.add("<other>")
        # An organisation word written in lowercase is read as one only where its entry is
        # lowercase too (`phong trào thi đua`) or right after an organisation noun (`Ban chỉ đạo`):
        # elsewhere `tổ chức`, `chỉ đạo`, `kiểm tra` are the verbs that end a title.
        self._lowercase_organisations = {
            tuple(self._keys(p)) for p in titles["organisation_words"] if p[0].islower()
        }
        self._organisation_nouns = {self._key(w) for w in titles["organisation_nouns"]}
        self._committee_nouns = {" ".join(self._keys(w)) for w in titles["committee_nouns"]}

        surnames = names["surnames"]
        self._common_surnames = {self._key(s) for s in surnames["common"]}
        self._surnames = self._common_surnames | {self._key(s) for s in surnames["rare"]}
        self._middle_names = {self._key(w) for w in names["middle_names"]}
        self._not_name = {self._key(w) for w in names["not_name_words"]}
        self._historical = {self._name_key(n) for n in names["historical_figures"]}
        self._place_prepositions = {tuple(self._keys(p)) for p in names["place_prepositions"]}
        self._places = {tuple(self._keys(p)) for p in places["places"].splitlines() if p.strip()}
        self._longest_place = max((len(p) for p in self._places), default=0)
        self._list_introducers = _PhraseSet(self._keys(p) for p in titles["list_introducers"])
        self._chain_joiners = _PhraseSet(self._keys(p) for p in titles["chain_joiners"])
        self._named_organisations = _PhraseSet(self._keys(p) for p in titles["organisations_with_names"])
        self._deputising = _PhraseSet(self._keys(p) for p in titles["deputising_words"])
        self._quotation_after = _PhraseSet(self._keys(p) for p in titles["quotation_after"])
        self._quotation_before = _PhraseSet(self._keys(p) for p in titles["quotation_before"])

        self._expansions = [
            (regex.compile(pattern), replacement)
            for pattern, replacement in abbreviations["title_expansions"]
        ]
        tone = abbreviations["tone_placement"]
        self._title_tone = regex.compile(
            "|".join(regex.escape(k) for k in sorted(tone, key=len, reverse=True))
        )
        self._title_tone_map: dict[str, str] = dict(tone)
        self._needs_rewriting = regex.compile(
            "|".join([*(f"(?:{p})" for p, _ in abbreviations["title_expansions"]), self._title_tone.pattern])
        )
        # The same titles come back article after article, and the rewriting patterns are slow to
        # search (each starts with a lookbehind): each distinct title text is rewritten once.
        self._clean_title: Callable[[str], str] = functools.lru_cache(maxsize=8192)(self._rewrite_title)

        # The prefilter runs over every article, so it is two plain `re` patterns shaped as tries
        # over the text as written. The first holds capitalised title words, ranks and honorifics:
        # its first characters are capitals, so the engine skips most positions at once. The
        # second holds lowercase honorifics followed by a space and a capital (`bà Lò Thị A`); the
        # character before one (a space, `(` or a quote) is checked in `_candidates`, as a pattern
        # starting with it would be tried at every space. A sentence with neither holds no official.
        honorifics = [*titles["triggers"], *titles["ranks"], *titles["plural_triggers"]]
        capitalised = {
            spelling
            for phrase in [*titles["prefilter_words"], *titles["heads"], *honorifics]
            if phrase.replace(" ", "").isalpha()
            for variant in _old_tone_variants(phrase.lower())
            for spelling in _capitalisations(variant)
        } | {phrase for phrase in titles["heads"] if phrase.isupper()}  # `PCT`, `UVBTV`
        lowercase = {
            f"{variant} "
            for phrase in titles["triggers"]
            if phrase.replace(" ", "").isalpha() and phrase.islower()
            for variant in _old_tone_variants(phrase)
        } | {"đ/c "}
        self._capitalised_anchor = re.compile(_trie_pattern(capitalised))
        self._lowercase_anchor = re.compile(f"(?:{_trie_pattern(lowercase)})(?=[{_UPPER}])")
        openers = "|".join(f"(?:{p})" for p in titles["byline_openers"])
        self._byline = regex.compile(rf"\s*[(\[]?\s*(?:{openers})\s*:", regex.IGNORECASE)
        self._ner: Any = None  # underthesea's tagger, loaded on first need

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
        return Doc(self._vocab, words=self._keys(phrase))

    # ------------------------------------------------------------------ the stage
    def __call__(self, doc: Document, earlier: Records) -> list[Official]:
        content = doc.content
        sentences = [self._tokenise(content[start:end], start) for start, end in self._candidates(doc)]
        if not sentences:
            return []
        for sentence, matches in zip(sentences, self._vocabulary_matches(sentences), strict=True):
            self._read_matches(sentence, matches)
        signature_zone = _start_of_last_lines(content, _SIGNATURE_LINES)
        for sentence in sentences:
            sentence.in_signature_zone = sentence.offset >= signature_zone
        known: set[str] = set()
        for sentence in sentences:
            known.update(self._names_with_evidence(sentence))
        mentions: list[_Mention] = []
        for sentence in sentences:
            mentions.extend(self._parse(sentence, known))
        return self._merge(mentions, content)

    def _candidates(self, doc: Document) -> list[tuple[int, int]]:
        """The sentences that hold a title word, or an honorific before a capital letter."""
        content = doc.content
        anchors: list[int] = []
        for match in self._capitalised_anchor.finditer(content):
            at = match.start()
            if not (at and content[at - 1].isalnum()):  # not inside a word
                anchors.append(at)
        for match in self._lowercase_anchor.finditer(content):
            # The anchor is the character before the honorific, which must be a space, `(` or a
            # quote. For a lowercase honorific opening a sentence it lies between sentences, so
            # that sentence is not chosen for it (a capitalised `Bà` there is the other pattern's).
            at = match.start() - 1
            if at >= 0 and (content[at].isspace() or content[at] in _BEFORE_LOWERCASE_HONORIFIC):
                anchors.append(at)
        starts = [s for s, _ in doc.sentences]
        chosen: set[int] = set()
        for at in anchors:
            index = bisect.bisect_right(starts, at) - 1
            if index >= 0 and at < doc.sentences[index][1]:
                chosen.add(index)
        return [
            (start, end)
            for start, end in (doc.sentences[i] for i in sorted(chosen))
            if _TWO_CAPITALISED_WORDS.search(content, start, end)
            and not self._byline.match(content, start, end)  # its names are the authors'
        ]

    def _tokenise(self, text: str, offset: int) -> _Sentence:
        matches = list(_SPACED_TOKEN.finditer(text))
        kinds = list(map(_LASTINDEX, matches))  # exactly one group matches: never None
        words = list(map(re.Match.group, matches, kinds))
        toned = new_tone_placement(text)
        normal = toned.lower()
        if len(normal) != len(text):  # a rare letter whose lowercase is longer: key word by word
            keys = [self._key(w) for w in words]
        elif toned == text and _CONTEXTUAL_LOWERCASE not in text:
            # Why the same keys as the slices below: with no tone to move and no letter whose
            # lowercase grows, `str.lower` maps each character on its own, except a capital sigma
            # (its lowercase depends on the letters around it), so lowering a word is lowering
            # its slice of the sentence. Lowering the words directly is cheaper than slicing.
            keys = list(map(str.lower, words))
        else:
            keys = [normal[start:end] for start, end in map(re.Match.span, matches, kinds)]
        sentence = _Sentence(
            text=text,
            offset=offset,
            words=words,
            keys=keys,
            matches=matches,
            kinds=kinds,
        )
        sentence.covered = [False] * len(words)
        return sentence

    def _vocabulary_matches(self, sentences: list[_Sentence]) -> list[list[tuple[int, int, int]]]:
        """What the `PhraseMatcher` finds in each sentence: (match id, start token, end token).

        The article's candidate sentences go to spaCy as one `Doc` (each Doc and each matcher
        call has a fixed cost), each followed by the placeholder for other words so that no
        match runs from one sentence into the next."""
        other = self._orth_of_other_words
        # Ids, not strings: spaCy's `Doc` takes either, though its type stub names only strings.
        word_ids: list[Any] = []
        first_tokens: list[int] = []  # where each sentence starts in the Doc
        for sentence in sentences:
            first_tokens.append(len(word_ids))
            word_ids.extend(map(self._orth_of_pattern_word.get, sentence.keys, itertools.repeat(other)))
            word_ids.append(other)
        matches: list[list[tuple[int, int, int]]] = [[] for _ in sentences]
        for match_id, start, end in self._matcher(Doc(self._vocab, words=word_ids)):
            index = bisect.bisect_right(first_tokens, start) - 1
            first = first_tokens[index]
            matches[index].append((match_id, start - first, end - first))
        return matches

    def _read_matches(self, sentence: _Sentence, matches: list[tuple[int, int, int]]) -> None:
        """Records the vocabulary found in `sentence`, then which words may be name syllables
        and where a mention may start."""
        keys = sentence.keys
        targets = {
            "head": sentence.heads,
            "organisation": sentence.organisations,
            "level": sentence.levels,
            "numbered": sentence.numbered,
            "modifier": sentence.modifiers,
            "joiner": sentence.joiners,
            "trigger": sentence.triggers,
            "rank": sentence.triggers,
            "plural": sentence.triggers,
            "possessive": sentence.possessives,
            "committee": sentence.committee_words,
        }
        kinds, covered = sentence.kinds, sentence.covered
        label_of = self._label_of
        lowercase_heads: list[tuple[int, int]] = []
        # The tests below look at the word's kind first: most matches start with a capital.
        for match_id, start, end in matches:
            label = label_of[match_id]
            kind = kinds[start]
            if kind == _LOW:
                if label == "organisation" and not self._lowercase_organisation_fits(keys, start, end):
                    continue
                if label == "head":
                    lowercase_heads.append((start, end))
                    continue
            elif kind == _CAP and label in _HONORIFIC_LABELS and start > 0 and kinds[start - 1] == _CAP:
                continue  # `Anh` in `Đỗ Việt Anh` is a name, not `anh`
            target = targets[label]
            if end > target.get(start, 0):
                target[start] = end
            if label in _COVERING_LABELS:
                if end - start == 1:
                    covered[start] = True
                else:
                    covered[start:end] = [True] * (end - start)
            elif label == "plural":
                sentence.plural.add(start)
            elif label == "rank":
                sentence.ranks.add(start)
        # Only capitalised words that no vocabulary covers can be name syllables, and honorifics
        # never are. Only the capitalised words are visited (picked out by C-level iteration).
        not_name, surnames, triggers = self._not_name, self._surnames, sentence.triggers
        name_words = [False] * len(kinds)
        family_names: list[int] = []  # name words that are a family name: where a name may start
        for i in itertools.compress(range(len(kinds)), map(_CAP.__eq__, kinds)):
            if not covered[i] and keys[i] not in not_name and i not in triggers:
                name_words[i] = True
                if keys[i] in surnames:
                    family_names.append(i)
        sentence.name_words = name_words
        # Lowercase heads are not in `heads` yet (they are added below, opening no mention).
        sentence.openings = sorted({*triggers, *sentence.modifiers, *family_names, *sentence.heads})
        for start, end in lowercase_heads:
            # A lowercase head in running text (`phó`, `trưởng thôn` as a noun) opens no title
            # unless it follows a name's comma or dash, a parenthesis or `nguyên`/`quyền`:
            # `ông Lò Văn B, trưởng bản Hua Pạt`.
            before = sentence.word(start - 1)
            opens_title = before in _NAME_SEPARATORS or before == "(" or start - 1 in sentence.modifiers
            if opens_title and end > sentence.heads.get(start, 0):
                sentence.heads[start] = end

    def _lowercase_organisation_fits(self, keys: list[str], start: int, end: int) -> bool:
        """Whether an organisation word written in lowercase is one here."""
        if tuple(keys[start:end]) in self._lowercase_organisations:
            return True
        return start > 0 and keys[start - 1] in self._organisation_nouns

    # ------------------------------------------------------------------ names
    @staticmethod
    def _is_name_word(sentence: _Sentence, i: int) -> bool:
        return 0 <= i < len(sentence.name_words) and sentence.name_words[i]

    @staticmethod
    def _name_run(sentence: _Sentence, i: int) -> int:
        """End of the run of name-like words from `i` (== `i` when there is none)."""
        name_words = sentence.name_words
        k, n = i, len(name_words)
        while k < n and name_words[k]:
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
        for i in sentence.openings:
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
        place = self._place_length(sentence, run_start, end)
        if place == end - run_start:
            return None  # `Bí thư Huyện ủy Lâm Bình`: the run is a place
        # A place before the name (`UBND tỉnh Hà Nam Trương Quốc Huy`); but a place that would
        # leave one syllable is the name's start instead (`Đinh Văn` is also a town).
        start = run_start + place if end - run_start - place >= 2 else run_start
        if start == run_start and _ends_with_any(sentence.keys, run_start, self._named_organisations):
            start += 1  # `Công ty TNHH Hoàng Long`: the run opens with the organisation's own name
        if end - start < 2:
            return None
        candidates = [
            i
            for i in range(start, end - 1)
            if sentence.keys[i] in self._surnames
            or (sentence.keys[i + 1] in self._middle_names and 3 <= end - i <= 4)
        ]
        if candidates:
            first = candidates[0]
            if first == start and end - first <= _MAX_NAME:
                # A rare family name (`Mai`, `Hà`) that begins a longer run yields to a common one
                # that leaves a full name behind it: `... Hà Lang Nguyễn Văn A`.
                later = [
                    i for i in candidates[1:] if sentence.keys[i] in self._common_surnames and end - i >= 3
                ]
                if sentence.keys[first] in self._common_surnames or not later:
                    return first
                return later[0]
            full = [i for i in candidates if end - i >= 3 and end - i <= _MAX_NAME]
            if full:
                return full[-1]
            return candidates[-1] if end - candidates[-1] >= 2 else None
        # No family name known. After a level word such a run is the place (`UBND xã Suối
        # Giàng`); a run that ends in a place is an organisation (`Đảng ủy Than Quảng Ninh`);
        # after a named organisation it is that organisation's name (`Đại học Hồng Đức`).
        if run_start in sentence.levels.values() or end - start > 4 or start > run_start:
            return None
        if any(self._place_length(sentence, i, end) for i in range(start, end - 1)):
            return None
        return start if self._tagged_as_person(sentence, start, end) else None

    def _tagged_as_person(self, sentence: _Sentence, start: int, end: int) -> bool:
        """underthesea's NER as the last resort for a name no rule settles (a family name the
        lists lack): every syllable of the run must be inside a `PER` entity."""
        if self._ner is None:
            try:
                from underthesea import ner  # imported late: it costs ~0.5 s to load
            except ImportError:  # pragma: no cover - underthesea is a dependency
                return False
            self._ner = ner
        try:
            tagged = self._ner(sentence.text)
        except Exception:  # a tagger failure must not cost the article its officials
            return False
        person_chars: set[int] = set()
        cursor = 0
        for word, *_, label in tagged:
            at = sentence.text.find(word, cursor)
            if at < 0:
                continue
            cursor = at + len(word)
            if label.endswith("PER"):
                person_chars.update(range(at, cursor))
        return all(offset in person_chars for i in range(start, end) for offset in range(*sentence.span(i)))

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
        # Right after `Ban Chỉ đạo` (or a head ending in `Ban`), before its level, the committee's
        # purpose may follow in lowercase.
        in_committee = sentence.keys[k - 1] in self._committee_nouns
        while k < n:
            if k in sentence.organisations:
                end = sentence.organisations[k]
                in_committee = " ".join(sentence.keys[end - 2 : end]) in self._committee_nouns or (
                    sentence.keys[end - 1] in self._committee_nouns
                )
                k = end
            elif in_committee and k in sentence.committee_words:
                k = sentence.committee_words[k]
            elif k in sentence.heads and sentence.kinds[k] != _LOW:
                k = sentence.heads[k]  # `Ủy viên Đoàn Chủ tịch Ủy ban ...`
            elif k in sentence.levels:
                in_committee = False
                k = sentence.levels[k]
                if sentence.kinds[k - 1] != _PUNCT and k < n and sentence.kinds[k] == _NUM:
                    k += 1  # `thôn 3`
                elif sentence.words[k - 1] == "TP" and sentence.word(k) == ".":
                    k += 1  # `UBND TP. Hà Tĩnh`
            elif sentence.kinds[k] in (_CAP, _ABBR) and k not in sentence.triggers:
                k += 1
            elif sentence.kinds[k] == _NUM and sentence.covered[k - 1] and k - 1 not in sentence.heads:
                k += 1  # `Ban Chỉ đạo 35`, `Trung đoàn 88`
            elif (
                sentence.words[k] in ("-", "–")
                and sentence.kinds[k - 1] in (_CAP, _ABBR)
                and sentence.kinds[k + 1 : k + 2] in ([_CAP], [_ABBR])
                and self._title_start(sentence, k + 1) is None
            ):
                k += 1  # `Công đoàn Than - Khoáng sản Việt Nam`
            elif k in sentence.possessives:
                k = sentence.possessives[k]
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
        return self._clean_title(sentence.span_text(start, end))

    def _rewrite_title(self, text: str) -> str:
        """A title as recorded: abbreviations expanded, tone placement of `ủy`, spaces."""
        if self._needs_rewriting.search(text):  # most titles hold no abbreviation to expand
            text = self._title_tone.sub(lambda m: self._title_tone_map[m.group(0)], text)
            for pattern, replacement in self._expansions:
                text = pattern.sub(replacement, text)
        return " ".join(text.split()).strip(" ,;:-–")

    def _titles_after_name(
        self, sentence: _Sentence, end: int, known: set[str]
    ) -> tuple[list[str], int, str]:
        """The titles written after a name ending at `end`: `, t1, t2`, `- t1`, `(t1, t2)`.
        Returns them, where reading stopped, and which shape it was."""
        k = end
        if sentence.word(k) == "(":
            close = next(
                (j for j in range(k + 1, min(len(sentence), k + _MAX_PAREN)) if sentence.words[j] == ")"),
                None,
            )
            if close is not None:
                if self._title_start(sentence, k + 1) is not None:
                    titles, _ = self._title_chain(sentence, k + 1, close, {",", ";"})
                    return titles, close + 1, "name_parenthesised_titles"
                k = close + 1  # a position in a photo (`(giữa)`), then the titles
        if sentence.word(k) in _NAME_SEPARATORS and self._title_start(sentence, k + 1) is not None:
            titles, stop = self._title_chain(sentence, k + 1, len(sentence), _NAME_SEPARATORS, known)
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
        k, stop = i, i
        while k < limit:
            k = self._skip_chain_joiner(sentence, k) if titles else k
            if self._title_start(sentence, k) is None:
                break
            end = min(self._title_end(sentence, k), limit)
            if known is not None and titles:
                body = self._title_start(sentence, k) or k
                name_start = self._split_name(sentence, body, end, known)
                if name_start is not None and end - name_start >= 3:
                    break
            titles.append(self._title_text(sentence, k, end))
            stop = end
            if not (end < limit and sentence.words[end] in separators):
                break
            k = end + 1
        return titles, stop

    def _skip_chain_joiner(self, sentence: _Sentence, k: int) -> int:
        """Past `đồng thời là`, `kiêm`, `nay là` when a title follows them, else `k`."""
        for length in self._chain_joiners.lengths:
            joined = tuple(sentence.keys[k : k + length]) in self._chain_joiners.phrases
            if joined and self._title_start(sentence, k + length) is not None:
                return k + length
        return k

    # ------------------------------------------------------------------ the shapes
    def _parse(self, sentence: _Sentence, known: set[str]) -> list[_Mention]:
        mentions: list[_Mention] = []
        i = 0
        for opening in sentence.openings:
            if opening < i:
                continue  # read already as part of an earlier mention
            i = opening
            if i in sentence.triggers:
                i = self._after_honorific(sentence, i, known, mentions)
            elif (
                self._title_start(sentence, i) is not None
                and sentence.kinds[sentence.modifiers.get(i, i)] != _LOW
            ):
                i = self._titles_first(sentence, i, i in sentence.plural, known, mentions)
            elif self._is_name_word(sentence, i) and self._starts_unhonoured_name(sentence, i):
                end = self._name_run(sentence, i)
                titles, stop, rule = self._titles_after_name(sentence, end, known)
                if titles and self._name_ok(sentence, i, end) and not self._is_signature(sentence, i, stop):
                    self._emit(sentence, i, end, titles, rule, mentions)
                    i = stop
                else:
                    i = end
        return mentions

    @staticmethod
    def _is_signature(sentence: _Sentence, start: int, stop: int) -> bool:
        """Whether `Name - Title` is the author's signature closing the article: alone on one of
        its last lines, with nothing after the titles. A contributing cadre signs so; the gold
        counts authors, like reporters, out."""
        if not sentence.in_signature_zone:
            return False
        return all(kind == _PUNCT for kind in sentence.kinds[:start] + sentence.kinds[stop:])

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
        rank = self._rank(sentence, i)
        self._emit(sentence, k, end, rank + titles, rule or "name_then_titles", mentions, ranks=len(rank))
        return stop

    def _rank(self, sentence: _Sentence, i: int) -> list[str]:
        """The rank introducing a name, as a title (`Đại tá`), or nothing for an honorific."""
        if i in sentence.ranks:
            return [self._title_text(sentence, i, sentence.triggers[i])]
        return []

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
            honorific = end + 1 if separator in _NAME_SEPARATORS else end
            if honorific in sentence.triggers and not self._on_behalf_of(sentence, i):
                # Apposition: `Chủ tịch UBND tỉnh, đồng chí Nguyễn Văn A`, `Bí thư Tỉnh ủy -
                # đồng chí ...`, `Chủ tịch UBND xã ông ...`.
                start = sentence.triggers[honorific]
                stop = self._name_run(sentence, start)
                if self._name_ok(sentence, start, stop):
                    more, after, _ = self._titles_after_name(sentence, stop, known)
                    rank = self._rank(sentence, honorific)
                    self._emit(sentence, start, stop, titles + rank + more, "title_then_name", mentions)
                    return after
                return honorific
            listed, introduced = self._after_list_introducer(sentence, end)
            # `T: A` alone is too loose (a quotation may follow the colon); `T là A`, `T gồm A`
            # and a real list after the colon are not.
            if listed is not None and (
                plural
                or (introduced and sentence.keys[listed] in self._surnames)
                or self._shared_list_follows(sentence, listed)
            ):
                return self._shared_list(sentence, listed, titles, mentions, known)
            return end

    def _after_list_introducer(self, sentence: _Sentence, end: int) -> tuple[int | None, bool]:
        """Where a list of holders starts after a title ending at `end` (past `:`, `là`, `gồm`,
        `gồm:`; None when no name follows), and whether an introducing word was there."""
        k = end
        for length in reversed(self._list_introducers.lengths):
            if tuple(sentence.keys[k : k + length]) in self._list_introducers.phrases:
                k += length
                break
        introduced = k > end
        if sentence.word(k) == ":":
            k += 1
        if k == end or not self._name_ok(sentence, k, self._name_run(sentence, k)):
            return None, introduced
        return k, introduced

    def _on_behalf_of(self, sentence: _Sentence, i: int) -> bool:
        """Whether the title at `i` is someone the next person stands in for or whose award it
        is (`Thừa ủy quyền của Chủ tịch nước, đồng chí A trao ...`): not A's title."""
        return _ends_with_any(sentence.keys, i, self._deputising)

    def _shared_list_follows(self, sentence: _Sentence, i: int) -> bool:
        """Whether a list of holders opens at `i`: a name with a family name, followed by its
        own title, by `;`/`,` or by `và` before the next name."""
        end = self._name_run(sentence, i)
        return (
            self._name_ok(sentence, i, end)
            and sentence.keys[i] in self._surnames
            and (
                self._title_follows(sentence, end)
                or sentence.word(end) in _ITEM_SEPARATORS
                or sentence.keys[end : end + 1] == ["và"]
            )
        )

    def _shared_list(
        self, sentence: _Sentence, i: int, shared: list[str], mentions: list[_Mention], known: set[str]
    ) -> int:
        """`A, t1; B, t2 và C, t3` after a shared title: each gets the shared titles first."""
        k = i
        n = len(sentence)
        while k < n:
            if k in sentence.triggers:
                if k > i:
                    break  # `...; đồng chí C, ...` introduces someone outside the list
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
        return _ends_with_any(sentence.keys, start, self._quotation_before) or _starts_with_any(
            sentence.keys, end, self._quotation_after
        )

    def _emit(
        self,
        sentence: _Sentence,
        start: int,
        end: int,
        titles: list[str],
        rule: str,
        mentions: list[_Mention],
        ranks: int = 0,
    ) -> None:
        if self._quoted_as_history(sentence, start, end):
            return
        mentions.append(
            _Mention(
                name=sentence.span_text(start, end),
                start=sentence.offset + sentence.span(start)[0],
                end=sentence.offset + sentence.span(end - 1)[1],
                titles=titles,
                rule=rule,
                ranks=ranks,
            )
        )

    # ------------------------------------------------------------------ one record a person
    @staticmethod
    def _add_title(person: _Person, title: str) -> None:
        """Add `title` unless the person has it already, also as a longer or shorter form:
        `Phó Bí thư Thường trực Thành ủy` repeats `Phó Bí thư Thường trực Thành ủy Bảo Lộc`,
        and the form seen first stays."""
        key = _phrase_key(title)
        if not key:
            return
        for known in person.title_keys:
            if known == key or known.startswith(key + " ") or key.startswith(known + " "):
                return
        person.title_keys.append(key)
        person.titles.append(title)

    def _merge(self, mentions: list[_Mention], content: str) -> list[Official]:
        people: dict[str, _Person] = {}
        for mention in mentions:
            key = _phrase_key(mention.name)
            person = people.get(key)
            if person is None:
                person = people[key] = _Person(mention.name, mention.start, mention.end, [], [], "")
            elif mention.start < person.start:
                person.start, person.end = mention.start, mention.end
            for title in mention.titles:
                self._add_title(person, title)
            if len(mention.titles) > mention.ranks:
                person.holds_office = True
            if mention.titles and not person.rule:
                person.rule = mention.rule
        officials: list[Official] = []
        for person in people.values():
            if not person.holds_office:
                continue
            start = _first_word_occurrence(content, person.name, person.start)
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
