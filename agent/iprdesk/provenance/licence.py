"""The licence check: an image licence (PDF or text, English or Chinese) read for what sellers
get wrong. Each finding is pass, fail or unknown with the words that decided it; the phrases
are data (shared/licence_terms.json). It reads as a careful reviewer: a phrase counts as a
whole token, a negation turns it round ("may not be used for commercial purposes"), a
restriction outweighs a grant, and what the text does not say is not taken as said: an
unreadable licence is unknown throughout, never pass. What only the issuer can confirm (the
licence number, its contact) becomes a check by hand.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from iprdesk import timeutil
from iprdesk.documents.text import read_document
from iprdesk.text import i18n, shared_data

FINDINGS = ("commercial", "editorial", "merchandise", "licensee", "number", "contact", "term")
USES = ("commercial", "editorial", "merchandise")
SHOWN_CHARS = 300  # a sentence quoted as the reason is cut to this
CJK = re.compile(r"[\u3400-\u9fff]")
# Characters that end a clause: a negation does not reach past them.
CLAUSE_END = re.compile(r"[,;，；、()（）\[\]【】]")
# A negation before a phrase does not reach past a colon either ("Not editorial only: commercial
# use is permitted"); one after it may ("Commercial use: not permitted").
BEFORE_END = re.compile(r"[,;，；、()（）\[\]【】:：]")
# Words before a phrase (English) and characters (Chinese) a negation may stand in.
BEFORE_CHARS, BEFORE_CHARS_CJK = 48, 16
AFTER_CHARS, AFTER_CHARS_CJK = 40, 12

_TERMS = shared_data.load("licence_terms.json")


def _phrase_pattern(phrase: str) -> str:
    """A phrase of the data as a regex: a space is spaces, hyphens or nothing, `*` a few words
    of the same clause, English edges whole words."""
    words = phrase.lower().split()
    parts = [r"[^.;,:。；，：!?！？\n]{0,40}?" if w == "*" else re.escape(w) for w in words]
    pattern = r"[\s\-‐‑–]*".join(parts)
    if re.match(r"[a-z0-9]", words[0]):
        pattern = r"(?<![a-z0-9])" + pattern
    if re.search(r"[a-z0-9]$", words[-1]):
        pattern += r"(?![a-z0-9])"
    return pattern


def _compile(by_lang: dict) -> re.Pattern | None:
    phrases = sorted({p for lang in by_lang.values() for p in lang}, key=len, reverse=True)
    if not phrases:
        return None
    return re.compile("|".join(f"(?:{_phrase_pattern(p)})" for p in phrases), re.IGNORECASE)


_NEG = {name: _compile(_TERMS["negation"][name]) for name in
        ("before", "after", "not_negation", "stops")}
_IMMEDIATE = re.compile(r"(?:" + "|".join(
    _phrase_pattern(p) for lang in _TERMS["negation"]["immediately_before"].values()
    for p in lang) + r")[\s\-‐‑–]*$", re.IGNORECASE)
_USE = {(use, polarity): _compile(_TERMS["uses"][use][polarity])
        for use in USES for polarity in ("restrict", "grant")}
_PERPETUAL = _compile(_TERMS["perpetual"])


# --- sentences -------------------------------------------------------------------------------

ABBREVIATION = re.compile(r"(?<![A-Za-z])(co|ltd|inc|corp|no|nos|e\.g|i\.e|etc|vs|st|mr|ms|dr|"
                          r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$", re.IGNORECASE)
LABEL_LINE = re.compile(r"^\s*([-•*·]|\d+[.)、]|[（(]?[一二三四五六七八九十]+[)）、]|"
                        r"[^\s:：]{1,30}(\s[^\s:：]{1,20}){0,3}\s*[:：])")


def _units(text: str) -> list[str]:
    """The text's lines, a line wrapped by the PDF joined to the next: a long line without an
    end mark runs on unless the next one starts a field ("Licensee: ...") or a list item."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    units: list[str] = []
    for line in lines:
        if not line:
            units.append("")
            continue
        previous = units[-1] if units else ""
        if (len(previous) >= 30 and not re.search(r"[.;:!?。；：！？]$", previous)
                and not LABEL_LINE.match(line)):
            glue = "" if CJK.search(previous[-1]) and CJK.search(line[0]) else " "
            units[-1] = previous + glue + line
        else:
            units.append(line)
    return [u for u in units if u]


def sentences(text: str) -> list[str]:
    """Sentences in English and Chinese (a "Co., Ltd." or "No." does not end one)."""
    found = []
    for unit in _units(text):
        pieces = re.split(r"(?<=[.!?])\s+|(?<=[。！？；;])", unit)
        merged: list[str] = []
        for piece in pieces:
            if merged and ABBREVIATION.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        found += [p.strip() for p in merged if p.strip()]
    return found


def _shown(sentence: str) -> str:
    return sentence if len(sentence) <= SHOWN_CHARS else sentence[:SHOWN_CHARS - 1] + "…"


# --- uses: phrases and their negation --------------------------------------------------------

@dataclass(frozen=True)
class _Hit:
    use: str
    polarity: str  # restrict or grant
    start: int
    end: int


def _blank(text: str, pattern: re.Pattern | None) -> str:
    """The text with what `pattern` matches blanked out (same length, positions kept)."""
    return pattern.sub(lambda m: " " * len(m.group()), text) if pattern else text


def _after_stop(window: str) -> str:
    stops = list(_NEG["stops"].finditer(window)) if _NEG["stops"] else []
    return window[stops[-1].end():] if stops else window


def _before_stop(window: str) -> str:
    stop = _NEG["stops"].search(window) if _NEG["stops"] else None
    return window[:stop.start()] if stop else window


def _negated(sentence: str, start: int, end: int, next_start: int) -> bool:
    """Whether a negation cue stands before the phrase in its clause, or after it before the
    next phrase ("Commercial use is not permitted")."""
    cjk = bool(CJK.search(sentence[start:end]))
    clause_start = max((m.end() for m in BEFORE_END.finditer(sentence, 0, start)), default=0)
    before = sentence[clause_start:start]
    if _IMMEDIATE.search(before):
        return True
    before = _after_stop(before)[-(BEFORE_CHARS_CJK if cjk else BEFORE_CHARS):]
    if _NEG["before"].search(_blank(before.lower(), _NEG["not_negation"])):
        return True
    clause_end = CLAUSE_END.search(sentence, end)
    stop_at = min(next_start, clause_end.start() if clause_end else len(sentence))
    after = _before_stop(sentence[end:stop_at])[:AFTER_CHARS_CJK if cjk else AFTER_CHARS]
    return bool(_NEG["after"].search(_blank(after.lower(), _NEG["not_negation"])))


def _hits(sentence: str) -> list[_Hit]:
    """Every use phrase of the sentence; where two overlap the longer one stands."""
    found = [_Hit(use, polarity, m.start(), m.end())
             for (use, polarity), pattern in _USE.items() if pattern
             for m in pattern.finditer(sentence)]
    kept: list[_Hit] = []
    for hit in sorted(found, key=lambda h: h.end - h.start, reverse=True):
        if all(hit.end <= k.start or hit.start >= k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _said(sentences_: list[str]) -> dict[str, dict[str, list[str]]]:
    """Per use, the sentences that restrict it and those that allow it."""
    said = {use: {"restrict": [], "grant": []} for use in USES}
    for sentence in sentences_:
        hits = _hits(sentence)
        for i, hit in enumerate(hits):
            next_start = hits[i + 1].start if i + 1 < len(hits) else len(sentence)
            polarity = hit.polarity
            if _negated(sentence, hit.start, hit.end, next_start):
                polarity = "grant" if polarity == "restrict" else "restrict"
            if sentence not in said[hit.use][polarity]:
                said[hit.use][polarity].append(sentence)
    return said


# --- fields: licensee, licensor, number, contact, term --------------------------------------

def _label_pattern(labels: dict) -> re.Pattern:
    """A field's label and what follows it on the line: a colon (or "to" ends the label)."""
    phrases = sorted({p for lang in labels.values() for p in lang}, key=len, reverse=True)
    alternatives = "|".join(_phrase_pattern(p) for p in phrases)
    return re.compile(rf"(?<!被)(?:{alternatives})(?:\s*[:：#№]|(?<=to)(?=\s))\s*"
                      r"(?P<value>[^\n]*)", re.IGNORECASE)


def _numbered_label(labels: dict) -> re.Pattern:
    phrases = sorted({p for lang in labels.values() for p in lang}, key=len, reverse=True)
    alternatives = "|".join(_phrase_pattern(p) for p in phrases)
    return re.compile(rf"(?<!被)(?:{alternatives})[\s.:：#№]*(?P<value>(?=[A-Za-z0-9\-_/]*\d)"
                      r"[A-Za-z0-9][A-Za-z0-9\-_/.]{2,63}[A-Za-z0-9])", re.IGNORECASE)


LICENSEE = _label_pattern(_TERMS["labels"]["licensee"])
LICENSOR = _label_pattern(_TERMS["labels"]["licensor"])
NUMBER = _numbered_label(_TERMS["labels"]["number"])
NUMBER_LABEL = _compile(_TERMS["labels"]["number"])
TERM_LABEL = _compile(_TERMS["labels"]["term"])
CONTACT_LABEL = _label_pattern(_TERMS["labels"]["contact"])
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
WEB = re.compile(r"\bhttps?://[^\s，。；]+|\bwww\.[\w-]+(\.[\w-]+)+", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w+])\+?\d[\d\s\-()]{6,18}\d(?!\w)")

MONTHS = {m: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), 1) for m in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATES = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?|"
    rf"(?<![A-Za-z0-9])(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH})\.?,?\s+"
    r"(?P<y2>\d{4})|"
    rf"(?<![A-Za-z])(?P<m3>{_MONTH})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}})",
    re.IGNORECASE)
# A single date that opens a term ("valid from 1 May 2025", "自2025年5月1日起") is no end.
STARTS_ONLY = re.compile(r"\b(from|since|starting|effective|commencing)\b|自|从|起",
                         re.IGNORECASE)


def _dates(line: str) -> list[date]:
    found = []
    for m in DATES.finditer(line):
        try:
            if m.group("y"):
                found.append(date(int(m.group("y")), int(m.group("m")), int(m.group("d"))))
            elif m.group("y2"):
                found.append(date(int(m.group("y2")), MONTHS[m.group("m2").lower()],
                                  int(m.group("d2"))))
            else:
                found.append(date(int(m.group("y3")), MONTHS[m.group("m3").lower()],
                                  int(m.group("d3"))))
        except ValueError:
            continue
    return found


_SUFFIXES = {"limited": "ltd", "company": "co", "corporation": "corp", "incorporated": "inc"}


def _normalised(name: str) -> str:
    """A company or person's name compared as a reviewer would: case, width, punctuation and
    the spelling of the legal form ("Co., Ltd." = "Company Limited") do not count."""
    words = re.sub(r"[^\w\u3400-\u9fff]+", " ", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(_SUFFIXES.get(w, w) for w in words.split())


def names(value: str, who: str) -> bool:
    """Whether `value` (a licensee line) names `who`, as whole words."""
    wanted, line = _normalised(who), _normalised(value)
    if not wanted:
        return False
    if CJK.search(wanted):
        return wanted.replace(" ", "") in line.replace(" ", "")
    return re.search(rf"(?<![\w]){re.escape(wanted)}(?![\w])", line) is not None


def _first_value(pattern: re.Pattern, lines: list[str]) -> tuple[str, str] | None:
    """(value, its line) of the first line where the label has a value."""
    for line in lines:
        for m in pattern.finditer(line):
            value = m.group("value").strip(" .,;:：，。；")
            if re.search(r"[\w\u3400-\u9fff]", value):
                return value[:120], line
    return None


def _name_only(value: str) -> str:
    """The name at the start of a field that goes on with an address or a contact."""
    return re.split(r"[,，;；(（]|\s+(?:email|e-mail|tel|phone|website|address)\b|邮箱|电话|地址",
                    value, maxsplit=1, flags=re.IGNORECASE)[0].strip(" :：") or value


# --- the check -------------------------------------------------------------------------------

@dataclass
class Finding:
    id: str
    status: str  # pass, fail or unknown
    key: str
    params: dict = field(default_factory=dict)
    sentence: str | None = None  # the words of the licence that decided it

    def to_dict(self, lang: str) -> dict:
        return {"id": self.id, "status": self.status,
                "title": i18n.text(f"licence.finding.{self.id}", lang),
                "message": _render(self.key, self.params, lang), "sentence": self.sentence}


def _render(key: str, params: dict, lang: str) -> str:
    """A message whose parameters may differ per language ({lang: value})."""
    return i18n.text(key, lang, **{k: v[lang] if isinstance(v, dict) else v
                                   for k, v in params.items()})


def _day(day: date) -> dict:
    return {lang: timeutil.shown_date(day, lang) for lang in i18n.LANGUAGES}


@dataclass
class LicenceCheck:
    status: str  # fail when any finding fails, else unknown when any is unknown, else pass
    findings: list[Finding]
    by_hand: list[tuple[str, dict]]  # what to check with the issuer: (message key, params)
    read_problem: tuple[str, dict] | None  # why (part of) the text could not be read
    licensee: str | None = None
    licensor: str | None = None
    number: str | None = None
    expires: date | None = None

    def to_dict(self, lang: str) -> dict:
        return {
            "status": self.status,
            "findings": [f.to_dict(lang) for f in self.findings],
            "check_by_hand": [_render(k, p, lang) for k, p in self.by_hand],
            "read_problem": _render(*self.read_problem, lang) if self.read_problem else None,
            "licensee": self.licensee, "licensor": self.licensor, "number": self.number,
            "expires": self.expires.isoformat() if self.expires else None,
        }


def _overall(findings: list[Finding]) -> str:
    statuses = {f.status for f in findings}
    return "fail" if "fail" in statuses else "unknown" if "unknown" in statuses else "pass"


def _use_finding(use: str, said: dict, partial: bool) -> Finding:
    restricted, granted = said[use]["restrict"], said[use]["grant"]
    if restricted:
        return Finding(use, "fail", f"licence.{use}.fail", sentence=_shown(restricted[0]))
    if granted:
        status = "unknown" if partial else "pass"
        return Finding(use, status, f"licence.{use}.pass", sentence=_shown(granted[0]))
    absent = _TERMS["uses"][use]["absent"]
    status = "unknown" if partial else absent
    return Finding(use, status, f"licence.{use}.{'pass_unsaid' if absent == 'pass' else 'unsaid'}")


def _licensee_finding(lines: list[str], seller: dict) -> tuple[Finding, str | None]:
    found = _first_value(LICENSEE, lines)
    if found is None:
        return Finding("licensee", "unknown", "licence.licensee.unsaid"), None
    value, line = found
    candidates = [w for w in (seller.get("company"), seller.get("name")) if w]
    if not candidates:
        return Finding("licensee", "unknown", "licence.licensee.no_seller",
                       {"licensee": value}, _shown(line)), value
    for who in candidates:
        if names(value, who):
            return Finding("licensee", "pass", "licence.licensee.pass",
                           {"licensee": value}, _shown(line)), value
    return Finding("licensee", "fail", "licence.licensee.fail",
                   {"licensee": value, "seller": candidates[0].rstrip(".")}, _shown(line)), value


def _number_finding(lines: list[str]) -> tuple[Finding, str | None]:
    for line in lines:
        m = NUMBER.search(line)
        if m:
            return Finding("number", "pass", "licence.number.pass", {"number": m.group("value")},
                           _shown(line)), m.group("value")
    labelled = next((line for line in lines if NUMBER_LABEL.search(line)), None)
    if labelled:
        return Finding("number", "fail", "licence.number.empty", sentence=_shown(labelled)), None
    return Finding("number", "fail", "licence.number.fail"), None


def _contact_finding(lines: list[str]) -> Finding:
    for line in lines:
        if LICENSEE.search(line):
            continue  # the buyer's own address proves nothing about the issuer
        for pattern in (EMAIL, WEB):
            m = pattern.search(line)
            if m:
                return Finding("contact", "pass", "licence.contact.pass",
                               {"contact": m.group().rstrip(".,;)")}, _shown(line))
        m = PHONE.search(line) if CONTACT_LABEL.search(line) else None
        if m and sum(ch.isdigit() for ch in m.group()) >= 7:
            return Finding("contact", "pass", "licence.contact.pass",
                           {"contact": " ".join(m.group().split())}, _shown(line))
    return Finding("contact", "fail", "licence.contact.fail")


def _term_finding(sentences_: list[str], today: date, partial: bool) -> tuple[Finding, date | None]:
    for sentence in sentences_:
        for m in _PERPETUAL.finditer(sentence) if _PERPETUAL else ():
            if not _negated(sentence, m.start(), m.end(), len(sentence)):
                return Finding("term", "pass", "licence.term.perpetual",
                               sentence=_shown(sentence)), None
    for sentence in sentences_:
        label = TERM_LABEL.search(sentence)
        if not label:
            continue
        days = _dates(sentence[label.start():])
        if not days:
            continue
        if len(days) == 1 and STARTS_ONLY.search(sentence[label.start():]) and not re.search(
                r"\b(until|till|through|to|expires?)\b|至|到|止", sentence[label.start():],
                re.IGNORECASE):
            return Finding("term", "unknown", "licence.term.start_only",
                           {"start": _day(days[0])}, _shown(sentence)), None
        end = days[-1]  # "from A to B", "A至B": the end comes last
        if end < today:
            return Finding("term", "fail", "licence.term.expired", {"end": _day(end)},
                           _shown(sentence)), end
        return Finding("term", "pass", "licence.term.pass", {"end": _day(end)},
                       _shown(sentence)), end
    labelled = next((s for s in sentences_ if TERM_LABEL.search(s)), None)
    if labelled:
        return Finding("term", "unknown", "licence.term.unclear", sentence=_shown(labelled)), None
    return Finding("term", "unknown", "licence.term.unsaid"), None


READ_PROBLEMS = {
    "not_text": "licence.doc.not_text", "encrypted": "licence.doc.encrypted",
    "damaged": "licence.doc.damaged", "scanned": "licence.doc.scanned",
    "scanned_pages": "licence.doc.scanned_pages",
}


def check_text(text: str, seller: dict, today: date, *, partial: bool = False) -> LicenceCheck:
    """The findings of a licence's text. `partial`: some of the document could not be read,
    so what is not found there may still be said (no "pass" for an absence or a grant)."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    sentences_ = sentences(text)
    said = _said(sentences_)
    findings = [_use_finding(use, said, partial) for use in USES]
    licensee, licensee_name = _licensee_finding(lines, seller)
    number, number_value = _number_finding(lines)
    contact = _contact_finding(lines)
    term, expires = _term_finding(sentences_, today, partial)
    if partial:
        # What was not read may hold the field: an absence is not a failure.
        number = number if number.status == "pass" else Finding(
            "number", "unknown", number.key, number.params, number.sentence)
        contact = contact if contact.status == "pass" else Finding(
            "contact", "unknown", contact.key, contact.params, contact.sentence)
    findings += [licensee, number, contact, term]
    licensor = _first_value(LICENSOR, lines)
    licensor_name = _name_only(licensor[0]) if licensor else None
    issuer = {"licensor": licensor_name or i18n.both("licence.the_issuer")}
    by_hand = []
    if number_value:
        by_hand.append(("licence.hand.number", {"number": number_value, **issuer}))
    by_hand.append(("licence.hand.contact", issuer))
    assert tuple(f.id for f in findings) == FINDINGS
    return LicenceCheck(_overall(findings), findings, by_hand, None, licensee_name,
                        licensor_name, number_value, expires)


def check_licence(data: bytes, seller: dict, today: date) -> LicenceCheck:
    """Read a licence document (PDF or text) and check it. `seller`: the seller's details
    (config's name, company, store); `today`: the seller's local date, for the term."""
    read = read_document(data)
    problem = None
    if read.problem:
        params = {"problem": read.detail} if read.problem == "damaged" else {}
        if read.problem == "scanned_pages":
            params = {"pages": ", ".join(str(n) for n in read.scanned_pages)}
        problem = (READ_PROBLEMS[read.problem], params)
    if read.text is None:
        findings = [Finding(fid, "unknown", problem[0], problem[1]) for fid in FINDINGS]
        return LicenceCheck("unknown", findings, [("licence.hand.contact",
                            {"licensor": i18n.both("licence.the_issuer")})], problem)
    result = check_text(read.text, seller, today, partial=problem is not None)
    result.read_problem = problem
    return result
