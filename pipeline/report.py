"""Static HTML review pages: each article's text with every extracted item highlighted.

`write_report` writes `index.html` (every article, filterable by province, period and
severity) and `articles/<name>.html` (one per article: its check findings first, a table of
its figures, then the text with each figure, award, date, official and place marked; the kind
and value show on hover). Pages open from disk: no server, no network, inline CSS and a few
lines of inline JS.

Every piece of text from the database goes through `html.escape`, so an article containing
`<script>` shows it as text. Overlapping spans (a place inside an official's title, a date
inside a figure's sentence) are cut at every boundary and each piece gets one `<mark>` naming
every span that covers it, so the markup always nests.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from pipeline.checks import SEVERITY_ORDER, Finding, find_all, load_corpus
from pipeline.store import Store

# When spans overlap, the piece's first class is the most specific kind covering it.
KIND_PRIORITY = ("figure", "award", "date", "official", "place")
KIND_LABELS = {
    "figure": "model count",
    "award": "award",
    "date": "date",
    "official": "official",
    "place": "place",
}
ID_PREFIX = {"figure": "mc", "award": "aw", "date": "dt", "official": "of", "place": "pl"}

STYLE = """
:root { --error:#b42318; --warning:#b54708; --info:#175cd3; }
body { font-family: "DejaVu Sans", "Noto Sans", system-ui, sans-serif; margin: 0 auto; max-width: 64rem;
       padding: 1rem 1.5rem 3rem; color: #1d2939; line-height: 1.55; }
a { color: #175cd3; }
h1 { font-size: 1.35rem; margin: .4rem 0 .2rem; }
.facts { color: #475467; font-size: .9rem; margin: 0 0 1rem; }
.facts span + span::before { content: " · "; }
.findings { list-style: none; padding: 0; }
.findings li { border-left: 4px solid; padding: .3rem .7rem; margin: .35rem 0; background: #f9fafb; }
.findings li.error { border-color: var(--error); } .findings li.warning { border-color: var(--warning); }
.findings li.info { border-color: var(--info); }
.sev { font-weight: bold; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; }
.sev.error { color: var(--error); } .sev.warning { color: var(--warning); } .sev.info { color: var(--info); }
.rule { font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; }
.clean { color: #067647; }
table { border-collapse: collapse; font-size: .88rem; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #eaecf0; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f4f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap { white-space: nowrap; }
.text { white-space: pre-wrap; font-size: 1rem; border-top: 1px solid #eaecf0; padding-top: 1rem; }
mark { border-radius: 2px; padding: 0 1px; cursor: help; }
mark.figure { background: #fde272; outline: 1px solid #eaaa08; font-weight: bold; }
mark.award { background: #fbcfe8; }
mark.date { background: #c7d7fe; }
mark.official { background: #a6f4c5; }
mark.place { background: #e0eaff; text-decoration: underline dotted; }
mark:target, a:target + mark { outline: 3px solid #b42318; }
.legend mark { cursor: default; }
.filters { display: flex; gap: 1rem; flex-wrap: wrap; align-items: end; margin: .5rem 0 1rem; }
.filters label { display: flex; flex-direction: column; font-size: .8rem; color: #475467; }
tr[hidden], li[hidden] { display: none; }
.badge { display: inline-block; min-width: 1.4rem; text-align: center; border-radius: 9px; font-size: .78rem;
         color: white; padding: 0 .35rem; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
.badge.info { background: var(--info); }
"""

INDEX_SCRIPT = """
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("#articles tbody tr"));
  var across = Array.prototype.slice.call(document.querySelectorAll("#across li"));
  var province = document.getElementById("f-province"), period = document.getElementById("f-period"),
      severity = document.getElementById("f-severity"), shown = document.getElementById("shown");
  function fits(el, p, per, s) {
    if (p && (" " + el.dataset.provinces + " ").indexOf(" " + p + " ") < 0) return false;
    if (per && (" " + el.dataset.periods + " ").indexOf(" " + per + " ") < 0) return false;
    if (s === "clean") return el.dataset.severities === "";
    if (s && (" " + el.dataset.severities + " ").indexOf(" " + s + " ") < 0) return false;
    return true;
  }
  function apply() {
    var p = province.value, per = period.value, s = severity.value, n = 0;
    rows.forEach(function (r) { var ok = fits(r, p, per, s); r.hidden = !ok; if (ok) n++; });
    across.forEach(function (li) { li.hidden = !fits(li, p, per, s === "clean" ? "" : s); });
    shown.textContent = n;
  }
  // the filters live in the address too (index.html#severity=error), so a view can be shared
  function fromHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) params[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1));
    });
    province.value = params.province || ""; period.value = params.period || "";
    severity.value = params.severity || "";
  }
  function toHash() {
    var parts = [];
    [["province", province], ["period", period], ["severity", severity]].forEach(function (p) {
      if (p[1].value) parts.push(p[0] + "=" + encodeURIComponent(p[1].value));
    });
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }
  [province, period, severity].forEach(function (el) {
    el.addEventListener("change", function () { toHash(); apply(); });
  });
  window.addEventListener("hashchange", function () { fromHash(); apply(); });
  fromHash();
  apply();
})();
"""


def esc(value: Any) -> str:
    """Text or attribute value, escaped (quotes too); None shows as nothing."""
    return "" if value is None else html.escape(str(value), quote=True)


def thousands(n: Any) -> str:
    """`1635` as a Vietnamese reader writes it: `1.635`."""
    try:
        return f"{int(n):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(n)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # figure | award | date | official | place
    anchor: str  # element id, e.g. mc-12
    title: str  # shown on hover


def page_name(article: dict[str, Any]) -> str:
    """`articles/<source stem>_<id prefix>.html`: readable, and unique by the content hash."""
    stem = Path(str(article.get("source") or "article")).stem
    safe = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-.")[:60] or "article"
    return f"articles/{safe}_{str(article['id'])[:8]}.html"


# -- spans ----------------------------------------------------------------------------------
def _figure_title(row: dict[str, Any]) -> str:
    qualifier = row.get("qualifier")
    said = {"approx": "about ", "more_than": "more than ", "at_least": "at least ", "at_most": "at most "}.get(
        str(qualifier), "")
    extra = " · running total" if row.get("cumulative") else ""
    return f"model count: {said}{thousands(row['count'])} {row.get('status')} / {row.get('field')}{extra}"


def _award_title(row: dict[str, Any]) -> str:
    parts = []
    for key, word in (("collectives", "collectives"), ("individuals", "individuals"), ("combined", "collectives and individuals")):
        if row.get(key) is not None:
            parts.append(f"{thousands(row[key])} {word}")
    giver = f" of {row['giver']}" if row.get("giver") else ""
    return f"award: {row.get('award')}{giver}: {', '.join(parts) or 'no number'}"


def _date_title(row: dict[str, Any]) -> str:
    kind = row.get("kind")
    if kind == "period":
        return f"period ({row.get('role') or 'mentioned'}): {row.get('value')}"
    ref = f" of {row['ref']}" if row.get("ref") else ""
    return f"date ({kind}){ref}: {row.get('value')}"


def _official_title(row: dict[str, Any]) -> str:
    try:
        titles = json.loads(row.get("titles") or "[]")
    except ValueError:
        titles = [row.get("titles")]
    return f"official: {row.get('name')}" + (f" — {', '.join(str(t) for t in titles)}" if titles else "")


def _place_title(row: dict[str, Any]) -> str:
    inside = f", {row['province']}" if row.get("province") and row.get("province") != row.get("name") else ""
    return f"place ({row.get('level')}): {row.get('name')}{inside}"


def article_spans(children: dict[str, list[dict[str, Any]]], text_length: int) -> list[Span]:
    """Every highlightable record of one article as a span; empty or out-of-text spans dropped."""
    makers = (
        ("model_counts", "figure", _figure_title),
        ("awards", "award", _award_title),
        ("dates", "date", _date_title),
        ("officials", "official", _official_title),
        ("places", "place", _place_title),
    )
    spans: list[Span] = []
    for table, kind, title in makers:
        for row in children.get(table, []):
            start, end = row.get("start"), row.get("end")
            if start is None or end is None:
                continue
            start, end = int(start), int(end)
            if not (0 <= start < end <= text_length):
                continue
            spans.append(Span(start, end, kind, f"{ID_PREFIX[kind]}-{row['id']}", title(row)))
    return spans


def highlight(text: str, spans: Sequence[Span]) -> str:
    """`text` escaped, each span marked; overlaps cut into pieces so tags always nest."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]  # a bad offset must not break the page
    cuts = {0, len(text)}
    for span in spans:
        cuts.update((span.start, span.end))
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    starts_at: dict[int, list[Span]] = defaultdict(list)
    for span in spans:
        starts_at[span.start].append(span)
    out: list[str] = []
    open_spans: list[Span] = []
    for left, right in pairwise(bounds):
        open_spans = [s for s in open_spans if s.end > left] + starts_at.get(left, [])
        piece = esc(text[left:right])
        if not open_spans:
            out.append(piece)
            continue
        covering = sorted(open_spans, key=lambda s: (KIND_PRIORITY.index(s.kind), s.start, -s.end))
        classes = " ".join(dict.fromkeys(s.kind for s in covering))
        title = " | ".join(dict.fromkeys(s.title for s in covering))
        # an element carries one id: spans starting here beyond the first get an empty anchor
        new_here = [s for s in covering if s.start == left]
        anchors = "".join(f'<a id="{esc(s.anchor)}"></a>' for s in new_here[1:])
        own_id = f' id="{esc(new_here[0].anchor)}"' if new_here else ""
        out.append(f'{anchors}<mark class="{esc(classes)}"{own_id} title="{esc(title)}">{piece}</mark>')
    return "".join(out)


# -- findings -------------------------------------------------------------------------------
def _finding_articles(finding: Finding) -> set[str]:
    """The articles a finding is about: its own, or those a cross-article finding compares."""
    if finding.article_id:
        return {finding.article_id}
    return {str(a.get("article_id")) for a in finding.details.get("articles", []) if a.get("article_id")}


def _evidence_links(finding: Finding, article_id: str, page_of: dict[str, str], here: bool) -> str:
    figures: list[dict[str, Any]] = []
    if "total" in finding.details:
        figures.append(finding.details["total"])
    figures += finding.details.get("parts", []) + finding.details.get("figures", [])
    figures += [a["figure"] for a in finding.details.get("articles", []) if "figure" in a]
    links = []
    for fig in figures:
        target = f"#mc-{fig['id']}"
        owner = str(fig.get("article_id") or article_id)
        if owner != article_id or not here:
            target = ("../" if here else "") + page_of.get(owner, "") + target
        links.append(f'<a href="{esc(target)}" title="{esc(fig.get("evidence"))}">{esc(thousands(fig["count"]))}</a>')
    for d in finding.details.get("dates", []):
        if d.get("id") is not None and here:
            links.append(f'<a href="#dt-{esc(d["id"])}">{esc(d.get("text") or d.get("value"))}</a>')
    return (" <span class=\"evidence\">→ " + ", ".join(links) + "</span>") if links else ""


def _findings_list(findings: Sequence[Finding], article_id: str, page_of: dict[str, str], here: bool) -> str:
    if not findings:
        return '<p class="clean">No check finding for this article.</p>'
    items = []
    for f in sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule)):
        items.append(
            f'<li class="{esc(f.severity)}"><span class="sev {esc(f.severity)}">{esc(f.severity)}</span> '
            f'<span class="rule">{esc(f.rule)}</span>: {esc(f.message)}'
            f"{_evidence_links(f, article_id, page_of, here)}</li>"
        )
    return '<ul class="findings">' + "".join(items) + "</ul>"


# -- pages ----------------------------------------------------------------------------------
def _page(title: str, body: str, script: str = "") -> str:
    tail = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n{tail}\n</body>\n</html>\n"
    )


def _facts(article: dict[str, Any]) -> str:
    period = _period(article)
    items = [
        ("source", article.get("source")),
        ("published", article.get("publish_date") or "no publish date"),
        ("province", article.get("province") or "province unknown"),
        ("2025", article.get("province_2025")),
        ("scope", " ".join(str(x) for x in (article.get("scope_level"), article.get("scope_name")) if x) or None),
        ("period", period or "no period"),
    ]
    return '<p class="facts">' + "".join(
        f'<span title="{esc(name)}">{esc(value)}</span>' for name, value in items if value) + "</p>"


def _period(article: dict[str, Any]) -> str:
    start, end = article.get("period_start"), article.get("period_end")
    if start is None or end is None or start != start or end != end:  # NULL or NaN
        return ""
    start, end = int(start), int(end)
    return str(start) if start == end else f"{start}-{end}"


def _figures_table(children: dict[str, list[dict[str, Any]]]) -> str:
    counts, awards = children.get("model_counts", []), children.get("awards", [])
    if not counts and not awards:
        return "<p>No figure was extracted from this article.</p>"
    rows = []
    for c in counts:
        rows.append(
            f'<tr><td><a href="#mc-{esc(c["id"])}">model count</a></td><td class="num">{esc(thousands(c["count"]))}</td>'
            f"<td>{esc(c.get('qualifier'))}</td><td>{esc(c.get('status'))}</td><td>{esc(c.get('field'))}"
            f"{' (running total)' if c.get('cumulative') else ''}</td><td>{esc(c.get('field_text'))}</td></tr>"
        )
    for a in awards:
        numbers = ", ".join(f"{k} {thousands(a[k])}" for k in ("collectives", "individuals", "combined")
                            if a.get(k) is not None)
        rows.append(
            f'<tr><td><a href="#aw-{esc(a["id"])}">award</a></td><td class="num">{esc(numbers)}</td>'
            f"<td>{esc(a.get('qualifier'))}</td><td>{esc(a.get('award'))}</td><td>{esc(a.get('giver'))}</td><td></td></tr>"
        )
    head = "<tr><th>kind</th><th>value</th><th>qualifier</th><th>status / award</th><th>field / giver</th><th>as written</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


LEGEND = (
    '<p class="legend">'
    + " ".join(f'<mark class="{k}">{esc(KIND_LABELS[k])}</mark>' for k in KIND_PRIORITY)
    + " — hover a highlight for its kind and value.</p>"
)


def article_page(article: dict[str, Any], children: dict[str, list[dict[str, Any]]],
                 own: Sequence[Finding], across: Sequence[Finding], page_of: dict[str, str]) -> str:
    text = str(article.get("text") or "")
    spans = article_spans(children, len(text))
    title = article.get("title") or article.get("source") or article["id"]
    body = [
        '<p><a href="../index.html">← all articles</a></p>',
        f"<h1>{esc(title)}</h1>",
        _facts(article),
        "<h2>Check findings</h2>",
        _findings_list(own, article["id"], page_of, here=True),
    ]
    if across:
        body += ["<h3>Across articles</h3>", _findings_list(across, article["id"], page_of, here=True)]
    body += ["<h2>Figures</h2>", _figures_table(children), "<h2>Text</h2>", LEGEND,
             f'<div class="text" lang="vi">{highlight(text, spans)}</div>']
    return _page(str(title), "\n".join(body))


def _options(values: Iterable[str], everything: str) -> str:
    return f'<option value="">{esc(everything)}</option>' + "".join(
        f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)


def index_page(articles: Sequence[dict[str, Any]], findings: Sequence[Finding], page_of: dict[str, str],
               figure_counts: dict[str, int]) -> str:
    by_article: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.article_id:
            by_article[f.article_id].append(f)
    provinces = sorted({str(a["province"]) for a in articles if a.get("province")})
    periods = sorted({_period(a) for a in articles if _period(a)})
    rows = []
    for a in articles:
        own = by_article.get(a["id"], [])
        severities = sorted({f.severity for f in own}, key=lambda s: SEVERITY_ORDER.get(s, 9))
        badges = " ".join(
            f'<span class="badge {esc(s)}" title="{esc(s)}">{sum(1 for f in own if f.severity == s)}</span>'
            for s in severities)
        rows.append(
            f'<tr data-provinces="{esc(a.get("province") or "")}" data-periods="{esc(_period(a))}" '
            f'data-severities="{esc(" ".join(severities))}">'
            f'<td><a href="{esc(page_of[a["id"]])}">{esc(a.get("title") or a.get("source") or a["id"])}</a></td>'
            f"<td>{esc(a.get('province'))}</td><td>{esc(a.get('province_2025'))}</td>"
            f"<td>{esc(' '.join(str(x) for x in (a.get('scope_level'), a.get('scope_name')) if x))}</td>"
            f'<td class="nowrap">{esc(_period(a))}</td><td class="nowrap">{esc(a.get("publish_date"))}</td>'
            f'<td class="num">{figure_counts.get(a["id"], 0)}</td><td>{badges}</td>'
            f"<td>{esc(Path(str(a.get('source') or '')).name)}</td></tr>"
        )
    cross = [f for f in findings if f.article_id is None]
    by_id = {a["id"]: a for a in articles}
    cross_items = []
    for f in sorted(cross, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule)):
        involved = [by_id[i] for i in sorted(_finding_articles(f)) if i in by_id]
        links = ", ".join(f'<a href="{esc(page_of[x["id"]])}">{esc(Path(str(x.get("source") or x["id"])).stem)}</a>'
                          for x in involved)
        cross_items.append(
            f'<li class="{esc(f.severity)}" data-provinces="{esc(" ".join(sorted({str(x.get("province")) for x in involved})))}" '
            f'data-periods="{esc(" ".join(sorted({_period(x) for x in involved})))}" data-severities="{esc(f.severity)}">'
            f'<span class="sev {esc(f.severity)}">{esc(f.severity)}</span> <span class="rule">{esc(f.rule)}</span>: '
            f"{esc(f.message)} <span class=\"evidence\">→ {links}</span></li>"
        )
    totals: dict[str, int] = defaultdict(int)
    for f in findings:
        totals[f.severity] += 1
    summary = (f"{len(articles)} article(s); findings: {totals['error']} error, {totals['warning']} warning, "
               f"{totals['info']} info")
    head = ("<tr><th>article</th><th>province</th><th>2025</th><th>scope</th><th>period</th><th>published</th>"
            "<th>figures</th><th>findings</th><th>source</th></tr>")
    body = [
        "<h1>Dân vận khéo: extracted figures for review</h1>",
        f"<p>{esc(summary)}</p>",
        '<div class="filters">',
        f'<label>Province<select id="f-province">{_options(provinces, "all provinces")}</select></label>',
        f'<label>Period<select id="f-period">{_options(periods, "all periods")}</select></label>',
        '<label>Findings<select id="f-severity"><option value="">any</option>'
        '<option value="error">with an error</option><option value="warning">with a warning</option>'
        '<option value="info">with an info</option><option value="clean">no finding</option></select></label>',
        '<span><span id="shown"></span> article(s) shown</span>',
        "</div>",
        f'<table id="articles"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>',
        "<h2>Across articles</h2>",
        ('<ul class="findings" id="across">' + "".join(cross_items) + "</ul>") if cross_items
        else '<p class="clean" id="across">No finding across articles.</p>',
    ]
    return _page("Dân vận khéo: review", "\n".join(body), INDEX_SCRIPT)


def write_report(db_path: str | Path, out_dir: str | Path) -> Path:
    """Write the index and one page per article; return the index's path.

    Findings are computed afresh (`checks.find_all`, nothing written to the database), so
    the pages agree with the figures even when `check` has not been run since the last `run`.
    """
    out = Path(out_dir)
    (out / "articles").mkdir(parents=True, exist_ok=True)
    with Store.open_existing(db_path) as store:
        store.ensure_schema()
        findings = find_all(load_corpus(store))
        articles = store.articles_frame().to_dict("records")
        articles = [{k: (None if v != v else v) for k, v in a.items()} for a in articles]  # NaN -> None
        page_of = {a["id"]: page_name(a) for a in articles}
        figure_counts: dict[str, int] = {}
        own: dict[str, list[Finding]] = defaultdict(list)
        across: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            for article_id in _finding_articles(f):
                (own if f.article_id else across)[article_id].append(f)
        for summary in articles:
            article = store.article(summary["id"]) or summary
            children = {t: store.article_children(t, summary["id"])
                        for t in ("model_counts", "awards", "dates", "officials", "places")}
            figure_counts[summary["id"]] = len(children["model_counts"]) + len(children["awards"])
            page = article_page(article, children, own.get(summary["id"], []), across.get(summary["id"], []),
                                page_of)
            (out / page_of[summary["id"]]).write_text(page, encoding="utf-8")
    index = out / "index.html"
    index.write_text(index_page(articles, findings, page_of, figure_counts), encoding="utf-8")
    return index
