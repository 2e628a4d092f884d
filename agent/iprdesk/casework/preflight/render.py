"""The preflight's result as a JSON report in one language, or a bilingual HTML page."""

import html
import re
from datetime import datetime

from iprdesk.casework.preflight.checks import Check
from iprdesk.text import i18n
from iprdesk.timeutil import iso, utc_now


def report(case, checks: list[Check], lang: str = "en",
           now: datetime | None = None) -> dict:
    ready = all(c.status == "pass" for c in checks)
    return {
        "case": case.id,
        "ready": ready,
        "summary": i18n.text("preflight.ready" if ready else "preflight.not_ready", lang),
        "checked": iso(now or utc_now()),
        "checks": [c.to_dict(lang) for c in checks],
    }


def _md_code(escaped: str) -> str:
    """`command` in a message becomes <code>command</code> (after escaping)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def render_html(case, checks: list[Check], now: datetime | None = None) -> str:
    """A self-contained page (no network, no script) in English and Chinese side by side."""
    ready = all(c.status == "pass" for c in checks)
    when = iso(now or utc_now())
    rows = []
    for c in checks:
        cells = "".join(
            f'<td lang="{lang.replace("_", "-")}">{_md_code(html.escape(c.message(lang)))}</td>'
            for lang in i18n.LANGUAGES)
        status = {lang: i18n.text(f"preflight.status.{c.status}", lang)
                  for lang in i18n.LANGUAGES}
        rows.append(f'<tr class="{c.status}"><th scope="row"><code>{html.escape(c.id)}</code>'
                    f'</th><td class="status">{html.escape(status["en"])} / '
                    f'{html.escape(status["zh_CN"])}</td>{cells}</tr>')
    verdict = " ".join(html.escape(i18n.text("preflight.ready" if ready else
                                             "preflight.not_ready", lang))
                       for lang in i18n.LANGUAGES)
    facts = [("Case / 案件", case.id), ("Complaint / 投诉", case.complaint_id),
             ("Store / 店铺", case.store_id), ("Complainant / 投诉方", case.complainant),
             ("Products / 商品", ", ".join(case.products)), ("Checked / 检查时间", when)]
    fact_rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                        for k, v in facts)
    title = f"{i18n.text('preflight.title', 'en')} / {i18n.text('preflight.title', 'zh_CN')}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}: {html.escape(case.id)}</title>
<style>
body {{ font: 15px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif;
       margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d232b; }}
h1 {{ font-size: 1.5rem; }}
.verdict {{ padding: .8rem 1rem; border-radius: 6px; font-weight: 600; }}
.verdict.ready {{ background: #e3f5e8; color: #14532d; }}
.verdict.not-ready {{ background: #fdecec; color: #7f1d1d; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; }}
th, td {{ text-align: left; vertical-align: top; padding: .45rem .6rem;
          border-bottom: 1px solid #e2e5e9; }}
tr.pass .status {{ color: #15803d; }} tr.fail .status {{ color: #b91c1c; font-weight: 600; }}
tr.unknown .status {{ color: #a16207; font-weight: 600; }}
code {{ background: #f1f3f5; padding: 0 .2rem; border-radius: 3px; }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="verdict {'ready' if ready else 'not-ready'}" data-ready="{str(ready).lower()}">
{verdict}</p>
<table class="facts">{fact_rows}</table>
<table class="checks">
<thead><tr><th>Check / 检查项</th><th>Result / 结果</th><th>English</th><th>中文</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""
