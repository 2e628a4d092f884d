"""The case summary at the top of a bundle's report.html (issue 13), in the user's language:
the complaint and its parties, every deadline and whether it was met, the case's timeline in
local time with its zone, the preflight's result, the new images' thumbnails, the complained
images' (as an old URL first served each, or as the seller dropped it: casework.case_images)
and the old image URLs' last checks. The vault's bundle module writes the page and knows nothing of
cases; this module, above both, gives it the section (`section`) and its styles (`CSS`).
"""

import html
from datetime import datetime
from pathlib import Path

from iprdesk import timeutil
from iprdesk.casework import case_images, case_provenance, deadlines, preflight
from iprdesk.casework.cases import Case, CaseStore, same_party
from iprdesk.casework.preflight.render import CHECKS_CSS, checks_html, facts_rows
from iprdesk.text import i18n
from iprdesk.urls.check import GONE, STILL_PUBLIC

CSS = CHECKS_CSS + """
section.summary table { margin: .6em 0 1.2em; }
section.summary th { font-weight: 600; }
/* A facts row's label; not a table's column heads (the checks' result column is one word). */
section.summary tbody th { width: 28%; }
tr.overdue td.state { color: #b91c1c; font-weight: 600; }
tr.done td.state { color: #15803d; }
.url-public { color: #b91c1c; font-weight: 600; } .url-gone { color: #15803d; }
.thumbs { display: flex; flex-wrap: wrap; gap: .6em; }
.thumbs figure { margin: 0; max-width: 180px; font-size: 12px; word-break: break-all; }
.thumbs img { max-width: 180px; max-height: 180px; }
table.provenance ul { margin: .2em 0; padding-left: 1.2em; }
table.provenance code { word-break: break-all; }
"""


def _deadline_rows(case: Case, lang: str, now: datetime, zone) -> str:
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    rows = []
    for item in case.deadline_states(now):
        due = timeutil.shown(item["due"], lang, zone=zone) if item["due"] else "—"
        rows.append(f'<tr class="{html.escape(item["state"])}"><th>'
                    f'{html.escape(item["label"][lang])}</th><td>{html.escape(due)}</td>'
                    f'<td class="state">{html.escape(t("case.state." + item["state"]))}</td>'
                    "</tr>")
    head = "".join(f"<th>{html.escape(t(k))}</th>" for k in (
        "bundle.col.deadline", "bundle.col.due", "bundle.col.state"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _timeline(case: Case, lang: str, zone) -> str:
    names = deadlines.event_names()
    events = sorted(case.events.items(), key=lambda kv: timeutil.parse_time(kv[1]))
    rows = [(timeutil.shown(when, lang, zone=zone), names[name][lang]) for name, when in events
            if name in names]
    return f"<table>{facts_rows(rows)}</table>"


def _url_checks(results: list[dict] | None, lang: str, zone) -> str:
    if not results:
        return f"<p>{html.escape(i18n.text('bundle.no_url_checks', lang))}</p>"
    rows = []
    for r in results:
        verdict = r.get("verdict")
        word = i18n.text(f"bundle.verdict.{verdict or 'pending'}", lang)
        cls = "url-public" if verdict in STILL_PUBLIC else "url-gone" if verdict in GONE else ""
        when = timeutil.shown(r["checked_at"], lang, zone=zone) if r.get("checked_at") else "—"
        rows.append(f'<tr><td><code>{html.escape(r["url"])}</code></td>'
                    f'<td class="{cls}">{html.escape(word)}</td><td>{html.escape(when)}</td></tr>')
    head = "".join(f"<th>{html.escape(i18n.text(k, lang))}</th>" for k in (
        "bundle.col.url", "bundle.col.verdict", "bundle.col.checked"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _document(role: str, document, lang: str) -> str:
    """One document behind a provenance record: its role and name, its SHA-256."""
    named = i18n.text("ui.field", lang, label=i18n.text(f"provenance.role.{role}", lang),
                      value=document.name or document.item)
    return (f'<li>{html.escape(named)}<br><span class="muted">SHA-256 '
            f'<code>{html.escape(document.sha256 or "-")}</code></span></li>')


def _provenance(records: list | None, lang: str) -> str:
    """Where the case's images come from, with the documents behind each (in the bundle when
    it carries them: `records` None means it does not)."""
    if records is None:
        return ""
    t = lambda key, **kw: html.escape(i18n.text(key, lang, **kw))  # noqa: E731
    if not records:
        return f'<h3>{t("bundle.provenance")}</h3><p>{t("bundle.no_provenance")}</p>'
    rows = []
    for record in records:
        origin = t(f"provenance.origin.{record.origin or 'unset'}")
        documents = "".join(_document(role, d, lang) for role in case_provenance.BUNDLED_ROLES
                            for d in record.documents.get(role, []))
        rows.append(f'<tr><th>{html.escape(record.name or record.image[:12])}</th>'
                    f'<td>{origin}<ul>{documents}</ul></td></tr>')
    return (f'<h3>{t("bundle.provenance")}</h3><p class="muted">{t("bundle.provenance_about")}'
            f'</p><table class="provenance">{"".join(rows)}</table>')


def _figures(pictures: list[tuple[str, str]]) -> str:
    """(caption, data: URI) pairs as figures."""
    return "".join(f'<figure><img alt="" src="{html.escape(uri)}"><figcaption>'
                   f"{html.escape(caption)}</figcaption></figure>" for caption, uri in pictures)


def section(home: Path, case: Case, vault, lang: str, now: datetime,
            thumbnails: list[tuple[str, str]], records: list | None = None,
            audience: str = "cli", zone=None) -> str:
    """The summary section of the report of `case`'s bundle, in `lang`. `thumbnails`: (file in
    the bundle, data: URI) of the case's new images (product photos); `records`: the
    provenance records whose documents the bundle carries (None: it carries none);
    `audience` and `zone`: who exported it (the browser names no command; its checks are
    worded for a report, which has no "below") and in which zone its reader reads times
    (default: the machine's)."""
    t = lambda key, **kw: html.escape(i18n.text(key, lang, **kw))  # noqa: E731
    inputs = preflight.gather(home, case, vault=vault)
    checks = preflight.run(case, inputs, now)
    facts = [(i18n.text("report.complaint", lang), case.complaint_id),
             (i18n.text("case.field.type", lang), i18n.text(f"case.type.{case.type}", lang)),
             (i18n.text("report.complainant", lang), case.complainant),
             *([(i18n.text("case.field.law_firm", lang), case.law_firm)]
               if case.law_firm and not same_party(case.law_firm, case.complainant) else []),
             (i18n.text("report.store", lang), case.store_id),
             (i18n.text("report.products", lang), i18n.joined(case.products, lang))]
    if case.court_case:
        facts.append((i18n.text("bundle.court_case", lang), case.court_case))
    firm = case.schedule_a_firm()
    warning = f'<p class="muted">{t("case.schedule_a", firm=firm)}</p>' if firm else ""
    images = (f'<div class="thumbs">{_figures(thumbnails)}</div>' if thumbnails
              else f"<p>{t('bundle.no_new_images')}</p>")
    # The complained pictures as iprdesk kept them (a URL that never served one has none).
    kept = [(p["url"] if p["source"] == "url" else p["name"], p["thumbnail"])
            for p in case_images.page_images(home, case, new=False)["complained"]
            if p["thumbnail"]]
    complained = (f'<p class="muted">{t("bundle.complained_kept")}</p>'
                  f'<div class="thumbs complained">{_figures(kept)}</div>' if kept
                  else f'<p class="muted">{t("bundle.no_complained_images")}</p>')
    return f"""<section class="summary">
<h2>{t("bundle.summary")}</h2>
<table>{facts_rows(facts)}</table>{warning}
<h3>{t("bundle.deadlines")}</h3>
{_deadline_rows(case, lang, now, zone)}
<h3>{t("bundle.timeline")}</h3>
{_timeline(case, lang, zone)}
<h3>{t("bundle.preflight")}</h3>
<p class="muted">{t("ui.field", label=i18n.text("report.checked", lang),
                      value=timeutil.shown(now, lang, zone=zone))}</p>
{checks_html(checks, lang, "report" if audience == "browser" else audience, zone)}
<h3>{t("bundle.new_images")}</h3>
{images}
<h3>{t("bundle.complained_images")}</h3>
{complained}
{_provenance(records, lang)}
<h3>{t("bundle.url_checks")}</h3>
{_url_checks(inputs.url_results, lang, zone)}
</section>"""


def provenance(home: Path, case_id: str | None, vault) -> tuple[list | None, list[str]]:
    """What a bundle of `case_id` carries to prove its images' provenance: the records (for
    `for_case`) and the vault items behind them (export_bundle's `also`)."""
    if case_id is None:
        return None, []
    return case_provenance.bundled_items(home, CaseStore(home).get(case_id), vault)


def complaint_of(home: Path, case_id: str | None) -> str | None:
    """The complaint ID the bundle's report names `case_id` by (export_bundle's `complaint`)."""
    return CaseStore(home).get(case_id).complaint_id if case_id else None


def for_case(home: Path, case_id: str | None, vault, lang: str, now: datetime,
             records: list | None = None, audience: str = "cli", zone=None):
    """The `summary` export_bundle takes for the bundle of `case_id` (None: no case, none);
    `records`, the provenance records whose documents it carries (`provenance`); `audience`
    and `zone` as `section` takes them."""
    if case_id is None:
        return None
    case = CaseStore(home).get(case_id)
    return lambda thumbnails: (f"<style>{CSS}</style>\n"
                               + section(home, case, vault, lang, now, thumbnails, records,
                                         audience, zone))
