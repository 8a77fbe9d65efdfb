"""Awards: `20 tập thể, 10 cá nhân ... được nhận Bằng khen của Chủ tịch UBND tỉnh`.

Two orders are common, and one sentence may hold several awards:
- recipients first: `28 tập thể, 12 cá nhân được nhận Bằng khen của Chủ tịch UBND tỉnh`,
  `trên 1.000 tập thể và cá nhân ... đã được UBND các cấp khen thưởng`;
- award first: `Chủ tịch UBND tỉnh tặng Bằng khen cho 28 tập thể, 12 cá nhân`,
  `trao Giấy khen của Ban Chỉ đạo cho 15 tập thể`.
Recipient groups (numbers with `tập thể`/`cá nhân`) and award names are found separately, then
each group is paired with the award that governs it: the one it is handed to by `cho`, else
the next award name in its clause. The giver is the `của ...` phrase after the award, or the
subject before `tặng`/`trao`, or the agent between `được` and `khen thưởng`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from extractors import vocab
from extractors.numbers import NumberMatch, find_numbers
from pipeline.document import Document
from schemas.records import Award, Records

_TO_WHOM = regex.compile(
    r"\s*(?:[“\"][^”\"]{1,80}[”\"]\s*)?(?:của\s+[^,;.]{1,60}?\s+)?cho\s+(?:các\s+|những\s+)?(?P<kind>tập thể(?:\s*(?:và|,)\s*cá nhân)?|cá nhân)",
    regex.IGNORECASE,
)
_CLAUSE_END = regex.compile(r";")
_BARE_VERB = regex.compile(r"\s*(?:và\s+|đồng thời\s+)?(?:tặng|trao|trao tặng|tặng thưởng)\s*", regex.IGNORECASE)
# Compiled once here rather than looked up in the module's cache on every call.
_LEADING_JOINER = regex.compile(r"^\s*(?:và|,|;)\s*")
_LEADING_HONORIFIC = regex.compile(r"^(?:đồng chí|ông|bà)\s+", regex.IGNORECASE)
_RECIPIENT_OR_PASSIVE = regex.compile(r"tập thể|cá nhân|\bđược$")
_HANDED_TO = regex.compile(r"\b(?:cho|gồm)\b")
# An award name written as plain words, one or more spellings: `kỷ niệm chương|kỉ niệm chương`.
_PLAIN_WORDS = regex.compile(r"[^\W\d_]+(?: [^\W\d_]+)*(?:\|[^\W\d_]+(?: [^\W\d_]+)*)*")
_RECIPIENTS = regex.compile(r"\d[\d.]*\s+(?:tập thể|cá nhân)(?:\s*(?:và|,)\s*cá nhân)?", regex.IGNORECASE)



@dataclass
class _Group:
    """Consecutive recipient counts: `20 tập thể, 10 cá nhân` or `1.000 tập thể và cá nhân`."""

    start: int  # first number (evidence start)
    end: int  # end of the last unit word
    qualifier: str
    collectives: int | None = None
    individuals: int | None = None
    combined: int | None = None


@dataclass(frozen=True)
class _AwardName:
    award: str
    start: int
    end: int


class AwardsStage:
    name = "awards"
    needs: tuple[str, ...] = ()
    gives = "awards"

    def __init__(self) -> None:
        words = vocab.load("awards")
        flags = regex.IGNORECASE
        self._award_names = [(regex.compile(rf"(?<!\w)(?:{p})(?!\w)", flags), v) for p, v in words["award_names"].items()]
        collective = vocab.alternation(words["collective_units"])
        individual = vocab.alternation(words["individual_units"])
        self._unit = regex.compile(
            rf"\s*(?:(?P<combined>(?:{collective})\s*(?:và|,)\s*(?:{individual}))|(?P<coll>{collective})|(?P<ind>{individual}))(?!\w)",
            flags,
        )
        self._joiner = regex.compile(r"\s*(?:,|và|cùng)?\s*$", flags)
        self._giver_after = regex.compile(r"^\s*(?:[“\"][^”\"]{1,80}[”\"]\s*)?của\s+(?P<giver>[^,;.()]+)", flags)
        self._giver_stop = regex.compile(vocab.alternation(words["giver_stops"]), flags)
        verbs = vocab.alternation(words["giving_verbs"])
        self._giver_before = regex.compile(
            rf"(?:^|[,;:]\s*|\bdịp này\s*,?\s*)(?P<giver>(?:(?:đồng chí|ông|bà)\s+)?[^,;:]{{2,80}}?)\s+(?:đã\s+)?(?:quyết định\s+)?(?:{verbs})\s*$",
            flags,
        )
        self._agent_passive = regex.compile(
            rf"được\s+(?!nhận\b)(?P<giver>[^,;.]{{2,80}}?)\s+(?:{verbs})\s*$", flags
        )
        self._prefilter = regex.compile(r"tập thể|cá nhân", flags)
        self._award_prefilter = regex.compile("|".join(f"(?:{p})" for p in words["award_names"]), flags)
        # The same names one pattern each, to find every place a name starts in one sweep of the
        # document (see `_naming_sentences`). Only for names written as plain words: a pattern that
        # looks around its match could match in a whole text where it fails in a sentence.
        names = list(dict.fromkeys(words["award_names"]))
        self._award_name_each = (
            [regex.compile(p, flags) for p in names] if all(_PLAIN_WORDS.fullmatch(p) for p in names) else None
        )

    def _groups(self, text: str, numbers: list[NumberMatch], end: int) -> list[_Group]:
        groups: list[_Group] = []
        current: _Group | None = None
        for number in numbers:
            unit = self._unit.match(text, number.end, end)
            if not unit:
                current = None
                continue
            joined = current is not None and self._joiner.match(text[current.end : number.qualifier_start]) is not None
            if not joined or current is None:
                current = _Group(start=number.start, end=unit.end(), qualifier=number.qualifier)
                groups.append(current)
            current.end = unit.end()
            self._assign(current, unit, number)
        return groups

    @staticmethod
    def _assign(group: _Group, unit: regex.Match[str], number: NumberMatch) -> None:
        if unit.group("combined"):
            group.combined = number.value
        elif unit.group("coll"):
            group.collectives = number.value
        else:
            group.individuals = number.value

    def _counted_awards(
        self, text: str, numbers: list[NumberMatch], end: int, any_name_at: set[int] | None
    ) -> list[tuple[_Group, _AwardName]]:
        """`trao 15 Bằng khen cho các tập thể`: the number counts the awards themselves; whom
        they went to says whether they count collectives, individuals or both.

        `any_name_at`: every place where a name may start (see `_name_starts`), or None.
        """
        found: list[tuple[_Group, _AwardName]] = []
        for number in numbers:
            if text[number.end : number.end + 1] != " ":
                continue  # no award name can follow: each is looked for one space after the number
            if any_name_at is not None and number.end + 1 not in any_name_at:
                continue  # no name starts after the space
            for pattern, value in self._award_names:
                name = pattern.match(text, number.end + 1, end)
                if name is None or value == "khen thưởng":
                    continue
                to = _TO_WHOM.match(text, name.end(), end)
                group = _Group(start=number.start, end=name.end(), qualifier=number.qualifier)
                kind = (to.group("kind") or "").lower() if to else ""
                if "tập thể" in kind and "cá nhân" in kind:
                    group.combined = number.value
                elif "tập thể" in kind:
                    group.collectives = number.value
                elif "cá nhân" in kind:
                    group.individuals = number.value
                else:
                    group.combined = number.value
                found.append((group, _AwardName(value, name.start(), name.end())))
                break
        return found

    def _awards(self, text: str, start: int, end: int, name_starts: list[list[int]] | None) -> list[_AwardName]:
        found: list[_AwardName] = []
        taken: list[tuple[int, int]] = []
        for index, (pattern, value) in enumerate(self._award_names):
            candidates = name_starts[index] if name_starts is not None else None
            for m in _finditer_at(pattern, text, start, end, candidates):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append(m.span())
                found.append(_AwardName(value, m.start(), m.end()))
        return sorted(found, key=lambda a: a.start)

    def _clean_giver(self, giver: str) -> str | None:
        stop = self._giver_stop.search(" " + giver + " ")
        if stop:
            giver = (" " + giver + " ")[: stop.start()]
        giver = giver.strip(" “”\"'")
        return giver or None

    def _giver(self, text: str, award: _AwardName, clause_start: int, end: int, lead_end: int) -> str | None:
        after = self._giver_after.match(text[award.end : end])
        if after:
            return self._clean_giver(after.group("giver"))
        lead = text[clause_start:lead_end]
        passive = self._agent_passive.search(lead if award.award != "khen thưởng" else text[clause_start : award.end])
        if passive:  # "07 cá nhân được Ban Dân vận Trung ương tặng Kỷ niệm chương"
            return self._clean_giver(passive.group("giver"))
        # "..., 15 cá nhân và UBND tỉnh tặng Bằng khen": the subject starts after the last recipients.
        recipients = list(_RECIPIENTS.finditer(lead))
        if recipients:
            lead = _LEADING_JOINER.sub("", lead[recipients[-1].end() :])
        if award.award == "khen thưởng":  # the award is itself the giving verb
            lead = lead + text[award.start : award.end]
        before = self._giver_before.search(lead)
        if before:
            giver = before.group("giver").strip()
            giver = _LEADING_HONORIFIC.sub("", giver)
            # "... cá nhân được tặng Kỷ niệm chương": passive without an agent has no giver.
            if not _RECIPIENT_OR_PASSIVE.search(giver):
                return self._clean_giver(giver)
        return None

    def _name_starts(self, text: str) -> list[list[int]] | None:
        """For each award-name pattern, every place in `text` where it matches, in order.

        The places where a name may stand: a name matched anywhere in the text, within a
        sentence's bounds or with word boundaries around it (`_award_names`), is made of plain
        words (no look-around, no anchor), so the plain pattern matches at the same place in the
        whole text, and an overlapped sweep reports every place where a pattern matches. Each name
        pattern alone starts with a literal the engine skips ahead to: the sweeps cost a third of
        one search of the alternation per sentence. None when a name is no plain words.
        """
        if self._award_name_each is None:
            return None
        return [[m.start() for m in p.finditer(text, overlapped=True)] for p in self._award_name_each]

    @staticmethod
    def _naming_sentences(
        sentences: tuple[tuple[int, int], ...], any_name_at: set[int] | None
    ) -> list[tuple[int, int]]:
        """The sentences in which an award name starts (`any_name_at`: every place one starts,
        None when unknown): those that may name an award."""
        if any_name_at is None:
            return list(sentences)
        starts = sorted(any_name_at)
        if not starts:
            return []
        naming: list[tuple[int, int]] = []
        for s_start, s_end in sentences:
            index = bisect.bisect_left(starts, s_start)
            if index < len(starts) and starts[index] < s_end:
                naming.append((s_start, s_end))
        return naming

    def __call__(self, doc: Document, earlier: Records) -> list[Award]:
        text = doc.content
        results: list[Award] = []
        name_starts = self._name_starts(text)
        any_name_at = {start for each in name_starts for start in each} if name_starts is not None else None
        for s_start, s_end in self._naming_sentences(doc.sentences, any_name_at):
            if not self._award_prefilter.search(text, s_start, s_end):
                continue  # every award this stage knows names one of these words
            numbers = find_numbers(text, s_start, s_end)  # read by both: found once
            counted = self._counted_awards(text, numbers, s_end, any_name_at)
            if not counted and not self._prefilter.search(text, s_start, s_end):
                continue
            groups = self._groups(text, numbers, s_end)
            awards = self._awards(text, s_start, s_end, name_starts) if groups else []
            pairs: list[tuple[_Group, _AwardName]] = list(counted)
            for group in groups:
                award = self._award_for(text, group, awards, s_start)
                if award is not None and not any(g.start == group.start for g, _ in counted):
                    pairs.append((group, award))
            sentence_giver: str | None = None
            for group, award in sorted(pairs, key=lambda p: p[0].start):
                clause_start = max(
                    (m.end() for m in _CLAUSE_END.finditer(text, s_start, min(award.start, group.start))),
                    default=s_start,
                )
                # a counted award ("trao 15 Bằng khen") has its giver before the number
                lead_end = group.start if group.end == award.end else award.start
                giver = self._giver(text, award, clause_start, s_end, lead_end)
                if giver is None and _BARE_VERB.fullmatch(text[clause_start:lead_end]):
                    giver = sentence_giver  # "X trao ...; tặng Kỷ niệm chương cho 42 cá nhân": same giver
                sentence_giver = giver or sentence_giver
                results.append(
                    Award(
                        award=award.award,
                        giver=giver,
                        collectives=group.collectives,
                        individuals=group.individuals,
                        combined=group.combined,
                        qualifier=group.qualifier,
                        start=min(group.start, award.start),
                        end=max(group.end, award.end),
                        rule="award:" + ("award-first" if award.start < group.start else "recipients-first"),
                        sentence_start=s_start,
                        sentence_end=s_end,
                    )
                )
        return _drop_repeats(results)

    def _award_for(self, text: str, group: _Group, awards: list[_AwardName], s_start: int) -> _AwardName | None:
        before = [a for a in awards if a.end <= group.start]
        if before:
            last = before[-1]
            between = text[last.end : group.start]
            # "tặng Bằng khen (của X) cho 28 tập thể": the recipients are handed this award.
            # "... Bằng khen của UBND tỉnh gồm 10 tập thể và 6 cá nhân" hands the award the same way.
            if ";" not in between and _HANDED_TO.search(between) and len(between) < 160:
                return last
            if last.award == "khen thưởng" and not between.strip():  # "UBND tỉnh khen thưởng 126 tập thể"
                return last
        after = [a for a in awards if a.start >= group.end]
        if after:
            nxt = after[0]
            between = text[group.end : nxt.start]
            if ";" not in between and len(between) < 220:
                return nxt
        return None


def _finditer_at(
    pattern: regex.Pattern[str], text: str, start: int, end: int, candidates: list[int] | None
) -> Iterator[regex.Match[str]]:
    """`pattern.finditer(text, start, end)`, tried only at `candidates` (in order; None: everywhere).

    Why the same, when every match starts at one of `candidates`: the sweep returns the match at
    the first place from where it stands that matches (`match` there, which reads before `pos` as
    the sweep does) and goes on from its end; no other place could match.
    """
    if candidates is None:
        yield from pattern.finditer(text, start, end)
        return
    resume = start
    for at in candidates[bisect.bisect_left(candidates, start):]:
        if at >= end:
            break
        if at < resume:
            continue
        match = pattern.match(text, at, end)
        if match is not None:
            yield match
            resume = max(match.end(), at + 1)


def _drop_repeats(awards: list[Award]) -> list[Award]:
    seen: set[tuple[object, ...]] = set()
    kept: list[Award] = []
    for a in awards:
        key = (a.award, a.giver, a.collectives, a.individuals, a.combined)
        if key not in seen:
            seen.add(key)
            kept.append(a)
    return kept
