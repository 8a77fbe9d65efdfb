"""Model counts: `đăng ký xây dựng 1.635 mô hình, trong đó có 451 mô hình thuộc lĩnh vực kinh tế`.

A count is a number (digits or words, with its qualifier) directly followed by a model noun
(`mô hình`, `điển hình`, `mô hình, điển hình`). For each one, within its sentence:

- status: a cue after the noun (`... mô hình được công nhận`) or before the number in the same
  clause (`đăng ký xây dựng 1.635 ...`); registration/recognition/support wording beats
  implementation wording anywhere in that clause; without a cue, the status of the list's head
  carries (`..., trong đó có 451 mô hình ...; 878 mô hình ...`), also into a following sentence
  that opens as a list item;
- field: `lĩnh vực X` after the noun or before the number, or a field keyword in the subject of
  the clause (`“Dân vận khéo” trong cải cách hành chính ... có 579 mô hình`); `trên các lĩnh vực`
  or nothing means `total`;
- refused: changes (`tăng 276 mô hình so với`), targets and quotas (`phấn đấu mỗi xã có ít
  nhất 01 mô hình`); percentages, ratios and vague quantities never reach here (numbers.py).

Every record's `start`/`end` is the number as written.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, replace
from typing import NamedTuple

import regex

from extractors import vocab
from extractors.numbers import (
    UNLOWERED_CASE_VARIANTS,
    NumberMatch,
    by_first_letter,
    lowered,
    qualified,
    written_numbers,
)
from pipeline.document import Document
from schemas.records import ModelCount, Records

# Clauses end at a ";" (found with `str.find`/`str.rfind`).
_BOUNDARY = ";"
# Where the words after one count stop belonging to it: "29 mô hình, lĩnh vực Y 18 mô hình".
_SEPARATOR = regex.compile(r",|;|\s(?:và|còn|cùng)\s|\(", regex.IGNORECASE)
# `,?\s*trong (?:đó|số đó)\s*:?`, searched as the words and then widened back over the lead (see
# `_search_with_lead`): a pattern that opens with `,?\s*` is tried at every position.
_TRONG_DO_WORDS = regex.compile(r"trong (?:đó|số đó)\s*:?", regex.IGNORECASE)
# The optional `,?\s*` before a list word, matched backwards from the word (REVERSE `match`
# is anchored at `endpos`): greedy spaces, then one comma.
_LEAD_BACK = regex.compile(r",?\s*", regex.REVERSE)
# The word that opens an explicit field name, and the verbs that can stand inside one: the
# patterns led by them are only run on text that may hold them (`_may_hold`).
_FIELD_WORD = "lĩnh vực"
_FIELD_VERBS = ("xây dựng", "thực hiện", "triển khai", "duy trì")
# The words of a field name right after "lĩnh vực", up to the first comma (verbs there name the field).
_FIELD_NAME_HEAD = regex.compile(
    rf"(?<!\w){_FIELD_WORD}\s+(?:(?!(?<!\w)(?:đã|được|có|với|là|đang|gồm|trong|đăng ký|công nhận)(?!\w))[^;:.,\d“”\"])+",
    regex.IGNORECASE,
)
_SPACES_AND_STOPS = " \t\n.,;:"
# After a bare list item's number: a separator, the end, or the ")" of "(22)".
_ITEM_END = regex.compile(r"\s*(?:mô hình)?\s*\)?\s*(?:[;,.|]|\s(?:và|còn)\s|\s[-–]\s|$)", regex.IGNORECASE)
# "5 về cải cách hành chính": the item's field named after its number.
_LABEL_AFTER = regex.compile(
    r"\s+(?:mô hình\s+)?(?:về|thuộc|ở)\s+(?:lĩnh vực\s+)?(?P<label>[^,;.]{2,80}?)(?=\s*(?:[,;.]|\s(?:và|còn)\s|$))",
    regex.IGNORECASE,
)
_TOTAL_LABEL = regex.compile(r"^\W*(?:tổng cộng|tổng số|cộng|tổng)\b", regex.IGNORECASE)
# A flattened table row: "Kinh tế | 27".
_TABLE_ROW = regex.compile(r"\s*[^|\n]{2,80}\|\s*[\d.]+\s*")
_LABEL_COLON = regex.compile(r":\s*$")
_TOPIC_LEAD = regex.compile(r"\s*(?:về|ở|đối với|với|trong)\s+(?!các\b|tất cả\b)", regex.IGNORECASE)
_ORGANISATION_BEFORE = regex.compile(
    r"(?<!\w)(?:Sở|Bộ|Phòng|Chi cục|Cục|Tổng cục|Viện|Trung tâm|Công ty|Ngân hàng|Hội|Trường|Ủy ban|Ban)"
    r"(?:\s+\S+){0,3}\s*$"
)
_NOT_A_COUNT_AFTER = regex.compile(r"\s*(?:%|/|phần trăm|lần|năm\b|tháng\b|ngày\b|người|hộ|tỷ|triệu|nghìn đồng)", regex.IGNORECASE)
_YEAR_WORD = regex.compile(r"(?<!\w)(?:năm|ngày|tháng)\s*$", regex.IGNORECASE)
_QUOTE_MARKS = ("“", '"')  # what `_QUOTED` opens with
_QUOTED = regex.compile(r"“[^”]{0,200}”|\"[^\"]{0,200}\"")
_NAME_TAIL = r"(?:\s*[“\"”'‘’]?\s*(?:dân vận khéo|DVK)\s*[”\"“'’‘]?)?"
# A sentence names models when it holds one of these (case-insensitive) or "MH" (as written).
_MODEL_WORDS = ("mô hình", "điển hình")
_MODEL_ABBREVIATION = "MH"
_MODEL_WORD = regex.compile(
    "|".join([*map(regex.escape, _MODEL_WORDS), f"(?-i:{_MODEL_ABBREVIATION})"]), regex.IGNORECASE
)
# Every counted noun opens with a model word or "MH" (tests/test_counts.py checks the
# vocabulary), so where one follows a number, the lower-cased text shows spaces and then one of
# these letters (their case variants all lower-case to them): a cheap test before `_noun`.
_NOUN_INITIALS = "".join(sorted({word[0] for word in (*_MODEL_WORDS, _MODEL_ABBREVIATION.lower())}))
_NOUN_START = re.compile(rf"\s*[{_NOUN_INITIALS}]")  # standard `re`, on lower-cased text
# The characters that IGNORECASE matches to a letter of the vocabulary and that lower-casing
# (`lower_same_length`) does not turn into it (see numbers.UNLOWERED_CASE_VARIANTS).
_UNLOWERED_CASE_VARIANTS = _DOTTED_I, _LONG_S = UNLOWERED_CASE_VARIANTS


def _has_unlowered(text: str, start: int = 0, end: int | None = None) -> bool:
    return text.find(_DOTTED_I, start, end) >= 0 or text.find(_LONG_S, start, end) >= 0


def _names_models(text: str, low: str, start: int, end: int) -> bool:
    """`_MODEL_WORD.search(text, start, end) is not None`, mostly from `str.find`s.

    `low` is `lower_same_length(text)`. Why the same: for every letter of `_MODEL_WORDS`, the
    characters IGNORECASE matches to it are those that lower-case to it, plus "İ" for "i"; so a
    word found in `low` is a match, and a match not found in `low` holds an "İ". The regex
    decides only for such (never seen) text, and it scanned whole sentences in 0.1 ms/article.
    """
    if text.find(_MODEL_ABBREVIATION, start, end) >= 0:
        return True
    for word in _MODEL_WORDS:
        if low.find(word, start, end) >= 0:
            return True
    return _has_unlowered(text, start, end) and _MODEL_WORD.search(text, start, end) is not None


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False when no case-insensitive match of `words` can be in `text`, found with `str` tests.

    Why: for every letter of the words given here (the model words, `_FIELD_WORD`,
    `_FIELD_VERBS`), the characters IGNORECASE matches to it are those that lower-case to it,
    plus "İ" for "i" (tests/test_counts.py checks every code point). So a match shows in the
    lower-cased text, unless the text holds an "İ" (or an "ſ").
    """
    low = text.lower()
    if len(low) != len(text) or _DOTTED_I in text or _LONG_S in text:  # as in `_Superset.may_match`
        return True
    return any(word in low for word in words)


class _Superset:
    r"""A quick test that rules out most texts where a `regex` pattern (IGNORECASE) that can
    only match through one of `alternatives` (`(?<!\w)(?:...)(?!\w)`, `^\s*...`) has no
    match: their alternation `body` alone, searched with the standard `re`, case-sensitive, in
    the lower-cased text; the `regex` pattern decides when this one matches.

    Why it never misses a match: `body` is made of literal letters (lower-case, as in the
    vocabulary), spaces, punctuation, `\s`, `\d`, `?`, `*`, `{n}`, groups and alternations
    (tests/test_counts.py checks the vocabulary for that). For every letter of
    the vocabulary, the characters IGNORECASE matches to it are those that lower-case to it,
    plus "İ" for "i" and "ſ" for "s" (tests/test_counts.py checks every code point), so without
    those the lower-cased text holds the match's letters; `\s` in `re` takes every character
    it takes in `regex` (and four more); `\d` is widened to `.` (`regex` knows digits newer
    than `re`'s Unicode tables; a digit is never a newline); and dropping the look-arounds only
    allows more. On the short phrases and segments tested here, the `regex` search costs about
    2 us a call, mostly its set-up for a pattern this size; this test costs about a third.
    """

    def __init__(self, alternatives: list[str]) -> None:
        self.alternatives = tuple(alternatives)
        # One flat alternation (no named groups): `re` then skips ahead to the first letters;
        # grouped by first letter (`by_first_letter`), it tries fewer branches at each of them.
        self._search = re.compile(by_first_letter(alternatives).replace(r"\d", ".")).search

    def may_match(self, text: str) -> bool:
        low = text.lower()
        # A lower case longer than the letter ("İ") or an "ſ": the regex decides.
        if len(low) != len(text) or _DOTTED_I in text or _LONG_S in text:
            return True
        return self._search(low) is not None  # `low` is `lower_same_length(text)` here


def _blank(match: regex.Match[str]) -> str:
    return " " * len(match.group(0))


def _clause_start(text: str, start: int, end: int) -> int:
    """Just after the last clause boundary in `text[start:end]`, else `start`."""
    found = text.rfind(_BOUNDARY, start, end)
    return start if found < 0 else found + len(_BOUNDARY)


def _clause_end(text: str, start: int, end: int) -> int:
    """At the first clause boundary in `text[start:end]`, else `end`."""
    found = text.find(_BOUNDARY, start, end)
    return end if found < 0 else found


def _lead_start(text: str, floor: int, word_start: int) -> int:
    r"""Where `,?\s*` before a word at `word_start` begins, not before `floor`."""
    return _LEAD_BACK.match(text, floor, word_start).start()  # type: ignore[union-attr]  # may be empty


def _search_with_lead(words: regex.Pattern[str], text: str, start: int, end: int) -> tuple[int, int] | None:
    r"""The span of the first `,?\s*` + `words` in `text[start:end]`, as one pattern
    `,?\s*(?:words)` would find it.

    Why the same: `words` opens with a letter, so a match of the led pattern at p is `,?\s*` from
    p straight up to a match of `words` at some k (backtracking into `\s*` cannot help). The k
    reached from p never decreases as p grows and never lies on a comma or a space, so the
    leftmost led match holds the leftmost match of `words`, and it starts at the lowest p >= start
    from which `,?\s*` reaches k: the whole run of spaces before k, and a comma before that,
    which is what `_LEAD_BACK` matches backwards from k. The ends are the same.
    Searching the words first lets the engine skip ahead instead of trying `,?\s*` everywhere.
    """
    found = words.search(text, start, end)
    return None if found is None else (_lead_start(text, start, found.start()), found.end())



@dataclass
class _Memo:
    """What the stage read in the current document's windows, by window text. The readings
    are pure functions of the text, so a memo filled (or replaced) by a call on another
    document would still be right; it is renewed per document only to stay small."""

    status_cues: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    fields: dict[str, tuple[str, int] | None] = dataclasses.field(default_factory=dict)


class _Mention(NamedTuple):
    """A number followed (or preceded) by a counted noun. A named tuple: immutable, and built
    faster than a frozen dataclass (one per count)."""

    number: NumberMatch
    # After the noun and its "Dân vận khéo" tail; for "Tổng số mô hình đăng ký: 1.250" (noun
    # first), right after the number.
    noun_end: int
    exemplary_by_noun: bool


class CountsStage:
    name = "counts"
    needs: tuple[str, ...] = ()  # reads the text only
    gives = "model_counts"

    def __init__(self) -> None:
        words = vocab.load("counts")
        flags = regex.IGNORECASE
        self._memo = _Memo()
        self._noun = regex.compile(rf"\s*(?P<noun>{vocab.alternation(words['model_nouns'])}){_NAME_TAIL}", flags)
        self._exemplary_after = regex.compile(rf"\s*(?:{vocab.alternation(words['exemplary_markers'])})(?!\w)", flags)
        cue_groups = [
            f"(?P<{status}>{vocab.alternation(cues)})" for status, cues in words["status_cues"].items()
        ]
        # No `_Superset` before it: half the segments read hold a cue, and on these short
        # segments the pre-check cost more than the `finditer` it spared.
        self._cue = regex.compile(rf"(?<!\w)(?:{'|'.join(cue_groups)})(?!\w)", flags)
        self._strong = frozenset(words["strong_statuses"])
        # One pattern, a named group per field in the vocabulary's order: the leftmost keyword
        # wins, and at one position the field listed first.
        field_groups = "|".join(
            f"(?P<{field}>{by_first_letter(keys)})" for field, keys in words["fields"].items()
        )
        self._field_keyword = regex.compile(rf"(?<!\w)(?:{field_groups})(?!\w)", flags)
        self._field_keyword_maybe = _Superset([k for keys in words["fields"].values() for k in keys])
        all_keywords = by_first_letter([k for keys in words["fields"].values() for k in keys])
        self._verb_in_field_name = regex.compile(
            rf"(?<!\w)(?:{'|'.join(_FIELD_VERBS)})\s+(?:[\w-]+\s+){{0,2}}?(?:{all_keywords})(?!\w)", flags
        )
        self._any_field_keyword = regex.compile(rf"(?<!\w)(?:{all_keywords})(?!\w)", flags)
        self._all_fields = regex.compile(rf"(?<!\w)(?:{vocab.alternation(words['all_fields'])})(?!\w)", flags)
        self._all_fields_maybe = _Superset(words["all_fields"])
        self._field_phrase = regex.compile(
            rf"(?<!\w){_FIELD_WORD}\s+(?P<phrase>[^;:.\d“”\"]+?)"
            r"(?=\s*(?:[;:.]|,?\s*(?:có|với|là|gồm|đạt|chiếm|được|trong đó|toàn)\s|$|\d))",
            flags,
        )
        self._delta_before = regex.compile(rf"(?<!\w)(?:{vocab.alternation(words['delta_words'])})\s*$", flags)
        # Anchored and read on 40 characters: as cheap as any pre-check would be.
        self._delta_after = regex.compile(rf"^\s*(?:[^\s,;]+\s+){{0,4}}?(?:{vocab.alternation(words['delta_after'])})", flags)
        self._target = regex.compile(rf"(?<!\w)(?:{vocab.alternation(words['target_words'])})(?!\w)", flags)
        # Change words just before a count and target words in its clause: one test rules both out.
        self._delta_or_target_maybe = _Superset([*words["delta_words"], *words["target_words"]])
        self._cumulative = regex.compile(rf"(?<!\w)(?:{vocab.alternation(words['cumulative_cues'])})(?!\w)", flags)
        self._cumulative_maybe = _Superset(words["cumulative_cues"])
        # Used with .match(text, pos): anchored at the sentence start without `^`.
        self._list_opener = regex.compile(rf"\s*(?:{vocab.alternation(words['list_openers'])})", flags)
        self._linking_end = regex.compile(
            r"(?:có|với|là|gồm|đạt|:|-|\()\s*(?:tổng số\s*(?:là\s*)?)?(?:có\s*)?$", flags
        )
        self._whole_scope = regex.compile(
            r"(?<!\w)(?:toàn (?:tỉnh|huyện|thành phố|quận|thị xã|khối|ngành|lực lượng|đảng bộ)|cả tỉnh|các cấp)(?!\w)",
            flags,
        )
        # A list trigger is `,?\s*` + these words: searched as the words (see `_search_with_lead`).
        self._list_trigger_words = regex.compile(
            rf"(?<!\w)(?:{vocab.alternation(words['list_triggers'])})(?!\w)\s*:?", flags
        )
        self._list_trigger_maybe = _Superset(words["list_triggers"])
        links = vocab.alternation(words["noun_first_links"])
        self._noun_first_anywhere = regex.compile(rf"(?<!\w){words['noun_first']}", flags)
        self._noun_first = regex.compile(
            rf"(?<!\w){words['noun_first']}(?P<rest>[^.;:\d]{{0,80}}?)\s*(?:{links})\s*$", flags
        )
        self._post_lead = regex.compile(
            r"\s*(?:(?:thuộc|trong|trên|ở|về|của)\s+)?(?:(?:các|những)\s+)?", flags
        )

    # ------------------------------------------------------------------ per sentence
    def _mentions(self, text: str, low: str, start: int, end: int) -> list[_Mention]:
        mentions: list[_Mention] = []
        may_have_noun_first: bool | None = None  # looked for once, at the first number without a noun
        # What `find_numbers(..., nouns_follow=True)` gives, qualified only when kept: most
        # numbers have no noun after them, and their qualifier would be thrown away.
        for written in written_numbers(text, start, end, nouns_follow=True):
            noun = self._noun.match(text, written.end, end) if _NOUN_START.match(low, written.end, end) else None
            if not noun:
                if may_have_noun_first is None:
                    may_have_noun_first = self._noun_first_anywhere.search(text, start, end) is not None
                if not may_have_noun_first:
                    continue
                number = qualified(text, written, start)
                head = self._noun_first.search(text, max(start, number.qualifier_start - 120), number.qualifier_start)
                if head and not _NOT_A_COUNT_AFTER.match(text, number.end, end):
                    # The noun came first: the count's window starts after the number.
                    mentions.append(_Mention(number, number.end, False))
                continue
            number = qualified(text, written, start)
            noun_word = noun.group("noun").lower()
            exemplary = noun_word.startswith("điển hình") or noun_word == "mô hình điển hình"
            noun_end = noun.end()
            after = self._exemplary_after.match(text, noun_end, end)
            if after and "," not in noun_word and " và " not in noun_word:
                exemplary = True
            mentions.append(_Mention(number, noun_end, exemplary))
        return mentions

    def _refused(self, text: str, sentence_start: int, mention: _Mention, end: int) -> bool:
        clause_start = _clause_start(text, sentence_start, mention.number.qualifier_start)
        clause = text[clause_start : mention.number.qualifier_start]
        before = clause[-20:]  # the last 20 characters before the number, within its clause
        if self._delta_or_target_maybe.may_match(clause) and (
            self._delta_before.search(before) or self._target.search(clause)
        ):
            return True
        after = text[mention.noun_end : min(end, mention.noun_end + 40)]
        return self._delta_after.match(after) is not None

    def _status_cues(self, segment: str) -> tuple[str, ...]:
        """The status cues in `segment`, in order; the same segment (an empty window, a clause
        read for two counts) is read once per document (`_memo`)."""
        memo = self._memo.status_cues
        cues = memo.get(segment)
        if cues is None:
            cues = memo[segment] = self._read_status_cues(segment)
        return cues

    def _read_status_cues(self, segment: str) -> tuple[str, ...]:
        found = list(self._cue.finditer(segment))
        if not found:
            return ()  # blanking below only removes cues: most segments have none to begin with
        cues = tuple(m.lastgroup for m in found if m.lastgroup)
        original = segment
        # Verbs inside a field name ("lĩnh vực xây dựng hệ thống chính trị") or a model's
        # quoted name ("“Xây dựng khu dân cư ...”") are not the count's status.
        # Each blanking runs only where its pattern may match (`_may_hold`; a skipped `sub`
        # would have returned the segment unchanged).
        if _may_hold(segment, (_FIELD_WORD,)):
            segment = _FIELD_NAME_HEAD.sub(_blank, segment)
        # "; xây dựng hệ thống chính trị 96 mô hình": the verb is part of the field's name (a
        # match holds a field keyword too, so it needs both tests).
        keyword_maybe = self._field_keyword_maybe.may_match(segment)
        if keyword_maybe and _may_hold(segment, _FIELD_VERBS):
            blanked = self._verb_in_field_name.sub(_blank, segment)
            if blanked != segment:  # blanking can join words into a keyword: test again
                segment = blanked
                keyword_maybe = self._field_keyword_maybe.may_match(segment)
        if keyword_maybe:
            segment = self._any_field_keyword.sub(_blank, segment)
        if any(mark in segment for mark in _QUOTE_MARKS):
            segment = _QUOTED.sub(_blank, segment)
        if segment == original:  # nothing blanked: the cues found above
            return cues
        return tuple(m.lastgroup for m in self._cue.finditer(segment) if m.lastgroup)

    def _status(self, post: str, pre: str) -> str | None:
        """The first strong cue after the count, else the nearest strong one before it, else
        the first cue after, else the nearest before."""
        post_cues = self._status_cues(post)
        strong_after = next((c for c in post_cues if c in self._strong), None)
        if strong_after:
            return strong_after  # `pre` cannot change the answer: not searched
        pre_cues = self._status_cues(pre)[::-1]  # nearest first
        strong_before = next((c for c in pre_cues if c in self._strong), None)
        if strong_before:
            return strong_before
        for cues in (post_cues, pre_cues):
            if cues:
                return cues[0]
        return None

    def _field_of(self, phrase: str) -> tuple[str, int] | None:
        """The field whose keyword comes first in `phrase`, and where it starts (each distinct
        phrase read once per document, `_memo`)."""
        memo = self._memo.fields
        if phrase in memo:
            return memo[phrase]
        found = None
        if self._field_keyword_maybe.may_match(phrase):
            match = self._field_keyword.search(phrase)
            found = (match.lastgroup, match.start()) if match and match.lastgroup else None
        memo[phrase] = found
        return found

    def _field_after_noun(self, post: str) -> tuple[str, str] | None:
        """`... mô hình thuộc lĩnh vực kinh tế`, `... mô hình văn hóa - xã hội`, `trên các lĩnh vực`."""
        # Every answer below comes from words matched in `post`, and IGNORECASE matches no letter
        # to a space or a stop: most posts are "" or "." ("... 451 mô hình, ...", "... mô hình.").
        if not post.strip(_SPACES_AND_STOPS):
            return None
        # Both "all fields" tests look inside `post`: one superset test rules both out.
        all_fields_maybe = self._all_fields_maybe.may_match(post)
        if all_fields_maybe and self._all_fields.match(post.strip()):
            return "total", ""
        lead = self._post_lead.match(post)
        near = post[lead.end() if lead else 0 :]
        if all_fields_maybe and self._all_fields.match(near):
            return "total", ""
        phrase = self._field_phrase.match(near) if _may_hold(near, (_FIELD_WORD,)) else None
        if phrase:
            found = self._field_of(phrase.group("phrase"))
            if found:
                return found[0], "lĩnh vực " + phrase.group("phrase").strip()
        found = self._field_of(near)
        if found and len(near[: found[1]].split()) <= 4:  # syllables: "giúp dân phát triển kinh tế"
            return found[0], near.strip(" ,;:.“”\"")
        return None

    def _field_before_number(self, pre: str, own_label: bool) -> tuple[str, str] | None:
        """`Lĩnh vực X có 309 ...`, `Về lĩnh vực X: 42 ...`, `; văn hóa - xã hội 812 ...`."""
        explicit = list(self._field_phrase.finditer(pre)) if _may_hold(pre, (_FIELD_WORD,)) else []
        if explicit:
            last = explicit[-1]
            found = self._field_of(last.group("phrase"))
            if found:
                return found[0], "lĩnh vực " + last.group("phrase").strip()
        word_count = len(pre.split())
        short = word_count <= 12
        topic = _TOPIC_LEAD.match(pre) is not None and word_count <= 10  # "Về kinh tế, 2.314 ..."
        if (own_label and short) or topic or self._linking_end.search(pre):
            found = self._field_of(pre)
            # "Sở Nông nghiệp và Môi trường: 46 mô hình": a field word inside an organisation's name.
            if found and _ORGANISATION_BEFORE.search(pre[: found[1]]):
                return None
            if found and not self._whole_scope.search(pre, found[1]):
                return found[0], pre.strip(" ,;:-–“”\"")
        return None

    def _split_between(self, text: str, start: int, end: int) -> int | None:
        """Where the text between two counts stops belonging to the first one: at a
        `trong đó` (what follows is the list), else at the first separator."""
        subset = _search_with_lead(_TRONG_DO_WORDS, text, start, end)
        if subset:
            return subset[0]
        found = _SEPARATOR.search(text, start, end)
        return found.start() if found else None

    # ------------------------------------------------------------------ the stage
    def __call__(self, doc: Document, earlier: Records) -> list[ModelCount]:
        text = doc.content
        low = lowered(text)  # shared with the number scan
        self._memo = _Memo()
        results: list[ModelCount] = []
        carried: str | None = None  # the head status of the last list, for items without a cue
        for s_start, s_end in doc.sentences:
            # Whether the sentence opens as a list item only matters when a status carries
            # (every use below is `opens_list and carried` or `carried if opens_list else None`).
            opens_list = carried is not None and self._opens_list(text, s_start, s_end)
            if not _names_models(text, low, s_start, s_end):
                if opens_list and carried:  # "• Kinh tế: 3.512" under "... được công nhận:"
                    results.extend(self._bare_list_items(text, s_start, s_end, [], carried, s_start))
                carried = carried if opens_list else None
                continue
            mentions = [
                m for m in self._mentions(text, low, s_start, s_end) if not self._refused(text, s_start, m, s_end)
            ]
            if not mentions:
                items, carried = self._list_without_counts(text, low, s_start, s_end, opens_list, carried)
                results.extend(items)
                continue
            found = self._sentence_counts(
                text, s_start, s_end, mentions, carried if opens_list else None, carried
            )
            results.extend(found)
            heads = [c for c in found if c.status != "exemplary"]
            if text[s_start:s_end].rstrip().endswith(":") and found:
                carried = found[-1].status  # "..., trong đó 2.105 mô hình được công nhận, gồm:"
            else:
                carried = heads[0].status if heads else carried
        return _drop_repeats(results)

    def _opens_list(self, text: str, start: int, end: int) -> bool:
        """A list item ("• Kinh tế: 3.512", "- 22 mô hình ...") or a flattened table row."""
        if self._list_opener.match(text, start, end):
            return True
        return text.find("|", start, end) >= 0 and _TABLE_ROW.fullmatch(text, start, end) is not None  # rows hold a "|"

    def _sentence_counts(
        self,
        text: str,
        s_start: int,
        s_end: int,
        mentions: list[_Mention],
        carry: str | None,
        previous_sentence: str | None,
    ) -> list[ModelCount]:
        # Each count owns a window: `pre` (its clause, or its own label after the previous
        # count's separator) and `post` (up to the next count, a ';' or a `trong đó`).
        pre_starts: list[int] = []
        own_labels: list[bool] = []
        post_ends: list[int] = []
        for index, mention in enumerate(mentions):
            number = mention.number
            boundary = _clause_start(text, s_start, number.qualifier_start)
            previous = mentions[index - 1] if index else None
            if previous is not None and boundary <= previous.noun_end:
                split = self._split_between(text, previous.noun_end, number.qualifier_start)
                split = number.qualifier_start if split is None else split
                post_ends.append(split)
                pre_starts.append(split)
                own_labels.append(True)
            else:
                if previous is not None:
                    post_ends.append(_clause_end(text, previous.noun_end, s_end))
                pre_starts.append(boundary)
                own_labels.append(boundary > s_start)
        last = mentions[-1]
        post_ends.append(_clause_end(text, last.noun_end, s_end))

        found: list[ModelCount] = []
        previous_field: tuple[str, str] | None = None
        status_carry = carry
        for index, mention in enumerate(mentions):
            number = mention.number
            post_end = post_ends[index]
            trong_do = _search_with_lead(_TRONG_DO_WORDS, text, mention.noun_end, post_end)
            if trong_do:
                post_end = trong_do[0]
            post = text[mention.noun_end : post_end]
            pre = text[pre_starts[index] : number.qualifier_start]
            # "3) Cải cách thủ tục hành chính trong đăng ký ...: 12 mô hình": a field label, not a verb.
            # (`_LABEL_COLON` is `:\s*$`: no colon, no match.)
            pre_for_status = "" if ":" in pre and _LABEL_COLON.search(pre) and self._field_of(pre) else pre
            # `_split_between(text, mention.noun_end, post_end)`: its `trong đó` search cannot
            # succeed, `post_end` being before the leftmost one (or there being none) already.
            separator = _SEPARATOR.search(text, mention.noun_end, post_end)
            field_post_end = (separator.start() if separator else None) or post_end
            field_found = self._field_after_noun(text[mention.noun_end : field_post_end])
            if field_found is None:
                field_found = self._field_before_number(pre, own_labels[index])
            if field_found is None and previous_field and previous_field[0] != "total":
                between = text[mentions[index - 1].noun_end : number.qualifier_start]
                subset = _TRONG_DO_WORDS.search(between) is not None  # a match with a lead holds one without
                if not self._whole_scope.search(between) and (not mention.exemplary_by_noun or subset):
                    field_found = previous_field  # "X có 309 mô hình đăng ký, 194 mô hình được công nhận"
            field, field_text = field_found or ("total", "")
            previous_field = (field, field_text)
            if mention.exemplary_by_noun:
                status = "exemplary"
            else:
                # Per-field counts without a cue of their own continue the previous sentence's list
                # ("... 6.958 mô hình được công nhận. Về kinh tế, 2.314 mô hình; ...").
                fallback = status_carry or (previous_sentence if field != "total" else None)
                status = self._status(post, pre_for_status) or fallback or "unspecified"
                status_carry = status
            found.append(self._record(text, s_start, s_end, mention.number, mention.noun_end, status, field,
                                      field_text, "exemplary-noun" if mention.exemplary_by_noun else "cue"))
            if mention.exemplary_by_noun:
                continue
            region_end = mentions[index + 1].number.qualifier_start if index + 1 < len(mentions) else s_end
            # Only the end is used, and `,?\s*` + words ends where the words do (`_search_with_lead`).
            trigger = (
                self._list_trigger_words.search(text, mention.noun_end, region_end)
                if self._list_trigger_maybe.may_match(text[mention.noun_end : region_end])
                else None
            )
            if trigger:
                found.extend(self._bare_list_items(text, trigger.end(), region_end, mentions, status, s_start))
            elif field != "total":
                # "kinh tế chiếm 472 mô hình, văn hóa - xã hội 508, ...": a per-field list goes on
                # without repeating the noun.
                found.extend(self._bare_list_items(text, mention.noun_end, region_end, mentions, status, s_start))
        return found

    def _list_without_counts(
        self, text: str, low: str, s_start: int, s_end: int, opens_list: bool, carried: str | None
    ) -> tuple[list[ModelCount], str | None]:
        """Sentences that hold a list but no "N mô hình": "số mô hình đăng ký gồm: kinh tế 812;
        ...", a list line "• Kinh tế: 3.512" under a list head, or a list head "... gồm:"."""
        written = written_numbers(text, s_start, s_end)  # the first of `find_numbers`, qualified alone
        first_number = qualified(text, written[0], s_start) if written else None
        limit = first_number.qualifier_start if first_number else s_end
        trigger = self._last_list_trigger(text, s_start, limit)  # "Xét theo lĩnh vực, số mô hình đăng ký gồm: ..."
        if trigger and _names_models(text, low, s_start, trigger[0]):
            status = self._status(text[s_start : trigger[0]], "") or carried or "unspecified"
            items = self._bare_list_items(text, trigger[1], s_end, [], status, s_start)
            return items, status
        if text[s_start:s_end].rstrip().endswith(":"):  # "Trong số mô hình được công nhận:"
            return [], self._status(text[s_start:s_end], "") or carried
        if opens_list and carried:
            return self._bare_list_items(text, s_start, s_end, [], carried, s_start), carried
        return [], carried if opens_list else None

    def _last_list_trigger(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        r"""The span of the last list trigger (`,?\s*` + trigger word) in `text[start:end]`.

        The matches come one after another (each search starts at the previous end), so the
        last word match is the last trigger's; its lead reaches back no further than the
        previous match's end (`_search_with_lead`).
        """
        if not self._list_trigger_maybe.may_match(text[start:end]):
            return None
        last = None
        lead_from = start
        for found in self._list_trigger_words.finditer(text, start, end):
            if last is not None:
                lead_from = last.end()
            last = found
        if last is None:
            return None
        return _lead_start(text, lead_from, last.start()), last.end()

    def _bare_list_items(
        self, text: str, start: int, end: int, mentions: list[_Mention], status: str, s_start: int
    ) -> list[ModelCount]:
        """`... 6.820 mô hình, trong đó: phát triển kinh tế 1.905; văn hóa - xã hội 2.230; ...`:
        list items that give a field and a number but leave the noun to the head."""
        taken = {m.number.start for m in mentions}
        items: list[ModelCount] = []
        label_start = start
        # `find_numbers(text, start, end)`, each number qualified only once it ends an item.
        for written in written_numbers(text, start, end):
            if written.start in taken:
                break  # the list has ended where a full count starts again
            item_end = _ITEM_END.match(text, written.end, end)
            after = _LABEL_AFTER.match(text, written.end, end)
            if not item_end and not after:
                continue
            number = qualified(text, written, start)
            label = text[label_start : number.qualifier_start]
            label_start = item_end.end() if item_end else number.end
            if after and self._field_of(after.group("label")):  # "5 về cải cách hành chính"
                label = after.group("label")
                label_start = after.end()
            field = "total" if _TOTAL_LABEL.search(label) else (self._field_of(label) or (None, 0))[0]
            if field is None or len(label.split()) > 20 or _YEAR_WORD.search(label):
                continue
            items.append(self._record(text, s_start, end, number, number.end, status, field,
                                      label.strip(" ,;:-–(“”\"•+|"), "bare-list-item"))
        return items

    def _record(self, text: str, s_start: int, s_end: int, number: NumberMatch, noun_end: int, status: str,
                field: str, field_text: str, rule: str) -> ModelCount:
        return ModelCount(
            count=number.value,
            qualifier=number.qualifier,
            status=status,
            field=field,
            field_text=field_text or text[number.qualifier_start : noun_end].strip(),
            start=number.start,
            end=number.end,
            rule="count:" + rule,
            cumulative=self._cumulative_maybe.may_match(text[s_start : number.qualifier_start])
            and self._cumulative.search(text, s_start, number.qualifier_start) is not None,
            sentence_start=s_start,
            sentence_end=s_end,
        )


def _drop_repeats(counts: list[ModelCount]) -> list[ModelCount]:
    """A figure repeated with the same value (headline and body) is one figure; a repeat that
    says less (no status) than another statement of the same count and field adds nothing.
    The one kept is the first, marked cumulative if any statement of it was."""
    specific = {(c.count, c.field) for c in counts if c.status != "unspecified"}
    cumulative = {(c.count, c.status, c.field) for c in counts if c.cumulative}
    seen: set[tuple[int, str, str]] = set()
    kept: list[ModelCount] = []
    for count in counts:
        if count.status == "unspecified" and (count.count, count.field) in specific:
            continue
        key = (count.count, count.status, count.field)
        if key in seen:
            continue
        seen.add(key)
        marked = key in cumulative
        kept.append(count if count.cumulative == marked else replace(count, cumulative=marked))
    return kept
