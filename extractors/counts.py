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

from dataclasses import dataclass

import regex

from extractors import vocab
from extractors.numbers import NumberMatch, find_numbers
from pipeline.document import Document
from schemas.records import ModelCount, Records

_BOUNDARY = regex.compile(r";")
_QUOTED = regex.compile(r"“[^”]{0,200}”|\"[^\"]{0,200}\"")
_NAME_TAIL = r"(?:\s*[“\"”'‘’]?\s*(?:dân vận khéo|DVK)\s*[”\"“'’‘]?)?"


def _alt(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))


@dataclass(frozen=True)
class _Mention:
    number: NumberMatch
    noun: str
    noun_end: int  # after the noun and its "Dân vận khéo" tail
    exemplary_by_noun: bool


class CountsStage:
    name = "counts"
    needs: tuple[str, ...] = ("dates",)
    gives = "model_counts"

    def __init__(self) -> None:
        words = vocab.load("counts")
        flags = regex.IGNORECASE
        self._noun = regex.compile(rf"\s*(?P<noun>{_alt(words['model_nouns'])}){_NAME_TAIL}", flags)
        self._exemplary_after = regex.compile(rf"\s*(?:{_alt(words['exemplary_markers'])})(?!\w)", flags)
        cue_groups = [
            f"(?P<{status}>{_alt(cues)})" for status, cues in words["status_cues"].items()
        ]
        self._cue = regex.compile(rf"(?<!\w)(?:{'|'.join(cue_groups)})(?!\w)", flags)
        self._strong = frozenset(words["strong_statuses"])
        self._field_keywords = [
            (field, regex.compile(rf"(?<!\w)(?:{_alt(keys)})(?!\w)", flags))
            for field, keys in words["fields"].items()
        ]
        self._all_fields = regex.compile(rf"(?<!\w)(?:{_alt(words['all_fields'])})(?!\w)", flags)
        self._field_phrase = regex.compile(
            r"(?<!\w)lĩnh vực\s+(?P<phrase>[^;:.\d“”\"]+?)"
            r"(?=\s*(?:[;:.]|,?\s*(?:có|với|là|gồm|đạt|chiếm|được|trong đó|toàn)\s|$|\d))",
            flags,
        )
        self._delta_before = regex.compile(rf"(?<!\w)(?:{_alt(words['delta_words'])})\s*$", flags)
        self._delta_after = regex.compile(rf"^\s*(?:\S+\s+){{0,4}}?(?:{_alt(words['delta_after'])})", flags)
        self._target = regex.compile(rf"(?<!\w)(?:{_alt(words['target_words'])})(?!\w)", flags)
        self._cumulative = regex.compile(rf"(?<!\w)(?:{_alt(words['cumulative_cues'])})(?!\w)", flags)
        # Used with .match(text, pos): anchored at the sentence start without `^`.
        self._list_opener = regex.compile(rf"\s*(?:{_alt(words['list_openers'])})", flags)
        self._linking_end = regex.compile(
            r"(?:có|với|là|gồm|đạt|:|-)\s*(?:tổng số\s*(?:là\s*)?)?(?:có\s*)?$", flags
        )
        self._whole_scope = regex.compile(
            r"(?<!\w)(?:toàn (?:tỉnh|huyện|thành phố|quận|thị xã|khối|ngành|lực lượng|đảng bộ)|cả tỉnh|các cấp)(?!\w)",
            flags,
        )
        self._prefilter = regex.compile(r"mô hình|điển hình", flags)

    # ------------------------------------------------------------------ per sentence
    def _mentions(self, text: str, start: int, end: int) -> list[_Mention]:
        mentions: list[_Mention] = []
        for number in find_numbers(text, start, end):
            noun = self._noun.match(text, number.end, end)
            if not noun:
                continue
            noun_word = noun.group("noun").lower()
            exemplary = noun_word.startswith("điển hình") or noun_word == "mô hình điển hình"
            noun_end = noun.end()
            after = self._exemplary_after.match(text, noun_end, end)
            if after and "," not in noun_word and " và " not in noun_word:
                exemplary = True
            mentions.append(_Mention(number, noun.group(0).strip(), noun_end, exemplary))
        return mentions

    def _refused(self, text: str, sentence_start: int, mention: _Mention, end: int) -> bool:
        clause_start = max(
            (m.end() for m in _BOUNDARY.finditer(text, sentence_start, mention.number.qualifier_start)),
            default=sentence_start,
        )
        before = text[max(clause_start, mention.number.qualifier_start - 20) : mention.number.qualifier_start]
        if self._delta_before.search(before):
            return True
        if self._delta_after.match(text[mention.noun_end : min(end, mention.noun_end + 40)]):
            return True
        return bool(self._target.search(text[clause_start : mention.number.qualifier_start]))

    def _status_cues(self, segment: str) -> list[str]:
        # Verbs inside a field name ("lĩnh vực xây dựng hệ thống chính trị") or a model's
        # quoted name ("“Xây dựng khu dân cư ...”") are not the count's status.
        segment = self._field_phrase.sub(lambda m: " " * len(m.group(0)), segment)
        segment = _QUOTED.sub(lambda m: " " * len(m.group(0)), segment)
        return [m.lastgroup for m in self._cue.finditer(segment) if m.lastgroup]

    def _status(self, post: str, pre: str, before_next_count: bool) -> str | None:
        if before_next_count:
            post = self._without_next_counts_verb(post)
        post_cues = self._status_cues(post)
        pre_cues = list(reversed(self._status_cues(pre)))  # nearest first
        for cues in (post_cues, pre_cues):
            strong = [c for c in cues if c in self._strong]
            if strong:
                return strong[0]
        for cues in (post_cues, pre_cues):
            if cues:
                return cues[0]
        return None

    def _without_next_counts_verb(self, post: str) -> str:
        """Drop a cue that governs the next count: "đăng ký hai mô hình và công nhận 15 ..."."""
        cues = list(self._cue.finditer(post))
        if not cues:
            return post
        last = cues[-1]
        joined_before = regex.search(r"(?:,|\bvà\b|\bcòn\b)\s*(?:đã\s*)?(?:được\s*)?$", post[: last.start()])
        if joined_before and "," not in post[last.end() :] and len(post) - last.end() < 12:
            return post[: last.start()]
        return post

    def _field_of(self, phrase: str) -> str | None:
        best: tuple[int, str] | None = None
        for field, pattern in self._field_keywords:
            found = pattern.search(phrase)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), field)
        return best[1] if best else None

    def _field(self, text: str, post_start: int, post_end: int, pre_start: int, pre_end: int) -> tuple[str, str]:
        post = text[post_start:post_end]
        pre = text[pre_start:pre_end]
        head = regex.match(r"\s*(?:thuộc|trong|trên|ở|về)?\s*(?:các\s+)?", post)
        near = post[head.end() if head else 0 :]
        if self._all_fields.match(post.strip()) or self._all_fields.match(near):
            return "total", ""
        phrase = self._field_phrase.match(near)
        if phrase:
            field = self._field_of(phrase.group("phrase"))
            if field:
                return field, "lĩnh vực " + phrase.group("phrase").strip()
        explicit = list(self._field_phrase.finditer(pre))
        if explicit:
            last = explicit[-1]
            field = self._field_of(last.group("phrase"))
            if field:
                return field, "lĩnh vực " + last.group("phrase").strip()
        if self._linking_end.search(pre):
            field = self._field_of(pre)
            if field:
                keyword_at = min(
                    found.start()
                    for _, pattern in self._field_keywords
                    if (found := pattern.search(pre)) is not None
                )
                if not self._whole_scope.search(pre, keyword_at):
                    return field, pre.strip(" ,:-–“”\"")
        return "total", ""

    def _inherited_field(
        self, text: str, previous: tuple[_Mention, str, str, int], mention: _Mention, field: str, field_text: str
    ) -> tuple[str, str]:
        """A count right after a per-field count shares its field ("X có 309 mô hình đăng ký,
        194 mô hình được công nhận"), unless the clause names a whole scope, or the count is an
        exemplary tally that is not introduced as a subset."""
        between = text[previous[0].noun_end : mention.number.qualifier_start]
        if self._whole_scope.search(between):
            return field, field_text
        if mention.exemplary_by_noun and not regex.search(r"trong (?:đó|số đó)", between):
            return field, field_text
        return previous[1], previous[2]

    # ------------------------------------------------------------------ the stage
    def __call__(self, doc: Document, earlier: Records) -> list[ModelCount]:
        text = doc.content
        results: list[ModelCount] = []
        carried: str | None = None  # the list head's status, for items without a cue
        for s_start, s_end in doc.sentences:
            if not self._prefilter.search(text, s_start, s_end):
                carried = None if not self._list_opener.match(text, s_start, s_end) else carried
                continue
            mentions = [
                m for m in self._mentions(text, s_start, s_end) if not self._refused(text, s_start, m, s_end)
            ]
            if not mentions:
                continue
            opens_list = bool(self._list_opener.match(text, s_start, s_end))
            sentence_carry = carried if opens_list else None
            previous: tuple[_Mention, str, str, int] | None = None  # mention, field, field_text, post_end
            for index, mention in enumerate(mentions):
                number = mention.number
                boundary = max(
                    (m.end() for m in _BOUNDARY.finditer(text, s_start, number.qualifier_start)),
                    default=s_start,
                )
                # The clause of this count starts after the previous count, or after a ';'.
                clause_start = max(boundary, previous[0].number.end) if previous else boundary
                next_start = mentions[index + 1].number.qualifier_start if index + 1 < len(mentions) else s_end
                post_end = min(
                    next_start,
                    next((m.start() for m in _BOUNDARY.finditer(text, mention.noun_end, next_start)), next_start),
                )
                trong_do = regex.search(r",?\s*trong (?:đó|số đó)", text[mention.noun_end:post_end])
                if trong_do:
                    post_end = mention.noun_end + trong_do.start()
                post = text[mention.noun_end : post_end]
                pre = text[clause_start : number.qualifier_start]
                if mention.exemplary_by_noun:
                    status = "exemplary"
                else:
                    cue = self._status(post, pre, post_end == next_start and index + 1 < len(mentions))
                    status = cue or sentence_carry or "unspecified"
                    sentence_carry = status
                # Text before the number belongs to this count only when no earlier count of
                # the same clause owns it ("32 mô hình thuộc lĩnh vực X và 09 điển hình").
                own_pre_start = boundary if not previous or boundary >= previous[3] else number.qualifier_start
                field, field_text = self._field(text, mention.noun_end, post_end, own_pre_start, number.qualifier_start)
                if field == "total" and previous and previous[1] != "total":
                    field, field_text = self._inherited_field(text, previous, mention, field, field_text)
                if not field_text:
                    field_text = text[number.qualifier_start : mention.noun_end].strip()
                previous = (mention, field, field_text, post_end)
                cumulative = bool(self._cumulative.search(text, s_start, number.qualifier_start))
                results.append(
                    ModelCount(
                        count=number.value,
                        qualifier=number.qualifier,
                        status=status,
                        field=field,
                        field_text=field_text,
                        start=number.start,
                        end=number.end,
                        rule="count:" + ("exemplary-noun" if mention.exemplary_by_noun else "cue"),
                        cumulative=cumulative,
                        sentence_start=s_start,
                        sentence_end=s_end,
                    )
                )
            carried = sentence_carry
        return _drop_repeats(results)


def _drop_repeats(counts: list[ModelCount]) -> list[ModelCount]:
    """A figure repeated with the same value (headline and body) is one figure."""
    seen: set[tuple[int, str, str, bool]] = set()
    kept: list[ModelCount] = []
    for count in counts:
        key = (count.count, count.status, count.field, count.cumulative)
        if key in seen:
            continue
        seen.add(key)
        kept.append(count)
    return kept

