"""The preflight's result as a JSON report or an HTML page, each in one language."""

import html
from datetime import datetime

from iprdesk import timeutil
from iprdesk.casework.preflight.checks import Check
from iprdesk.text import i18n
from iprdesk.timeutil import iso, utc_now


def report(case, checks: list[Check], lang: str = "en",
           now: datetime | None = None, audience: str = "cli", zone=None) -> dict:
    ready = all(c.status == "pass" for c in checks)
    return {
        "case": case.id,
        "ready": ready,
        "summary": i18n.text("preflight.ready" if ready else "preflight.not_ready", lang),
        "checked": iso(now or utc_now()),
        "checks": [c.to_dict(lang, audience, zone) for c in checks],
    }


# Shared by this page and the bundle's report, which shows the same table.
CHECKS_CSS = """
.verdict { padding: .8rem 1rem; border-radius: 6px; font-weight: 600; }
.verdict.ready { background: #e3f5e8; color: #14532d; }
.verdict.not-ready { background: #fdecec; color: #7f1d1d; }
table.checks th.title { width: 30%; }
table.checks td.status { width: 6em; }  /* one word: the details get the room */
table.checks .about { color: #4b5563; font-size: .9em; font-weight: normal; margin-top: .2rem; }
tr.pass .status { color: #15803d; } tr.fail .status { color: #b91c1c; font-weight: 600; }
tr.unknown .status { color: #a16207; font-weight: 600; }
table.checks tr { break-inside: avoid; }
"""


def checks_html(checks: list[Check], lang: str, audience: str = "cli", zone=None) -> str:
    """The verdict and a table of the checks (title, why it matters, result), in `lang`,
    worded for `audience`, its times in `zone` (default: the machine's)."""
    e = html.escape
    ready = all(c.status == "pass" for c in checks)
    rows = "\n".join(
        f'<tr class="{c.status}" data-check="{e(c.id)}"><th scope="row" class="title">'
        f'{e(c.title(lang))}<div class="about">{e(c.about(lang))}</div></th>'
        f'<td class="status">{e(i18n.text(f"preflight.status.{c.status}", lang))}</td>'
        f'<td>{i18n.as_html(c.message(lang, audience, zone))}</td></tr>' for c in checks)
    verdict = e(i18n.text("preflight.ready" if ready else "preflight.not_ready", lang))
    head = "".join(f"<th>{e(i18n.text(key, lang))}</th>"
                   for key in ("preflight.col.check", "preflight.col.result",
                               "preflight.col.details"))
    return (f'<p class="verdict {"ready" if ready else "not-ready"}" '
            f'data-ready="{str(ready).lower()}">{verdict}</p>\n'
            f'<table class="checks"><thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n'
            f'</tbody></table>')


def facts_rows(rows: list[tuple[str, str]]) -> str:
    """Label/value rows of a facts table, the labels message keys in `lang` already."""
    return "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in rows)


def render_html(case, checks: list[Check], lang: str = "en",
                now: datetime | None = None) -> str:
    """A self-contained page (no network, no script) in `lang`, times in the local zone."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    facts = [(t("report.case"), case.id), (t("report.complaint"), case.complaint_id),
             (t("report.store"), case.store_id), (t("report.complainant"), case.complainant),
             (t("report.products"), i18n.joined(case.products, lang)),
             (t("report.checked"), timeutil.shown(now or utc_now(), lang))]
    title = t("preflight.title")
    return f"""<!doctype html>
<html lang="{lang.replace("_", "-")}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(i18n.text("ui.field", lang, label=title, value=case.id))}</title>
<style>
body {{ font: 15px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
       sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d232b; }}
h1 {{ font-size: 1.5rem; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; }}
th, td {{ text-align: left; vertical-align: top; padding: .45rem .6rem;
          border-bottom: 1px solid #e2e5e9; }}
code {{ background: #f1f3f5; padding: 0 .2rem; border-radius: 3px; }}
{CHECKS_CSS}
@media print {{ body {{ margin: 0; max-width: none; font-size: 11pt; }} }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<table class="facts">{facts_rows(facts)}</table>
{checks_html(checks, lang)}
</body></html>
"""
