"""Opening a case from the complaint notice: Joom's e-mail (pasted text or an `.eml`) or the
TRO / complaint PDF a law firm's court filing came as.

`read_notice` proposes the case's fields, each with where it was found (the part of the notice
and the words there) and how sure the reading is: `high` when the notice labels the value
("Complaint ID: ...", a mail's Date header), `medium` when it is inferred (an ID in a Panel
link, copyright from the wording). What the notice does not say stays empty: nothing is
guessed. A time without a zone is not a moment: it is reported, not used. The seller confirms
or corrects each field; then `create_case` opens the case as `case new` does.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from iprdesk.casework import cases
from iprdesk.documents.mail import looks_like_mail, read_mail
from iprdesk.documents.pdf import is_pdf, read_pdf
from iprdesk.errors import BadInput

FIELDS = ("complaint_id", "complainant", "law_firm", "products", "received", "court_case",
          "type", "store_id")
MAX_NOTICE_BYTES = 20 << 20
EXCERPT_CHARS = 160


@dataclass
class Found:
    value: object = None
    part: str | None = None  # subject, from, date_header, body, forwarded, text, pdf_page_N
    excerpt: str | None = None  # the notice's own words the value was read from
    confidence: str | None = None  # high | medium
    problem: str | None = None  # e.g. no_zone: a time was found but its zone was not

    def to_dict(self) -> dict:
        return {"value": self.value, "confidence": self.confidence, "problem": self.problem,
                "source": None if self.part is None else {"part": self.part,
                                                          "excerpt": self.excerpt}}


@dataclass
class Notice:
    format: str  # mail, pdf, text
    fields: dict[str, Found] = field(default_factory=dict)
    problem: str | None = None  # the PDF reader's (scanned, encrypted, damaged...)

    def to_dict(self) -> dict:
        return {"format": self.format, "problem": self.problem,
                "fields": {name: self.fields.get(name, Found()).to_dict() for name in FIELDS},
                "schedule_a_firm": self.value("law_firm")}

    def value(self, name: str):
        return self.fields.get(name, Found()).value


# --- the patterns ------------------------------------------------------------------------

SEP = r"\s*[:：#]?\s*"
COMPLAINT_ID = re.compile(
    r"(?:complaint\s*(?:id|number|no\.?|#)|ipr\s*complaint\s*id|投诉\s*(?:编号|单号|ID|号码?))"
    + SEP + r"([A-Za-z0-9][A-Za-z0-9-]{3,63})(?![A-Za-z0-9-])", re.IGNORECASE)
COMPLAINT_LINK = re.compile(r"merchant\.joom\.com/\S*?complaints?/([A-Za-z0-9]{6,64})",
                            re.IGNORECASE)
PRODUCTS_LABEL = re.compile(
    r"^\W*(?:affected\s+)?(?:product\s*ids?|products?|listings?|商品\s*(?:ID|编号)?|"
    r"产品\s*(?:ID|编号)?)\s*[:：]\s*(.*)$", re.IGNORECASE)
PRODUCT_LINK = re.compile(r"joom\.com/\S*?products?/([0-9a-f]{24})(?![0-9a-f])", re.IGNORECASE)
PRODUCT_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]{5,63}"
                           r"(?![A-Za-z0-9])")
COMPLAINANT = re.compile(
    r"^\W*(?:complainant|rights?\s*holder|right\s*owner|copyright\s*(?:owner|holder)|"
    r"brand\s*owner|reported\s+by|投诉方|投诉人|权利人|权利方|著作权人|原告)\s*[:：]\s*(.{2,200}?)\s*$",
    re.IGNORECASE | re.MULTILINE)
PLAINTIFF = re.compile(r"^\s*([A-Z0-9][^\n]{1,150}?),?\s*\n?\s*Plaintiffs?\s*[,.]",
                       re.MULTILINE)
FIRM_LABEL = re.compile(r"^\W*(?:law\s*firm|counsel|attorneys?|代理律所|律师事务所|律所)\s*[:：]\s*"
                        r"(.{2,200}?)\s*$", re.IGNORECASE | re.MULTILINE)
COURT_CASE = re.compile(r"(?:case|civil\s+action)\s*(?:no\.?|number|#)\s*[:：]?\s*"
                        r"(\d{1,2}:\d{2}-cv-\d{3,6}(?:-[A-Za-z]{2,5})*)", re.IGNORECASE)
COURT_CASE_BARE = re.compile(r"(?<![\w:])(\d{1,2}:\d{2}-cv-\d{3,6})(?![\w-])", re.IGNORECASE)
COURT_CASE_CN = re.compile(r"案号\s*[:：]?\s*([（(]\d{4}[）)][^\s，。；]{2,30}?号)")
COURT_CASE_CN_BARE = re.compile(r"([（(]\d{4}[）)][\u4e00-\u9fa5]{1,4}\d{0,6}[\u4e00-\u9fa5]{1,3}"
                                r"\d{1,7}号)")
STORE_ID = re.compile(
    r"(?:store|shop|merchant)\s*id\s*[:：]\s*([A-Za-z0-9][A-Za-z0-9-]{3,63})|"
    r"店铺\s*(?:ID|编号)\s*[:：]\s*([A-Za-z0-9][A-Za-z0-9-]{3,63})", re.IGNORECASE)
TIME_LABEL = re.compile(
    r"^\W*(?:date|sent|received|time|发送时间|收到时间|投诉时间|日期|时间)\s*[:：]\s*"
    r"(.{6,80}?)\s*$", re.IGNORECASE | re.MULTILINE)
FORWARDED = re.compile(
    r"^[\s>-]*(?:-+\s*)?(?:forwarded\s+message|original\s+message|"
    r"begin\s+forwarded\s+message|转发的邮件|原始邮件|转发邮件)", re.IGNORECASE | re.MULTILINE)
TYPE_CUES = {
    "copyright": re.compile(r"\bcopyright|\bphotograph|\bimages?\b|版权|著作权|图片",
                            re.IGNORECASE),
    "trademark": re.compile(r"\btrademark|\bbrand\s+name|\blogo\b|商标", re.IGNORECASE),
}
NUMERIC_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:T|\s)\s*(\d{1,2}):(\d{2})"
    r"(?::(\d{2}))?\s*(?:(Z\b|UTC|GMT)\s*)?([+-]\d{1,2}(?::?\d{2})?)?\s*[(（]?\s*(北京时间)?",
    re.IGNORECASE)


def _excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT_CHARS else line[:EXCERPT_CHARS - 1] + "…"


def _line_of(text: str, match: re.Match) -> str:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return _excerpt(text[start:end if end >= 0 else len(text)])


def moment(text: str) -> tuple[datetime | None, bool]:
    """(the time `text` gives, True) when it has a zone; (None, True) when it holds a time
    without a zone; (None, False) when it holds no time."""
    match = NUMERIC_TIME.search(text)
    if match:
        year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
        second = int(match.group(6) or 0)
        zone = None
        if match.group(8):
            sign = -1 if match.group(8)[0] == "-" else 1
            digits = match.group(8)[1:].replace(":", "")
            hours, minutes = (int(digits), 0) if len(digits) <= 2 else \
                (int(digits[:-2]), int(digits[-2:]))
            zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
        elif match.group(7):
            zone = UTC
        elif match.group(9):
            zone = timezone(timedelta(hours=8))  # 北京时间 is UTC+8
        try:
            at = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None, False
        return (at.replace(tzinfo=zone), True) if zone else (None, True)
    try:
        parsed = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return (parsed, True) if parsed.tzinfo else (None, True)
    # "Mon, Mar 2, 2026 at 10:15 AM", "2026年3月2日 10:15": a clock time, but whose clock?
    has_clock = re.search(r"\d{1,2}:\d{2}", text) and re.search(r"\d{4}", text)
    return None, bool(has_clock)


# --- reading -----------------------------------------------------------------------------

def _parts(data: bytes) -> tuple[str, list[tuple[str, str]], dict, str | None]:
    """(format, [(part, text)], what the mail's headers give, the PDF reader's problem)."""
    if is_pdf(data):
        read = read_pdf(data)
        pages = [(f"pdf_page_{n}", page) for n, page in enumerate(read.pages, 1) if page.strip()]
        return "pdf", pages, {}, read.problem
    if looks_like_mail(data):
        mail = read_mail(data)
        body = mail.text
        parts = [("subject", mail.subject), ("from", mail.sender)]
        forward = FORWARDED.search(body)
        if forward:
            parts += [("body", body[:forward.start()]), ("forwarded", body[forward.start():])]
        else:
            parts.append(("body", body))
        return "mail", parts, {"date": mail.date, "date_header": mail.date_header,
                               "forwarded": bool(forward)}, None
    if b"\x00" in data[:4096]:
        raise BadInput(key="error.notice.unknown_format")
    for encoding in ("utf-8", "gb18030"):
        try:
            return "text", [("text", data.decode(encoding).lstrip("\ufeff"))], {}, None
        except UnicodeDecodeError:
            continue
    raise BadInput(key="error.notice.encoding")


def _first(parts, pattern: re.Pattern, confidence: str, group=1) -> Found | None:
    for part, text in parts:
        for match in pattern.finditer(text):
            value = next((g for g in (match.groups() if group is None else (match.group(group),))
                          if g), None)
            if value:
                return Found(value.strip(), part, _line_of(text, match), confidence)
    return None


def _products(parts) -> Found | None:
    for part, text in parts:
        lines = text.splitlines()
        for n, line in enumerate(lines):
            match = PRODUCTS_LABEL.match(line)
            if not match:
                continue
            found = PRODUCT_TOKEN.findall(match.group(1))
            taken = [line]
            for following in lines[n + 1:n + 1 + cases.MAX_PRODUCTS]:
                tokens = PRODUCT_TOKEN.findall(following)
                # A list under the label: lines holding IDs and little else (bullets, commas).
                if found and not following.strip() or not tokens or \
                        len(re.sub(r"[\W_]", "", following)) > sum(map(len, tokens)) + 2:
                    break
                found += tokens
                taken.append(following)
            if found:
                return Found(list(dict.fromkeys(found)), part, _excerpt(" ".join(taken)), "high")
    linked = [(part, text, m) for part, text in parts for m in PRODUCT_LINK.finditer(text)]
    if linked:
        part, text, first = linked[0]
        return Found(list(dict.fromkeys(m.group(1) for _, _, m in linked)), part,
                     _line_of(text, first), "medium")
    return None


def _law_firm(parts) -> Found | None:
    for part, text in parts:
        for line in text.splitlines():
            firm = cases.schedule_a_firm(line)
            if firm:
                return Found(firm, part, _excerpt(line), "high")
    return _first(parts, FIRM_LABEL, "medium")


def _received(parts, headers: dict) -> Found | None:
    """The moment the notice reached the seller: a forwarded mail's original time, else the
    mail's Date header, else a labelled time in the text; never a time without its zone."""
    labelled = [(p, t) for p, t in parts if p in ("forwarded", "text") or p.startswith("pdf")]
    for part, text in labelled:
        for match in TIME_LABEL.finditer(text.replace("\r", "")):
            at, is_time = moment(match.group(1))
            if at is not None:
                return Found(iso_with_zone(at), part, _line_of(text, match), "high")
            if is_time:
                return Found(None, part, _line_of(text, match), None, "no_zone")
    if headers.get("forwarded"):
        return None  # the outer Date is when it was forwarded, later than the notice came
    if headers.get("date") is not None:
        return Found(iso_with_zone(headers["date"]), "date_header",
                     _excerpt(headers["date_header"]), "high")
    return None


def iso_with_zone(at: datetime) -> str:
    """ISO 8601 with the notice's own offset (the seller reads the time as they got it)."""
    return at.isoformat(timespec="seconds")


def _type(parts) -> Found | None:
    hits = {}
    for name, pattern in TYPE_CUES.items():
        for part, text in parts:
            match = pattern.search(text)
            if match:
                hits[name] = Found(name, part, _line_of(text, match), "medium")
                break
    return next(iter(hits.values())) if len(hits) == 1 else None


def _complainant(parts) -> Found | None:
    found = _first(parts, COMPLAINANT, "high")
    if found:
        return found
    plaintiff = _first([(p, t) for p, t in parts if p.startswith("pdf")], PLAINTIFF, "high")
    if plaintiff:
        plaintiff.value = " ".join(plaintiff.value.split())
    return plaintiff


def read_notice(data: bytes) -> Notice:
    """The fields a complaint notice gives (see the module's docstring)."""
    if len(data) > MAX_NOTICE_BYTES:
        raise BadInput(key="error.notice.too_large", params={"mib": MAX_NOTICE_BYTES >> 20})
    if not data.strip():
        raise BadInput(key="error.notice.empty")
    fmt, parts, headers, problem = _parts(data)
    notice = Notice(fmt, problem=problem)
    found = {
        "complaint_id": _first(parts, COMPLAINT_ID, "high")
        or _first(parts, COMPLAINT_LINK, "medium"),
        "complainant": _complainant(parts),
        "law_firm": _law_firm(parts),
        "products": _products(parts),
        "received": _received(parts, headers),
        "court_case": _first(parts, COURT_CASE, "high") or _first(parts, COURT_CASE_CN, "high")
        or _first(parts, COURT_CASE_BARE, "medium") or _first(parts, COURT_CASE_CN_BARE,
                                                                "medium"),
        "type": _type(parts),
        "store_id": _first(parts, STORE_ID, "high", group=None),
    }
    notice.fields = {name: value for name, value in found.items() if value is not None}
    return notice


def create_case(store: cases.CaseStore, notice: Notice, **corrections) -> cases.Case:
    """Open the case the notice describes, the seller's corrections (a field name and its
    value; None keeps the notice's) winning. A field needed and still empty is named."""
    values = {name: notice.value(name) for name in FIELDS}
    values.update({k: v for k, v in corrections.items() if v is not None})
    values["complainant"] = values["complainant"] or values["law_firm"]
    missing = [name for name in ("complaint_id", "store_id", "type", "complainant", "products")
               if not values.get(name)]
    if missing:
        raise BadInput(key="error.notice.incomplete",
                       params={"missing": list(missing), "options": " ".join("--" + m.replace("_",
                               "-") for m in missing)},
                       code="notice_incomplete")
    return store.new(complaint_id=values["complaint_id"], store_id=values["store_id"],
                     type=values["type"], complainant=values["complainant"],
                     products=values["products"], received=values["received"],
                     court_case=values["court_case"], law_firm=values["law_firm"])

