"""Written messages a seller sends, filled with the case's facts (templates in shared/drafts.json).

The message itself is English, the language of the complainant's US law firm and of Joom
support; beside each paragraph the seller gets an explanation in their own language, and the
legal terms are explained rather than machine-translated.

A letter states only what iprdesk verified: a sentence that states a fact names the preflight
checks behind it and is written only when they all passed. The preflight's results are the one
source of truth, read here, never re-derived; so are, for the counter-notice, the checks of each
sealed original (casework/case_provenance.py). Otherwise the letter holds a marked gap saying
what to write and why iprdesk could not confirm it.
"""

from datetime import datetime

from iprdesk.casework import cases
from iprdesk.config import SELLER_FIELDS
from iprdesk.errors import NotFound
from iprdesk.text import i18n, shared_data
from iprdesk.timeutil import local, parse_time, utc_now


def names() -> list[str]:
    return list(shared_data.load("drafts.json")["drafts"])


def facts(case: cases.Case, now: datetime | None = None, zone=None) -> dict:
    firm = case.law_firm if case.law_firm and not cases.same_party(
        case.law_firm, case.complainant) else None
    parties = shared_data.load("drafts.json")["parties"]
    return {
        "case_id": case.id,
        "complaint_id": case.complaint_id,
        "store_id": case.store_id,
        "complainant": case.complainant,
        # Whom the seller writes to: the law firm acting for the complainant, else the complainant.
        "addressee": case.law_firm or case.complainant,
        "parties": (parties["represented"] if firm else parties["alone"]).format(
            complainant=case.complainant, law_firm=firm),
        "products": ", ".join(case.products),
        "product_count": len(case.products),
        "type": case.type,
        # Dates as the seller lives them (`zone`, the browser's, else the machine's): a
        # complaint received at 23:00 UTC reached a seller in UTC+8 the next morning.
        "received": local(parse_time(case.events["received"]), zone).date().isoformat(),
        "today": local(now or utc_now(), zone).date().isoformat(),
    }


def _gap(data: dict, what: dict, reason: dict, checks: list[str]) -> dict:
    """A gap in the letter: `what` and `reason` are {lang: text}; the letter gets English."""
    return {
        "checks": checks,
        "text": data["gap"]["text"].format(what=what["en"], reason=reason["en"]),
        "explain": {lang: data["gap"]["explain"][lang].format(what=what[lang],
                                                                reason=reason[lang])
                    for lang in i18n.LANGUAGES},
    }


def _check_gap(data: dict, sentence: dict, values: dict, results: dict,
               reasons: dict) -> dict | None:
    """None when every check behind the sentence passed, else its gap (`reasons`: the gap
    reason texts by status). A sentence stating a seller's `setting` (the address, the phone)
    is a gap while it is not set, saying where to set it (values["audience"])."""
    if "setting" in sentence:
        if values[f"seller_{sentence['setting']}"]:
            return None
        reason = sentence["reason_browser" if values["audience"] == "browser" else "reason"]
        return _gap(data, sentence["gap"], reason, [])
    failing = [results[cid] for cid in sentence.get("requires", ())
               if results[cid].status != "pass"]
    if not failing:
        return None
    # Worded for who drafts (the browser names no command), in that language's sentences.
    reason = {lang: i18n.sentences((reasons[c.status][lang].format(
                  message=c.message(lang, values["audience"], values["zone"]))
                  for c in failing), lang)
              for lang in i18n.LANGUAGES}
    what = {lang: i18n.fill(text, **values) for lang, text in sentence["gap"].items()}
    return _gap(data, what, reason, [c.id for c in failing])


def _sentences(data: dict, sentences: list, values: dict, results: dict,
               reasons: dict) -> tuple[list[str], list[dict]]:
    texts, gaps = [], []
    for sentence in sentences:
        gap = _check_gap(data, sentence, values, results, reasons)
        texts.append(gap["text"] if gap else i18n.fill(sentence["text"], **values))
        gaps += [gap] if gap else []
    return texts, gaps


def _originals(data: dict, p: dict, values: dict, results: dict,
               originals: list) -> tuple[str, list[dict]]:
    """The paragraph citing each sealed original (case_provenance.originals), a fact about one
    written only when its check passed; with none, the gap `none`."""
    if not originals:
        none = p["none"]
        gap = _gap(data, none["what"],
                   none["reason_browser" if values["audience"] == "browser" else "reason"], [])
        return gap["text"], [gap]
    blocks, gaps = [], []
    for original in originals:
        texts, found = _sentences(data, p["originals"], {**values, **original.values},
                                  {**results, **{c.id: c for c in original.checks}},
                                  data["gap"]["original_reason"])
        blocks.append(" ".join(texts))
        gaps += found
    return "\n".join(blocks), gaps


def _cautions(template: dict, case: cases.Case) -> list[dict]:
    """What sending the letter risks, in each language; the court caution only when the case
    names a court case or a Schedule A firm."""
    cautions = list(template.get("cautions", []))
    court = case.court_case or case.schedule_a_firm()
    if court and "court_caution" in template:
        cautions.append({lang: text.format(court=court)
                         for lang, text in template["court_caution"].items()})
    return cautions


def signature(data: dict, case: cases.Case, seller: dict,
              audience: str = "cli") -> tuple[str, dict | None]:
    """The signature lines from the seller's settings, with a gap when no name is set, saying
    where to set it: the command, or (`audience` "browser") the case page's form."""
    store = data["signature"]["store"]
    store_line = (store["named"] if seller.get("store") else store["id_only"]).format(
        store_name=seller.get("store"), store_id=case.store_id)
    gap = None
    if seller.get("name"):
        name = seller["name"]
    else:
        reason = data["signature"]["reason_browser" if audience == "browser" else "reason"]
        gap = _gap(data, data["signature"]["what"], reason, [])
        name = gap["text"]
    lines = [name, seller.get("company"), store_line]
    return "\n".join(line for line in lines if line), gap


def render(case: cases.Case, name: str, checks: list, seller: dict | None = None,
           now: datetime | None = None, originals: list | None = None,
           audience: str = "cli", zone=None) -> dict:
    """The draft `name` for the case; `checks` are the case's preflight results
    (preflight.run), `seller` its signer (config.Config.seller) and `originals` the sealed
    originals a counter-notice cites (case_provenance.originals); `audience` "browser" for
    the extension's pages; `zone`, the reader's (the browser's), dates the letter and times
    its gaps' reasons (default: the machine's)."""
    data = shared_data.load("drafts.json")
    templates = data["drafts"]
    if name not in templates:
        raise NotFound(key="error.draft.unknown",
                       params={"name": name, "templates": list(templates)})
    results = {c.id: c for c in checks}
    template, values = templates[name], facts(case, now, zone)
    values["signature"], signature_gap = signature(data, case, seller or {}, audience)
    values.update({f"seller_{key}": (seller or {}).get(key) or "" for key in SELLER_FIELDS},
                  audience=audience, zone=zone)
    paragraphs = []
    for p in template["paragraphs"]:
        if "originals" in p:
            text, gaps = _originals(data, p, values, results, originals or [])
        else:
            texts, gaps = _sentences(data, p.get("sentences", [p]), values, results,
                                     data["gap"]["reason"])
            text = " ".join(texts)
        if "{signature}" in p.get("text", "") and signature_gap:
            gaps.append(signature_gap)
        paragraphs.append({"text": text, "explain": p["explain"], "gaps": gaps})
    gaps = [gap for p in paragraphs for gap in p["gaps"]]
    return {
        "id": name,
        "title": template["title"],
        "to": {lang: i18n.fill(text, **values) for lang, text in template["to"].items()},
        "subject": i18n.fill(template["subject"], **values),
        # Exactly what to paste into the e-mail or the support form, once the gaps are filled.
        "body": "\n\n".join(p["text"] for p in paragraphs),
        "paragraphs": paragraphs,
        "gaps": gaps,
        "complete": not gaps,
        "terms": template["terms"],
        # What sending it risks, for the seller in their language (never in the letter).
        "cautions": _cautions(template, case),
    }


def render_all(case: cases.Case, checks: list, seller: dict | None = None,
               now: datetime | None = None, originals: list | None = None,
               audience: str = "cli", zone=None) -> list[dict]:
    return [render(case, name, checks, seller, now, originals, audience, zone)
            for name in names()]
