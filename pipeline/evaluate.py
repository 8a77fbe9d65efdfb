"""Score extraction against hand-annotated gold (the format of shared/gold/seeds.jsonl).

Set-valued kinds get precision/recall/F1 over multisets of comparable keys (a model count is
its count+status+field); article facts (province, publish date, period...) get accuracy. Every
miss is listed with the sentence it came from, so a failure can be read in a minute.

Titles, givers and names are compared after `normalise_phrase`: casefold, one tone-mark
placement (`uỷ` = `ủy`), abbreviations expanded on both sides. What the gold calls
`Ban Thường vụ Tỉnh ủy` the text may write `Ban TVTU`; scoring should not care which.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import regex

from extractors.places import normalise_tones
from pipeline.api import Extraction, extract


class EvaluationError(RuntimeError):
    pass


@cache
def _comparison_expansions() -> tuple[dict[str, str], regex.Pattern[str]]:
    """What comparison expands on both sides (`extractors/vocab/abbreviations.yaml`)."""
    from extractors import vocab

    table: dict[str, str] = vocab.load("abbreviations")["comparison_expansions"]
    keys = sorted(table, key=len, reverse=True)
    return table, regex.compile(r"(?<!\w)(" + "|".join(regex.escape(k) for k in keys) + r")(?!\w)")


def normalise_phrase(text: str | None) -> str:
    """A comparison key for names, titles, givers: casefolded, one tone placement, expanded."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", text).casefold()
    value = normalise_tones(value)  # `uỷ` = `ủy`: the places stage's own table
    expansions, pattern = _comparison_expansions()
    value = pattern.sub(lambda m: expansions[m.group(1)], value)
    value = regex.sub(r"[\s\-–—]+", " ", value)
    return value.strip(" ,.;:()\"'“”")


# --------------------------------------------------------------------------- gold
@dataclass
class GoldItem:
    id: str
    text: str
    gold: dict[str, Any]


def load_gold(gold_path: Path, texts_dir: Path | None = None) -> list[GoldItem]:
    if texts_dir is None:
        beside = gold_path.parent / "texts"
        texts_dir = beside if beside.is_dir() else gold_path.parent
    items: list[GoldItem] = []
    with gold_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                gold = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{gold_path}:{number}: not JSON ({exc.msg})") from exc
            item_id = str(gold.get("id", f"line-{number}"))
            text = gold.get("text")
            if text is None:
                path = texts_dir / f"{item_id}.txt"
                if not path.is_file():
                    raise EvaluationError(f"{gold_path}:{number}: no `text` and no file {path}")
                text = path.read_text(encoding="utf-8")
            items.append(GoldItem(item_id, text, gold))
    if not items:
        raise EvaluationError(f"{gold_path}: no gold items")
    return items


# --------------------------------------------------------------------------- scoring
@dataclass
class Miss:
    kind: str
    article: str
    what: str  # "missed" (in gold, not found) or "spurious" (found, not in gold) or "wrong"
    item: str
    sentence: str = ""


@dataclass
class SetScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class AccuracyScore:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class EvaluationReport:
    sets: dict[str, SetScore] = field(default_factory=dict)
    accuracies: dict[str, AccuracyScore] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    articles: int = 0

    def scores_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "f1": {k: round(v.f1, 4) for k, v in self.sets.items()},
            "precision": {k: round(v.precision, 4) for k, v in self.sets.items()},
            "recall": {k: round(v.recall, 4) for k, v in self.sets.items()},
            "counts": {k: {"tp": v.tp, "fp": v.fp, "fn": v.fn} for k, v in self.sets.items()},
            "accuracy": {k: round(v.accuracy, 4) for k, v in self.accuracies.items()},
        }

    def metric(self, kind: str) -> float:
        """F1 for set kinds, accuracy for article facts (one number per kind for the gate)."""
        if kind in self.sets:
            return self.sets[kind].f1
        return self.accuracies[kind].accuracy


# Which (key, evidence number) each kind compares; number helps find the sentence of a miss.
KeyFn = Callable[[Any], Hashable]


def _count_key(item: dict[str, Any]) -> Hashable:
    return (int(item["count"]), item["status"], item["field"])


def _award_key(item: dict[str, Any]) -> Hashable:
    return (
        normalise_phrase(item.get("award")),
        normalise_phrase(item.get("giver")),
        item.get("collectives"),
        item.get("individuals"),
        item.get("combined"),
    )


def _document_key(item: dict[str, Any]) -> Hashable:
    return (normalise_phrase(item.get("ref")), item.get("date"))


def predicted_as_gold(extraction: Extraction) -> dict[str, Any]:
    """The extraction in the gold format (what evaluation compares, and `--json` dumps)."""
    place, period = extraction.place, extraction.period
    return {
        "province": place.province if place else None,
        "province_2025": place.province_2025 if place else None,
        "scope": {"level": place.scope_level, "name": place.scope_name} if place else None,
        "publish_date": extraction.publish_date,
        "event_dates": [d.value for d in extraction.dates if d.kind == "event"],
        "period": {"start_year": period.start_year, "end_year": period.end_year} if period else None,
        "documents": [{"ref": d.ref, "date": d.value} for d in extraction.dates if d.kind == "document"],
        "officials": [{"name": o.name, "titles": list(o.titles)} for o in extraction.officials],
        "model_counts": [
            {"count": c.count, "status": c.status, "field": c.field, "field_text": c.field_text,
             "qualifier": c.qualifier, "_start": c.start, "_end": c.end}
            for c in extraction.model_counts
        ],
        "awards": [
            {"award": a.award, "giver": a.giver, "collectives": a.collectives, "individuals": a.individuals,
             "combined": a.combined, "qualifier": a.qualifier, "_start": a.start, "_end": a.end}
            for a in extraction.awards
        ],
    }


def _score_set(
    kind: str,
    article: str,
    gold_items: Iterable[Any],
    predicted_items: Iterable[Any],
    key: KeyFn,
    report: EvaluationReport,
    describe: Callable[[Any], str],
    sentence_of: Callable[[Any], str],
) -> None:
    score = report.sets.setdefault(kind, SetScore())
    gold_list, pred_list = list(gold_items), list(predicted_items)
    gold_keys = Counter(key(g) for g in gold_list)
    pred_keys = Counter(key(p) for p in pred_list)
    matched = gold_keys & pred_keys
    score.tp += sum(matched.values())
    score.fn += sum((gold_keys - pred_keys).values())
    score.fp += sum((pred_keys - gold_keys).values())
    missing = gold_keys - pred_keys
    for g in gold_list:
        if missing[key(g)] > 0:
            missing[key(g)] -= 1
            report.misses.append(Miss(kind, article, "missed", describe(g), sentence_of(g)))
    extra = pred_keys - gold_keys
    for p in pred_list:
        if extra[key(p)] > 0:
            extra[key(p)] -= 1
            report.misses.append(Miss(kind, article, "spurious", describe(p), sentence_of(p)))


def _score_fact(kind: str, article: str, gold: Any, predicted: Any, report: EvaluationReport,
                sentence: str = "") -> None:
    score = report.accuracies.setdefault(kind, AccuracyScore())
    score.total += 1
    if gold == predicted:
        score.correct += 1
    else:
        report.misses.append(Miss(kind, article, "wrong", f"gold {gold!r}, found {predicted!r}", sentence))


def _number_forms(value: int) -> list[str]:
    plain = str(value)
    dotted = f"{value:,}".replace(",", ".")
    return [dotted, plain, f"0{plain}"] if value < 10 else [dotted, plain]


def evaluate_item(item: GoldItem, report: EvaluationReport) -> None:
    extraction = extract(item.text, source=item.id)
    doc = extraction.document
    predicted = predicted_as_gold(extraction)
    gold = item.gold
    article = item.id

    def sentence_at(offset: int) -> str:
        start, end = doc.sentence_at(offset)
        return doc.text[start:end].strip()

    def find_sentence(*needles: str) -> str:
        for needle in needles:
            if not needle:
                continue
            found = regex.search(rf"(?<![\d.]){regex.escape(needle)}(?![\d])", doc.text)
            if found:
                return sentence_at(found.start())
        return ""

    def sentence_of_count(entry: dict[str, Any]) -> str:
        if "_start" in entry:
            return sentence_at(entry["_start"])
        return find_sentence(*_number_forms(int(entry["count"])))

    def sentence_of_award(entry: dict[str, Any]) -> str:
        if "_start" in entry:
            return sentence_at(entry["_start"])
        numbers = [entry.get(k) for k in ("collectives", "individuals", "combined")]
        return find_sentence(*[form for n in numbers if n for form in _number_forms(int(n))])

    def sentence_of_name(entry: Any) -> str:
        name = entry["name"] if isinstance(entry, dict) else entry[0]
        return find_sentence(name)

    _score_set("model_counts", article, gold.get("model_counts", []), predicted["model_counts"], _count_key,
               report, lambda c: f"{c['count']} {c['status']}/{c['field']} ({c.get('qualifier')})",
               sentence_of_count)
    _score_set("awards", article, gold.get("awards", []), predicted["awards"], _award_key, report,
               lambda a: f"{a['award']} of {a.get('giver')}: collectives={a.get('collectives')} "
                         f"individuals={a.get('individuals')} combined={a.get('combined')}",
               sentence_of_award)
    gold_officials = gold.get("officials", [])
    _score_set("officials", article, gold_officials, predicted["officials"],
               lambda o: normalise_phrase(o["name"]), report, lambda o: o["name"], sentence_of_name)
    gold_titles = [(o["name"], t) for o in gold_officials for t in o.get("titles", [])]
    pred_titles = [(o["name"], t) for o in predicted["officials"] for t in o["titles"]]
    _score_set("titles", article, gold_titles, pred_titles,
               lambda p: (normalise_phrase(p[0]), normalise_phrase(p[1])), report,
               lambda p: f"{p[0]}: {p[1]}", sentence_of_name)
    _score_set("event_dates", article, gold.get("event_dates", []), predicted["event_dates"],
               lambda d: d, report, str, lambda d: "")
    _score_set("documents", article, gold.get("documents", []), predicted["documents"], _document_key,
               report, lambda d: f"{d.get('ref')} ({d.get('date')})", lambda d: find_sentence(d.get("ref") or ""))

    _score_fact("province", article, gold.get("province"), predicted["province"], report)
    _score_fact("province_2025", article, gold.get("province_2025"), predicted["province_2025"], report)
    gold_scope = gold.get("scope") or {}
    pred_scope = predicted["scope"] or {}
    _score_fact("scope_level", article, gold_scope.get("level"), pred_scope.get("level"), report)
    _score_fact("publish_date", article, gold.get("publish_date"), predicted["publish_date"], report)
    gold_period = gold.get("period")
    pred_period = predicted["period"]
    _score_fact(
        "period", article,
        (gold_period["start_year"], gold_period["end_year"]) if gold_period else None,
        (pred_period["start_year"], pred_period["end_year"]) if pred_period else None,
        report,
    )
    report.articles += 1


def evaluate_items(items: Iterable[GoldItem]) -> EvaluationReport:
    report = EvaluationReport()
    for item in items:
        evaluate_item(item, report)
    return report


def evaluate_gold(gold_path: Path, texts_dir: Path | None = None) -> EvaluationReport:
    return evaluate_items(load_gold(gold_path, texts_dir))


SET_KINDS = ("model_counts", "awards", "officials", "titles", "event_dates", "documents")
FACT_KINDS = ("province", "province_2025", "scope_level", "publish_date", "period")


def format_report(report: EvaluationReport, show_misses: bool = True) -> str:
    from tabulate import tabulate

    lines = [f"articles: {report.articles}", ""]
    rows = [
        [kind, s.tp, s.fp, s.fn, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}"]
        for kind in SET_KINDS
        if (s := report.sets.get(kind)) is not None
    ]
    lines.append(tabulate(rows, headers=["kind", "tp", "fp", "fn", "P", "R", "F1"], tablefmt="simple"))
    lines.append("")
    facts = [
        [kind, a.correct, a.total, f"{a.accuracy:.3f}"]
        for kind in FACT_KINDS
        if (a := report.accuracies.get(kind)) is not None
    ]
    lines.append(tabulate(facts, headers=["fact", "correct", "of", "accuracy"], tablefmt="simple"))
    if show_misses and report.misses:
        lines.append("")
        lines.append(f"misses ({len(report.misses)}):")
        for miss in sorted(report.misses, key=lambda m: (m.article, m.kind)):
            lines.append(f"- [{miss.kind}] {miss.article}: {miss.what} {miss.item}")
            if miss.sentence:
                sentence = miss.sentence if len(miss.sentence) <= 300 else miss.sentence[:297] + "..."
                lines.append(f"    «{sentence}»")
    return "\n".join(lines)
