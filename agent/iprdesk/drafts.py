"""Written messages a seller sends, filled with the case's facts (templates in shared/drafts.json).

The message itself is English, the language of the complainant's US law firm and of Joom
support; beside each paragraph the seller gets an explanation in their own language, and the
legal terms are explained rather than machine-translated.
"""

from datetime import datetime

from iprdesk import cases, shared_data
from iprdesk.errors import NotFound


def names() -> list[str]:
    return list(shared_data.load("drafts.json")["drafts"])


def facts(case: cases.Case, now: datetime | None = None) -> dict:
    return {
        "case_id": case.id,
        "complaint_id": case.complaint_id,
        "store_id": case.store_id,
        "complainant": case.complainant,
        "products": ", ".join(case.products),
        "product_count": len(case.products),
        "type": case.type,
        "received": case.events["received"][:10],
        "today": cases.iso(now or cases.now_utc())[:10],
    }


def render(case: cases.Case, name: str, now: datetime | None = None) -> dict:
    templates = shared_data.load("drafts.json")["drafts"]
    if name not in templates:
        raise NotFound(f"No draft {name!r}; drafts: {', '.join(templates)}")
    template, values = templates[name], facts(case, now)
    paragraphs = [{"text": p["text"].format(**values), "explain": p["explain"]}
                  for p in template["paragraphs"]]
    subject = template["subject"].format(**values)
    return {
        "id": name,
        "title": template["title"],
        "to": {lang: text.format(**values) for lang, text in template["to"].items()},
        "subject": subject,
        # Exactly what to paste into the e-mail or the support form.
        "body": "\n\n".join(p["text"] for p in paragraphs),
        "paragraphs": paragraphs,
        "terms": template["terms"],
    }


def render_all(case: cases.Case, now: datetime | None = None) -> list[dict]:
    return [render(case, name, now) for name in names()]
