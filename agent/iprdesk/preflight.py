"""Appeal preflight: will Joom reject this appeal, and why?

Reads the case's settlement agreement and payment proof (text via pypdf), the results of the
image and URL checks, and the case's deadlines, and answers one check per known rejection
reason (DESIGN section 1). A check is `pass` only on positive evidence: a scanned PDF with no
text, a locked vault or a check that has not run yet is `unknown` and says what to do, never
`pass`. Every message exists in English and Chinese (shared/messages).
"""

import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from iprdesk import cases, i18n, metadata, similar, urlwatch
from iprdesk.errors import BadInput
from iprdesk.vault import Vault

CHECK_IDS = (
    "agreement.names_joom", "agreement.store_id", "agreement.products", "agreement.release",
    "payment.memo", "payment.amount_date",
    "images.clean", "images.replaced", "urls.dead",
    "deadline",
)
# Fewer letters and digits than this on all pages: a scan or photo with no text layer.
MIN_TEXT_CHARS = 20
MAX_LISTED = 12


@dataclass
class Document:
    name: str
    data: bytes


@dataclass
class Inputs:
    """What the preflight looks at. A document list of None means the documents could not be
    read at all, for the reason in `documents_problem` (a message key)."""

    agreement: list[Document] | None = None
    payment: list[Document] | None = None
    documents_problem: str | None = None
    new_images: list[Path] = field(default_factory=list)
    complained_images: list[Path] = field(default_factory=list)
    # Dead-URL verdicts for the case ({"url", "verdict", "checked_at"}; verdict None: watched,
    # not checked yet), from the agent's watch list and the vault; None if there are none.
    url_results: list[dict] | None = None


@dataclass
class Check:
    id: str
    status: str
    # Message keys with their parameters; a parameter may be {lang: value}.
    parts: list[tuple[str, dict]]

    def message(self, lang: str) -> str:
        return " ".join(
            i18n.text(key, lang, **{k: v[lang] if isinstance(v, dict) else v
                                    for k, v in params.items()})
            for key, params in self.parts
        )

    def to_dict(self, lang: str) -> dict:
        return {"id": self.id, "status": self.status, "message": self.message(lang),
                "messages": {lang_: self.message(lang_) for lang_ in i18n.LANGUAGES}}


# --- reading the documents -------------------------------------------------------------------

@dataclass
class ReadDocuments:
    text: str
    # (status, message key, params) for each document that could not be read.
    problems: list[tuple[str, str, dict]]
    readable: int


def pdf_text(doc: Document) -> tuple[str | None, tuple[str, str, dict] | None]:
    """The document's text, or the reason it has none."""
    from pypdf import PdfReader

    if b"%PDF-" not in doc.data[:1024]:
        return None, ("unknown", "preflight.doc.not_pdf", {"file": doc.name})
    try:
        reader = PdfReader(io.BytesIO(doc.data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None, ("unknown", "preflight.doc.encrypted", {"file": doc.name})
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - see below
        # pypdf raises whatever a damaged file makes it raise: its own errors (a size past
        # its limits is LimitReachedError, not a PdfReadError), and AttributeError, KeyError,
        # TypeError... from a dictionary that is a number: each means this file is unreadable.
        problem = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        return None, ("fail", "preflight.doc.damaged", {"file": doc.name, "problem": problem})
    if sum(ch.isalnum() for ch in text) < MIN_TEXT_CHARS:
        return None, ("unknown", "preflight.doc.scanned", {"file": doc.name})
    return text, None


def read_documents(docs: list[Document]) -> ReadDocuments:
    texts, problems = [], []
    for doc in docs:
        text, problem = pdf_text(doc)
        if problem:
            problems.append(problem)
        else:
            texts.append(text)
    return ReadDocuments("\n".join(texts), problems, len(texts))


def _mentions(text: str, needle: str) -> bool:
    """An ID in the text as a whole word, also when the PDF broke it across lines."""
    pattern = rf"(?<![A-Za-z0-9]){re.escape(needle)}(?![A-Za-z0-9])"
    if re.search(pattern, text, re.IGNORECASE):
        return True
    return needle.lower() in re.sub(r"\s+", "", text).lower()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;:])\s+|\n\s*\n", " ".join(text.split("\n")))
            if s.strip()]


JOOM = re.compile(r"\bjoom\b", re.IGNORECASE)
# Joom the company, not "Joom store 123" or "Joom listings": a word like these after it makes
# Joom an adjective describing the seller's side.
JOOM_ENTITY = re.compile(
    r"\bjoom\b(?!['’]?s?\s+(store|shop|marketplace|platform|listings?|merchant|seller|account|"
    r"panel|products?|cdn|images?)\b)", re.IGNORECASE)
PARTY_OR_RELEASE = re.compile(
    r"\b(part(y|ies)|between|releas\w*|discharg\w*|beneficiar\w*|indemnif\w*|covenant not to "
    r"sue|successors|affiliates|marketplaces?\s+(including|such as))\b", re.IGNORECASE)
RELEASE = re.compile(r"\b(releas\w*|discharg\w*|waive\w*|covenant not to sue)\b", re.IGNORECASE)
PAST = re.compile(
    r"\b((past|prior|previous|all|any)\s+(sales?|sold|conduct|acts|use|infringement|claims)|"
    r"heretofore|prior to the (effective )?date|before the (effective )?date|"
    r"up to (and including )?the (effective )?date|from the beginning of (the )?world|"
    r"whether known or unknown)\b", re.IGNORECASE)
MEMO = re.compile(r"joom\s*settlement", re.IGNORECASE)
PAYEE = re.compile(r"(\b(payee|beneficiary|recipient|pay to|paid to|creditor)\b|收款人|收款方)",
                   re.IGNORECASE)
AMOUNT = re.compile(
    r"((USD|US\$|CNY|RMB|EUR|GBP|\$|¥|€|£)\s?\d[\d,]*(\.\d{1,2})?|"
    r"\d[\d,]*(\.\d{1,2})?\s?(USD|CNY|RMB|EUR|GBP|元|美元))", re.IGNORECASE)
DATE = re.compile(
    r"(\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|"
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b|"
    r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b)",
    re.IGNORECASE)


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" (+{len(items) - MAX_LISTED})" if len(items) > MAX_LISTED else "")


def check_names_joom(text: str, case) -> tuple[str, str, dict]:
    if not JOOM.search(text):
        return "fail", "preflight.agreement.names_joom.fail_absent", {}
    for sentence in _sentences(text):
        if JOOM_ENTITY.search(sentence) and PARTY_OR_RELEASE.search(sentence):
            return "pass", "preflight.agreement.names_joom.pass", {}
    return "fail", "preflight.agreement.names_joom.fail_marketplace", {}


def check_store_id(text: str, case) -> tuple[str, str, dict]:
    status = "pass" if _mentions(text, case.store_id) else "fail"
    return status, f"preflight.agreement.store_id.{status}", {"store": case.store_id}


def check_products(text: str, case) -> tuple[str, str, dict]:
    missing = [p for p in case.products if not _mentions(text, p)]
    if not missing:
        return "pass", "preflight.agreement.products.pass", {"count": len(case.products)}
    return "fail", "preflight.agreement.products.fail", {
        "count": len(case.products), "missing_count": len(missing), "missing": _listed(missing)}


def check_release(text: str, case) -> tuple[str, str, dict]:
    if not RELEASE.search(text):
        return "fail", "preflight.agreement.release.fail_absent", {}
    for sentence in _sentences(text):
        if RELEASE.search(sentence) and PAST.search(sentence):
            return "pass", "preflight.agreement.release.pass", {}
    return "fail", "preflight.agreement.release.fail_past", {}


def check_memo(text: str, case) -> tuple[str, str, dict]:
    params = {"store": case.store_id}
    phrases = list(MEMO.finditer(text))
    if not phrases:
        return "fail", "preflight.payment.memo.fail_phrase", params
    # The store ID belongs to the memo: right after the phrase (or just before it).
    for match in phrases:
        window = text[max(0, match.start() - 40): match.end() + 80]
        if _mentions(window, case.store_id):
            return "pass", "preflight.payment.memo.pass", params
    return "fail", "preflight.payment.memo.fail_store", params


def check_amount_date(text: str, case) -> tuple[str, str, dict]:
    found = {"payee": PAYEE.search(text) or _mentions(text, case.complainant),
             "amount": AMOUNT.search(text), "date": DATE.search(text)}
    missing = [part for part, hit in found.items() if not hit]
    if not missing:
        return "pass", "preflight.payment.amount_date.pass", {}
    return "fail", "preflight.payment.amount_date.fail", {
        "missing": {lang: ", ".join(i18n.text(f"preflight.part.{p}", lang) for p in missing)
                    for lang in i18n.LANGUAGES}}


AGREEMENT_CHECKS = {
    "agreement.names_joom": check_names_joom,
    "agreement.store_id": check_store_id,
    "agreement.products": check_products,
    "agreement.release": check_release,
}
PAYMENT_CHECKS = {
    "payment.memo": check_memo,
    "payment.amount_date": check_amount_date,
}


def document_checks(kind: str, docs: list[Document] | None, problem: str | None,
                    checks: dict, case) -> list[Check]:
    if docs is None:
        key = problem or "preflight.doc.locked"
        return [Check(cid, "unknown", [(key, {"case": case.id})]) for cid in checks]
    if not docs:
        return [Check(cid, "fail", [(f"preflight.doc.missing.{kind}", {"case": case.id})])
                for cid in checks]
    read = read_documents(docs)
    doc_parts = [(key, params) for _, key, params in read.problems]
    unreadable = any(status == "unknown" for status, _, _ in read.problems)
    results = []
    for cid, check in checks.items():
        if not read.readable:
            status = "unknown" if unreadable else "fail"
            results.append(Check(cid, status, doc_parts))
            continue
        status, key, params = check(read.text, case)
        # Text we could not read may hold what is missing: say so instead of failing.
        if status == "fail" and unreadable:
            status = "unknown"
        parts = [(key, params)] + (doc_parts if status != "pass" else [])
        results.append(Check(cid, status, parts))
    return results


# --- images, URLs, deadline ------------------------------------------------------------------

def _names(paths: list[Path]) -> str:
    return _listed([Path(p).name for p in paths])


def images_clean_check(inputs: Inputs) -> Check:
    if not inputs.new_images:
        return Check("images.clean", "unknown", [("preflight.images.clean.no_images", {})])
    dirty, unreadable = [], []
    for path in inputs.new_images:
        try:
            if not metadata.inspect_image(Path(path).read_bytes(), Path(path).name).clean:
                dirty.append(path)
        except (BadInput, OSError):
            unreadable.append(path)
    if dirty:
        return Check("images.clean", "fail", [("preflight.images.clean.fail",
                                               {"count": len(dirty), "files": _names(dirty)})])
    if unreadable:
        return Check("images.clean", "unknown", [("preflight.images.unreadable",
                                                  {"files": _names(unreadable)})])
    return Check("images.clean", "pass", [("preflight.images.clean.pass",
                                           {"count": len(inputs.new_images)})])


def images_replaced_check(inputs: Inputs) -> Check:
    if not (inputs.new_images and inputs.complained_images):
        return Check("images.replaced", "unknown", [("preflight.images.replaced.no_images", {})])
    references, unreadable = [], []
    for path, fingerprint, _ in similar.fingerprint_many(inputs.complained_images, workers=1):
        if fingerprint is None:
            unreadable.append(path)
        else:
            references.append((Path(path).name, fingerprint))
    matches, failed = similar.audit(inputs.new_images, references, workers=1)
    unreadable += [path for path, _ in failed]
    if matches:
        files = _listed([f"{Path(m.path).name} ≈ {m.complained}" for m in matches])
        return Check("images.replaced", "fail", [("preflight.images.replaced.fail",
                                                  {"files": files})])
    if unreadable:
        return Check("images.replaced", "unknown", [("preflight.images.unreadable",
                                                     {"files": _names(unreadable)})])
    return Check("images.replaced", "pass", [("preflight.images.replaced.pass",
                                              {"count": len(inputs.new_images)})])


GONE = ("dead", "placeholder")
STILL_PUBLIC = ("live", "stale-cache")


def urls_dead_check(case, inputs: Inputs) -> Check:
    results = inputs.url_results or []
    urls = list(dict.fromkeys([*case.old_urls, *(r["url"] for r in results)]))
    if urls and inputs.url_results is None and inputs.documents_problem == "preflight.doc.locked":
        return Check("urls.dead", "unknown", [("preflight.doc.locked", {"case": case.id})])
    if not urls:
        return Check("urls.dead", "unknown", [("preflight.urls.dead.no_urls", {"case": case.id})])
    latest = {}
    for result in sorted(results, key=lambda r: r.get("checked_at") or ""):
        # A URL watched but not checked yet has no verdict: it must not hide a real one.
        if result.get("verdict") or result["url"] not in latest:
            latest[result["url"]] = result.get("verdict")
    public = [u for u in urls if latest.get(u) in STILL_PUBLIC]
    if public:
        return Check("urls.dead", "fail", [("preflight.urls.dead.fail",
                                            {"count": len(public), "urls": _listed(public)})])
    unchecked = [u for u in urls if latest.get(u) is None]
    if unchecked:
        return Check("urls.dead", "unknown", [("preflight.urls.dead.not_checked",
                                               {"case": case.id})])
    unclear = [u for u in urls if latest[u] not in GONE]
    if unclear:
        return Check("urls.dead", "unknown", [("preflight.urls.dead.unclear",
                                               {"urls": _listed(unclear)})])
    return Check("urls.dead", "pass", [("preflight.urls.dead.pass", {"count": len(urls)})])


def deadline_check(case, now: datetime | None) -> Check:
    running = [d for d in cases.deadlines(case, now) if d["kind"] == "deadline"]
    overdue = [d for d in running if d["state"] == "overdue"]
    if overdue:
        first = min(overdue, key=lambda d: d["seconds_left"])
        return Check("deadline", "fail", [("preflight.deadline.fail",
                                           {"label": first["label"], "due": first["due"]})])
    upcoming = [d for d in running if d["state"] in ("ok", "warning", "urgent")]
    if not upcoming:
        return Check("deadline", "pass", [("preflight.deadline.pass_none", {})])
    first = min(upcoming, key=lambda d: d["seconds_left"])
    return Check("deadline", "pass", [("preflight.deadline.pass",
                                       {"label": first["label"], "due": first["due"]})])


# --- gathering the inputs ------------------------------------------------------------------

def _url_results(raw: bytes) -> list[dict]:
    """Dead-URL results as recorded by `check-urls --record`: one result or a list."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return []
    if isinstance(value, dict):
        value = value.get("results", [value])
    return [r for r in value if isinstance(r, dict) and isinstance(r.get("url"), str)]


def gather(home: Path, case, *, agreement: list[Document] | None = None,
           payment: list[Document] | None = None, new_images=(), complained_images=(),
           vault=None) -> Inputs:
    """The preflight's inputs: documents given directly win; the rest come from the case's
    evidence in the vault when it is unlocked (`vault`), else they are reported unreadable."""
    inputs = Inputs(agreement=agreement, payment=payment, new_images=list(new_images),
                    complained_images=list(complained_images))
    # The agent's scheduled re-checks of the case's old URLs (readable without the vault).
    watched = urlwatch.WatchList(home).list(case.id)
    if watched:
        inputs.url_results = [{"url": w.url, **{k: (w.last or {}).get(k)
                                                for k in ("verdict", "checked_at")}}
                              for w in watched]
    if vault is None or not vault.unlocked:
        inputs.documents_problem = ("preflight.doc.locked" if Vault.exists(home)
                                    else "preflight.doc.no_vault")
        return inputs
    for kind in ("agreement", "payment"):
        if getattr(inputs, kind) is None:
            setattr(inputs, kind, [Document(item.original_name or item.id, vault.read(item.id))
                                   for item in vault.list(case=case.id, kind=kind)])
    recorded = vault.list(case=case.id, kind="url-check")
    if recorded:
        inputs.url_results = (inputs.url_results or []) + [
            r for item in recorded for r in _url_results(vault.read(item.id))]
    return inputs


# --- the report ------------------------------------------------------------------------------

def run(case, inputs: Inputs, now: datetime | None = None) -> list[Check]:
    checks = [
        *document_checks("agreement", inputs.agreement, inputs.documents_problem,
                         AGREEMENT_CHECKS, case),
        *document_checks("payment", inputs.payment, inputs.documents_problem,
                         PAYMENT_CHECKS, case),
        images_clean_check(inputs),
        images_replaced_check(inputs),
        urls_dead_check(case, inputs),
        deadline_check(case, now),
    ]
    assert tuple(c.id for c in checks) == CHECK_IDS
    return checks


def report(case, checks: list[Check], lang: str = "en",
           now: datetime | None = None) -> dict:
    ready = all(c.status == "pass" for c in checks)
    return {
        "case": case.id,
        "ready": ready,
        "summary": i18n.text("preflight.ready" if ready else "preflight.not_ready", lang),
        "checked": cases.iso(now or cases.now_utc()),
        "checks": [c.to_dict(lang) for c in checks],
    }


def _md_code(escaped: str) -> str:
    """`command` in a message becomes <code>command</code> (after escaping)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def render_html(case, checks: list[Check], now: datetime | None = None) -> str:
    """A self-contained page (no network, no script) in English and Chinese side by side."""
    ready = all(c.status == "pass" for c in checks)
    when = cases.iso(now or cases.now_utc())
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
