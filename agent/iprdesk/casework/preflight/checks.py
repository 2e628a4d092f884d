"""The preflight's checks, one per known rejection reason, each with its verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from iprdesk import metadata, timeutil
from iprdesk.casework.preflight.gather import Document, Inputs
from iprdesk.documents.pdf import read_pdf
from iprdesk.errors import BadInput
from iprdesk.images import similar
from iprdesk.text import i18n, shared_data
from iprdesk.urls import check as urlcheck

CHECK_IDS = (
    "agreement.names_joom", "agreement.store_id", "agreement.products", "agreement.release",
    "payment.memo", "payment.amount_date",
    "images.clean", "images.replaced", "images.provenance", "urls.dead",
    "deadline",
)
MAX_LISTED = 12
NEVER = datetime.min.replace(tzinfo=UTC)  # a watched URL not checked yet sorts first
# Who reads the report: the CLI's words name its commands and options; the browser's (the
# `<key>.browser` messages, where a message has one) point at the fix on the page instead.
AUDIENCES = ("cli", "browser")
# "report": the browser's checks in a bundle's report.html, a file with no "below": its words
# (`<key>.report`, else the browser's) name the case page's section that fixes it.
# The wording each falls back to where a message has none of its own:
_FALLBACK = {"report": "browser", "browser": "cli"}

def _param(value, lang: str, zone=None):
    if isinstance(value, dict):
        return value[lang]
    return timeutil.shown(value, lang, zone=zone) if isinstance(value, datetime) else value


@dataclass
class Check:
    id: str
    status: str
    # Message keys with their parameters; a parameter may be {lang: value}, and a datetime
    # is shown as local time with its zone.
    parts: list[tuple[str, dict]]

    def message(self, lang: str, audience: str = "cli", zone=None) -> str:
        """In `lang`, worded for `audience`, its times in `zone` (default: the machine's)."""
        return i18n.sentences((
            i18n.text(_worded_for(key, audience), lang,
                      **{k: _param(v, lang, zone) for k, v in params.items()})
            for key, params in self.parts), lang)

    def title(self, lang: str) -> str:
        """What the check asks, for a person: the id is for scripts."""
        return i18n.text(f"preflight.check.{self.id}.title", lang)

    def about(self, lang: str) -> str:
        """Why Joom cares about it."""
        return i18n.text(f"preflight.check.{self.id}.about", lang)

    def to_dict(self, lang: str, audience: str = "cli", zone=None) -> dict:
        return {"id": self.id, "status": self.status, "title": self.title(lang),
                "about": self.about(lang), "message": self.message(lang, audience, zone),
                "messages": {lang_: self.message(lang_, audience, zone)
                             for lang_ in i18n.LANGUAGES}}


def _worded_for(key: str, audience: str) -> str:
    """The message key as `audience` reads it: its own wording where it has one, else the
    wording of the audience it falls back to (the CLI's is the plain key)."""
    messages = shared_data.load("messages/en.json")
    while audience != "cli" and f"{key}.{audience}" not in messages:
        audience = _FALLBACK[audience]
    return key if audience == "cli" else f"{key}.{audience}"


# --- reading the documents -------------------------------------------------------------------

@dataclass
class ReadDocuments:
    text: str
    # (status, message key, params) for each document that could not be read.
    problems: list[tuple[str, str, dict]]
    readable: int


# The reader's problems as the preflight reports them: (status, message key).
PDF_PROBLEMS = {
    "not_pdf": ("unknown", "preflight.doc.not_pdf"),
    "encrypted": ("unknown", "preflight.doc.encrypted"),
    "damaged": ("fail", "preflight.doc.damaged"),
    "scanned": ("unknown", "preflight.doc.scanned"),
    "scanned_pages": ("unknown", "preflight.doc.scanned_pages"),
}


def pdf_text(doc: Document) -> tuple[str | None, tuple[str, str, dict] | None]:
    """The document's text, or the reason it has none."""
    read = read_pdf(doc.data)
    if read.problem is None:
        return read.text, None
    status, key = PDF_PROBLEMS[read.problem]
    params = {"file": doc.name}
    if read.problem == "damaged":
        params["problem"] = read.detail
    elif read.problem == "scanned_pages":
        params["pages"] = _listed([str(n) for n in read.scanned_pages])
    return read.text, (status, key, params)


def read_documents(docs: list[Document]) -> ReadDocuments:
    texts, problems = [], []
    for doc in docs:
        text, problem = pdf_text(doc)
        if problem:
            problems.append(problem)
        if text is not None:
            texts.append(text)
    return ReadDocuments("\n".join(texts), problems, len(texts))


def _mentions(text: str, needle: str) -> bool:
    """An ID in the text as a whole token, also when the PDF broke it across lines: a longer
    ID that contains it (one digit more) is another product, not this one."""
    spaced = r"\s*".join(re.escape(ch) for ch in needle)
    return re.search(rf"(?<![A-Za-z0-9]){spaced}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None


def _sentences(text: str) -> list[str]:
    """Sentences (or clauses ending in ';'), in English and Chinese, the PDF's line breaks
    undone. A colon does not end one: "Released Parties: SIA Joom" is one statement."""
    joined = " ".join(text.split("\n"))
    return [s for s in re.split(r"(?<=[.;])\s+|(?<=[。；！？])|\n\s*\n", joined) if s.strip()]


# Joom as a whole token, inside Chinese text too: between "免除" and "Joom" there is no \b
# (both are word characters), so the token ends where ASCII letters and digits do.
JOOM_WORD = r"(?<![a-z0-9])joom(?![a-z0-9])"
JOOM = re.compile(JOOM_WORD, re.IGNORECASE)
# Joom the company, not "Joom store 123" or "Joom listings": a word like these after it makes
# Joom an adjective describing the seller's side; nor where sales were made ("claims arising
# from sales on Joom", "通过 Joom 销售", "在 Joom 上").
JOOM_ENTITY = re.compile(
    r"(?<!\bon\s)(?<!\bon\ssia\s)(?<!\bvia\s)(?<!\bvia\ssia\s)(?<!\bthrough\s)"
    r"(?<!\bthrough\ssia\s)(?<!在)(?<!在\s)(?<!通过)(?<!通过\s)(?<!经由)(?<!经由\s)"
    rf"{JOOM_WORD}(?!['’]?s?\s+(stores?|shops?|marketplaces?|platforms?|listings?|"
    r"merchants?|sellers?|accounts?|panel|products?|cdn|images?)\b)"
    r"(?!\s*(店铺|商店|账户|账号|商户|卖家|链接|商品|图片|上(?!述)))", re.IGNORECASE)
# Joom as what a clause keeps out of a release: not a thing of Joom's the release leaves alone
# ("Joom's obligations to its merchants", "releases Joom from its obligations under this
# Agreement", "Joom 的义务", "Joom 的关联方") nor what Joom owes under the agreement itself
# ("Joom's liability under this Agreement", "Joom 在本协议项下的任何责任"), though Joom's
# liability otherwise, and in Chinese the claims against it and its release ("Joom 的责任",
# "对 Joom 的索赔", "对 Joom 的免责"), are Joom.
_UNDER_AGREEMENT = (r"(在本协议项下|于本协议项下|(根据|依据|依照|按照)本协议(所)?(承担|负有)?|"
                    r"履行本协议)")
JOOM_KEPT_OUT = re.compile(
    rf"{JOOM_ENTITY.pattern}(?!['’]s\s+((?!liabilit|responsib)|[^.;,]{{0,40}}?\bunder\s+(this|the)"
    r"\s+(agreement|settlement)))(?!\s+from\s+(its|their)\s+(own\s+)?(obligations|duties|"
    rf"undertakings|commitments|covenants)\b)(?!\s*{_UNDER_AGREEMENT}\s*[的之])"
    r"(?!\s*[的之]\s*(?!(任何|一切|全部|所有|法律|赔偿|侵权|连带|相关)*"
    r"(责任|索赔|赔偿|追究|诉讼|主张|免责|免除|豁免)))",
    re.IGNORECASE)
# Releasing claims, in English and Chinese (免除 / 免责 / 豁免, or giving up claims); a press
# release releases none.
RELEASE = re.compile(
    r"\b((?<!press\s)(?<!news\s)releas\w*|discharg\w*|waive\w*|covenants?\s+not\s+to\s+sue|"
    r"acquit\w*)\b|"
    r"免除|免责|豁免|不再追究|不[^。；，,]{0,15}起诉|放弃[^。；]{0,12}(索赔|追诉|追究|起诉|诉讼|权利|主张)",
    re.IGNORECASE)
# A release negated, which releases no one. Only the negated words are taken out, so "releases
# Defendant but does not release X" still releases Defendant; "nothing ... shall limit the
# release" is no negation. Each form says where what it does not release is named
# (_negated_scope): after it ("This is not a release of X", "does not release X", "Nothing
# herein shall operate as a release of X", "releases no claims against X"), before it ("X shall
# not be released", "X is not hereby released"), inside it ("no claims against X are released",
# "in no event shall X be released", "neither A nor X is released"), or, in Chinese, on either
# side ("本协议不免除 X 的责任", "X 的责任不予免除", "不视为对 X 的免责", "不得解释为免除 X").
_NOT_RELEASING = (
    r"\bno\s+(\w+\s+)?(releases?|discharges?|waivers?)\b|"
    r"\bnot\s+((constitute|be|operate|serve|act|amount|function)\s+(as\s+|to\s+)?)?"
    r"((deemed|construed|considered|intended|interpreted|treated)\s+(to\s+(be|constitute)\s+|"
    r"as\s+)?)?(a|an|any)\s+(\w+\s+)?(release|discharge|waiver)\b|"
    r"\bnot\s+(be\s+)?(deemed|construed|considered|intended|interpreted)\s+(to|as)\s+"
    r"(releas|discharg|waiv)\w*|"
    r"\b(does|do|did|shall|will|may|can|must|should|would)\s+not\s+(hereby\s+)?"
    r"(release|discharge|waive|acquit)\b|\b(is|are)\s+not\s+(hereby\s+)?(releasing|discharging|"
    r"waiving)\b|\b(has|have|had)\s+not\s+(hereby\s+)?(released|discharged|waived)\b|"
    r"\b(declines?|refuses?)\s+to\s+(release|discharge|waive)\b|"
    r"\b(releases?|discharges?|waives?)\s+(no|none|nothing)\b|"
    r"\bnothing\b((?!\b(limit|restrict|impair|affect|diminish|modif|narrow|reduc|exclud|"
    r"prejudic|derogat|revok|rescind|withdr|invalidat|void))[^.;]){0,80}?\b(releas|discharg|waiv)\w*")
_NOT_RELEASED = (
    r"\b(is|are|was|were|be|been|being|has|have|had|shall|will|may|must|should|would|can)\s+"
    r"(hereby\s+|expressly\s+|specifically\s+)?(not|never|in\s+no\s+(event|way|case))\s+(be\s+|"
    r"been\s+|being\s+)?(hereby\s+|expressly\s+|so\s+)?(released|discharged|waived|acquitted)\b|"
    r"\b(is|are|shall\s+be|will\s+be|shall|will)\s+(expressly\s+)?not\s+(be\s+)?((deemed|"
    r"considered|treated\s+as)\s+(to\s+be\s+)?)?(a|an|one\s+of\s+the)\s+"
    r"(released\s+part(y|ies)|releasees?|(intended\s+)?(third[- ]party\s+)?beneficiar(y|ies))\b")
_NONE_RELEASED = (
    r"\b(no|none\s+of\s+the)\s+(\w+\s+)?(claims?|causes?\s+of\s+action|rights?|demands?|"
    r"part(y|ies)|persons?|entit(y|ies))\b((?!\b(all|every|each)\b)[^.;]){0,80}?"
    r"\b(is|are|shall\s+be|will\s+be|be|being)\s+(hereby\s+)?(released|discharged|waived)\b|"
    r"\b(in\s+no\s+(event|case)|under\s+no\s+circumstances?|at\s+no\s+time)\s+(shall|will|is|are|"
    r"may)\b[^.;]{0,60}?\b(released|discharged|waived)\b|"
    r"\bneither\b[^.;]{0,80}?\bnor\b[^.;]{0,60}?\b(is|are|shall\s+be|will\s+be)\s+(hereby\s+)?"
    r"(released|discharged|waived)\b|"
    # A release taken back: "The release of X is hereby revoked", "Plaintiff revokes the release
    # of X" (not a condition: "shall be void if Defendant fails to pay").
    r"\b(release|discharge|waiver)s?\s+of\s+[^.;]{1,60}?\s+(is|are|shall\s+be|will\s+be)\s+"
    r"(hereby\s+)?(revoked|rescinded|withdrawn|void|null(\s+and\s+void)?|invalid|of\s+no\s+"
    r"(force\s+(and|or)\s+)?effect)\b(?![^.;]{0,20}\b(if|unless|upon|should|in\s+the\s+event)\b)|"
    r"\b(plaintiff|licensor|it|they)\s+(hereby\s+)?(revokes?|rescinds?|withdraws?)\s+(the\s+|its\s+)?"
    r"(release|discharge|waiver)\s+of\b[^.;,]{0,60}")
_NOT_RELEASED_CN = (
    # Taken back ("撤销对 X 的免责", "对 X 的免责无效"), not irrevocable ("不可撤销地免除").
    r"(?<!不可)(?<!不得)(?<!不能)(撤销|撤回|取消)[^。；，,地]{0,12}?(免责|免除|豁免)|"
    r"(免责|免除|豁免)\s*(无效|作废|被撤销|予以撤销)|"
    r"((不|不得|不应|不能|不会|不可|并不|亦不|也不|绝不|均不|概不)(被|应|得)?(视为|视作|看作|解释为|"
    r"理解为|认定为|构成|属于|作为|当作|意味着)|并非|不是)[^。；，,]{0,20}?(免除|免责|豁免|放弃)|"
    r"(没有|并无|不包含|不含)(任何)?(免除|免责|豁免)|"
    # Right before the verb only: "不可撤销地免除" / "无条件地免除" release irrevocably.
    r"(不予|不得|不会|不应|并不|不能|概不|均不|不|未|无)(被|予以)?(免除|免责|豁免|放弃)|"
    r"(不|不予|未|并不)(对|就|向)[^。；，,并且]{0,12}?(免除|免责|豁免)")
# The verb left out after a release in the same sentence: "Defendant is released from all
# claims and SIA Joom is not." (_negated_scope reads it only after a release).
_ELIDED = (
    r"\b(and|but|while|whereas)\s+(?P<subject>((?!\b(and|but|is|are)\b)[^.;,]){1,60}?)\s+"
    r"(is|are|was|were|shall|will)\s+not(\s+be)?(?=\s*([.;]|$))")
# "not released until the payment is received" makes the release wait, it does not refuse it.
_UNTIL = r"(?![^.;]{0,80}?\buntil\b)"
NO_RELEASE = re.compile(rf"(?P<after>{_NOT_RELEASING}){_UNTIL}|(?P<before>{_NOT_RELEASED}){_UNTIL}|"
                        rf"(?P<inside>{_NONE_RELEASED}){_UNTIL}|(?P<around>{_NOT_RELEASED_CN})|"
                        rf"(?P<elided>{_ELIDED})", re.IGNORECASE)
# Where the words a negated release is about end and begin: a clause's edges. Before one, an
# affirmative release also ends them ("releases SIA Joom from all claims and Defendant is not
# released" keeps Defendant out, not Joom).
CLAUSE_END = re.compile(r"[.;。；，]|\b(but|however|provided|whereas|while|except)\b|但",
                        re.IGNORECASE)
CLAUSE_START = re.compile(r"[.;:,。；：，]|\b(but|however|whereas|while)\b|但是?|然而|却|而$",
                          re.IGNORECASE)
# After an affirmative release, a negated clause joined to it by "and" (而 in Chinese) is about
# its own subject: the release's object runs to the release's scope ("from all claims ..."),
# or is its first name where it has none ("releases SIA Joom and Defendant is not released").
JOINED = re.compile(
    r"\b(from|for|of|with\s+respect\s+to|in\s+respect\s+of|as\s+to|regarding)\b.*?\band\b|"
    r"(索赔|责任|主张|诉讼|请求|权利)\s*(而|且|并且|同时)", re.IGNORECASE)
FIRST_JOINED = re.compile(r"\band\b|而(?!非|不是)", re.IGNORECASE)
# Something carved out of a release: "excluding X", "other than X", "does not extend to X",
# "reserves its claims for X", "不包括 X", "保留……X" before it; "X 除外", "X are excluded",
# "X 不在免责范围内", "X 不在此列", "对 X 保留追诉权" after it; negated ("nothing excludes X",
# "X are not excluded"), nothing is.
EXCLUDING = re.compile(
    r"\b(exclud\w*|except(ing)?|other\s+than|save\s+for|but\s+not(?!\s+(be\s+)?limited)|"
    r"not\s+including|and\s+not(?!\s+(be\s+)?limited)|with\s+the\s+exception\s+of|reserv\w*|"
    r"retain\w*|carv\w*\s+out|"
    r"(does|do|shall|will|may)\s+not\s+(\w+\s+){0,2}(extend|apply|include|cover|benefit)\w*"
    r"(\s+to)?)\b|不包括|不含|(?<![免排解删])除(?!非|外)|排除|保留|不适用于|而非|而不是",
    re.IGNORECASE)
EXCLUDED = re.compile(
    r"\b((is|are|shall\s+be|will\s+be|be)\s+(hereby\s+|expressly\s+|specifically\s+)?(excluded|"
    r"reserved|retained|carved\s+out)|(is|are|shall\s+be|will\s+be)\s+(expressly\s+)?not\s+"
    r"(covered|included))\b|除外|不在[^。；，,]{0,10}范围|不在(此|其)列|"
    r"不属于[^。；，,]{0,6}(免责|豁免|免除)|不受[^。；，,]{0,10}(免责|豁免|免除)|不包括在|保留[^。；，,]{0,6}(追诉|追究|索赔|起诉|诉讼)",
    re.IGNORECASE)
# A carve-out ends with its clause, or where the release goes on to what it releases from:
# "all marketplaces other than SIA Joom from all claims arising from past sales", "被告而非
# SIA Joom 因过往销售产生的索赔" (but "不包括因过往销售产生的索赔" and "but not from claims
# arising from past sales" carve out those claims).
CARVE_GAP = re.compile(r"[.;,。；，]|\b(from|for)\s+(any\s+(and\s+all\s+)?|all\s+)?"
                       r"(claims|liabilit)|(?<=\S)\s*因", re.IGNORECASE)
CARVE_OPENING = re.compile(r"\s*(from\b|for\b|因)?", re.IGNORECASE)
# What negates a carve-out ("nothing excludes X", "X are not excluded"); a release's own
# negations are NO_RELEASE.
NEGATION = re.compile(r"\b(not|no|nothing|never|without|neither|nor|none)\b|不|未|无|非",
                      re.IGNORECASE)
CJK = re.compile(r"[\u4e00-\u9fff]")
# How far from a negated release or a carve-out what it names is looked for: a clause's length,
# which also keeps a text without full stops (a damaged PDF's) from being read again per match.
NEAR = 300
# Titles and headings name a clause and release nothing: "SETTLEMENT AGREEMENT AND MUTUAL
# RELEASE", "3. Release.", "三、免责。". A title: a short line in capitals, its release a noun,
# over text in lower case (in a body all in capitals such a line may be part of a sentence).
TITLE = re.compile(r"[A-Z0-9 ,&'’()-]{1,80}")
RELEASE_VERB = re.compile(r"\b(releas(es|ed|ing)|discharg(es|ed|ing)|waive[sd]?|covenants?)\b",
                          re.IGNORECASE)
HEADING = re.compile(r"\s*((\d+|[一二三四五六七八九十]+)\s*[.、]\s*)?((([A-Z][\w'’-]*|and|of|&)\s*)"
                     r"{1,4}[.:]?|[\u4e00-\u9fff]{1,4}[。：:]?)\s*")
# Joom named beside a release but not released by it: as the one who asks for it, is told
# of it or gets a copy ("at the request of SIA Joom", "notify SIA Joom", "sent to SIA Joom",
# "应 SIA Joom 的要求", "发送给 SIA Joom", "通知 SIA Joom"), or as the one who releases someone
# ("SIA Joom 免除原告……", "原告与 SIA Joom 均免除被告……", "SIA Joom releases Plaintiff"); "SIA
# Joom 免除……责任" with no one after it is Joom relieved.
JOOM_ASIDE = re.compile(
    rf"\b((at|upon|on)\s+(the\s+)?(request|instruction|direction)\s+of|notify|notifies|inform|"
    r"informs|advise|advises|(sent|send|delivered|deliver|provided|provide|given|give|forwarded|"
    rf"forward|submitted|submit|copied|shown|show)\s+to)\s+(sia\s+)?{JOOM_WORD}|"
    rf"(应|经|依|根据)\s*(sia\s*)?{JOOM_WORD}(?=[^。；，,]{{0,6}}(要求|请求|指示))|"
    rf"((发送|发给|提交|抄送|递交|提供|转交|交)给?|通知|告知)\s*(sia\s*)?{JOOM_WORD}|"
    rf"{JOOM_WORD}(?=\s*(特此|同意|承诺|不可撤销地|无条件地|在此|均|亦|也|共同|一并)*\s*((免除|豁免)"
    r"\s*(原告|被告|对方|卖家|各方|任何|律所|其|[a-z])|放弃|(hereby\s+)?(releases|discharges|"
    r"waives)\b))", re.IGNORECASE)
# "Release" of money, not of claims: "ask Joom to release the frozen funds", "the funds held
# by Joom shall be released", "请求 Joom 解冻资金".
MONEY = r"(funds|assets|accounts?|payouts?|money|monies|hold|freeze|restraint|balances?)"
FUNDS_RELEASE = re.compile(
    r"\b(releas\w*|unfreez\w*|unblock\w*|lift\w*)\s+(of\s+)?((the|any|all|its|such|their|"
    r"defendant['’]?s?|seller['’]?s?|store['’]?s?|frozen|held|restrained|withheld|blocked|"
    rf"remaining|on)\s+){{0,4}}{MONEY}\b|\b{MONEY}\b[^.;,]{{0,40}}?\b(be|is|are|being)\s+"
    r"(promptly\s+|immediately\s+)?(released|unfrozen|unblocked|lifted)\b|"
    r"(释放|解冻|解除冻结|解除对)[^。；，,]{0,12}(资金|货款|账户|冻结|款项)?", re.IGNORECASE)
# Joom as the one released: after the release word, named a released party or beneficiary.
RELEASED_PARTIES = re.compile(
    r"\b(released\s+part(y|ies)|releasees?|beneficiar(y|ies)|indemnified\s+part(y|ies))\b|"
    r"免责方|被免责|受益方|受益人", re.IGNORECASE)
JOOM_IS_RELEASED = re.compile(
    rf"{JOOM_WORD}[^.;]{{0,60}}?\b(is|are|shall\s+be|will\s+be|be|being)\s+(hereby\s+)?(fully\s+)?"
    r"(and\s+forever\s+)?(released|discharged|a\s+released\s+party|an?\s+(intended\s+)?"
    r"(third[- ]party\s+)?beneficiary)", re.IGNORECASE)
# A sentence about claims, where a carve-out can keep something out of a release.
CLAIMS_TALK = re.compile(
    rf"{RELEASE.pattern}|{RELEASED_PARTIES.pattern}|\b(claims?|causes?\s+of\s+action|"
    r"su(e|ing|it)|liabilit\w+|rights?\s+against)\b|索赔|追究|追诉|起诉|诉讼|责任", re.IGNORECASE)
# Sales before the agreement, named as such (in English and Chinese): what a release must
# cover, and what a carve-out may keep out of it.
PAST_SALES = re.compile(
    r"\b((past|prior|previous|earlier)\s+(sales?|sold|conduct|acts|use|infringements?|claims)|"
    r"heretofore|prior\s+to\s+the\s+(effective\s+)?date|before\s+the\s+(effective\s+)?date|"
    r"up\s+to\s+(and\s+including\s+)?the\s+(effective\s+)?date)\b|"
    r"过往|以往|此前|之前|过去|既往|生效日?(之)?前", re.IGNORECASE)
# The past taken in with everything else: "whether known or unknown", "all claims, past and
# future", "from the beginning of the world".
PAST = re.compile(
    rf"{PAST_SALES.pattern}|\b(from\s+the\s+beginning\s+of\s+(the\s+)?world|whether\s+known\s+"
    r"or\s+unknown|past,?\s+(present,?\s+)?(and|or)\s+future|before\s+or\s+after\s+the\s+"
    r"(effective\s+)?date)\b|已知或未知|已知和未知", re.IGNORECASE)
# "All claims" covers past sales too, unless the sentence limits it to the future.
ALL_CLAIMS = re.compile(r"\b(all|any)\s+(claims|liabilit\w+)\b|一切索赔|全部索赔|所有索赔",
                        re.IGNORECASE)
FUTURE_ONLY = re.compile(r"\b(future|hereafter|after\s+the\s+(effective\s+)?date|going\s+"
                         r"forward)\b|未来|今后|以后|此后|生效日?(之)?后", re.IGNORECASE)
# The release itself limited to the future, in a sentence of its own: "This release applies
# only to future sales", "本免责仅适用于未来的销售". Its subject is the release (not "the
# covenant ... does not limit the release of past sales").
RELEASE_LIMITED_TO_FUTURE = re.compile(
    r"\b(this|the|such|said|that)\s+(release|discharge|waiver)\b((?!\b(of|and|but|covenant)\b)"
    r"[^.;]){0,40}?\b(only|solely|exclusively|limited\s+to|restricted\s+to)\b[^.;]{0,60}?"
    rf"(?:{FUTURE_ONLY.pattern})|"
    r"(本次?|上述|该|前述|此)(免责|免除|豁免)[^。；]{0,10}?(仅|只|限于)[^。；]{0,30}?"
    r"(未来|今后|以后|此后|生效日?(之)?后)", re.IGNORECASE)
# The whole release taken back in a sentence of its own: "This release is hereby revoked",
# "Plaintiff rescinds the foregoing release", "上述免责现予撤销", "撤销本免责". Not a release
# of someone named ("The release of SIA Joom is revoked": names_joom's), not one that stands
# ("shall not be revoked", "不得撤销", "不可撤销"), not a condition ("void if Defendant fails to
# pay", "如被告未付款，本免责无效": a settlement's usual remedy, RELEASE_CONDITION).
RELEASE_REVOKED = re.compile(
    r"\b(this|the|such|said|that)\s+(foregoing\s+|above\s+|mutual\s+|general\s+)?"
    r"(release|discharge|waiver)s?\b(?!\s+of\b)((?!\b(not|never)\b)[^.;]){0,40}?\b(is|are|"
    r"shall\s+be|will\s+be)\s+(hereby\s+)?(revoked|rescinded|withdrawn|void|null(\s+and\s+"
    r"void)?|invalid|of\s+no\s+(force\s+(and|or)\s+)?effect)\b|"
    r"\b(plaintiff|licensor|it|they)\s+(hereby\s+)?(revokes?|rescinds?|withdraws?)\s+(this|the|"
    r"such|said|its)\s+(foregoing\s+|above\s+)?(release|discharge|waiver)\b(?!\s+of\b)|"
    r"(本次?|上述|该|前述|此|以上)(免责|免除|豁免)(条款)?[^。；，不]{0,10}?(?<!不得)(?<!不可)"
    r"(?<!不能)(?<!不会)(?<!不应)(?<!不予)(无效|作废|被撤销|予以撤销|撤销|撤回)|"
    r"(?<!不得)(?<!不可)(?<!不能)(撤销|撤回|取消)(本次?|上述|该|前述|此|以上)(免责|免除|豁免)",
    re.IGNORECASE)
RELEASE_CONDITION = re.compile(r"\b(if|unless|upon|should|in\s+the\s+event|in\s+case|"
                               r"provided)\b|如果|如|若|倘若|假如|一旦|未能|未按|逾期",
                               re.IGNORECASE)
# A second promise in the same sentence, whose future is its own: "releases ... from all claims,
# and covenants not to sue for future sales", "免除……一切索赔，并承诺今后不再起诉".
ANOTHER_PROMISE = re.compile(
    r",?\s+and\s+(?=(?:hereby\s+|further\s+|also\s+)?(?:covenants?|agrees?|promises?|"
    r"undertakes?|shall|will)\b)|，?(?:并且?|且|同时)(?=承诺|同意|保证|不再|今后|将)",
    re.IGNORECASE)
MEMO = re.compile(r"joom\s*settlement", re.IGNORECASE)
MEMO_GAP = r"[\s\-:：#_/,]*"  # what may stand between the memo's phrase and its store ID
# The labels of a bank slip's memo field, in English and Chinese, and an MT103's field 70
# (":70:Joom Settlement ...").
MEMO_LABEL = re.compile(
    r"^\s*70\s*$|\b(memo|remittance\s+(information|info|details)|payment\s+(reference|details)|"
    r"reference|purpose(\s+of\s+payment)?|remarks?|narrative|details\s+of\s+payment|"
    r"message|description)\b|附言|用途|摘要|备注|汇款说明|交易附言", re.IGNORECASE)
# The payee's field with a name in it (after its label, or alone on the next line): not an
# empty "Beneficiary:", nor the payee's bank, account or address ("Beneficiary bank: ...",
# "收款人开户行：...", "收款人账号：..."); an MT103's field 59.
PAYEE = re.compile(
    r"(\b(payee|beneficiary|recipient|creditor)(\s+(name|customer))?\b|"
    r"(收款人|收款方)(名称|户名|姓名)?)(?!['’]s|\s*(bank|account|acct|a/c|address|country|swift|bic|iban|no\b|number|开户|银行|账号|"
    r"帐号|地址|行号|国家))[^\S\n]*[:：]?[^\S\n]*([^\s:：]|\n[^\S\n]*[^\s:：][^:：\n]*$)|"
    r"\b(pay|paid)\s+to\s+\S|^:59[af]?:\s*\S", re.IGNORECASE | re.MULTILINE)
# An amount with its currency, or under an amount label; an amount of nothing pays nothing.
AMOUNT = re.compile(
    r"((USD|US\$|CNY|RMB|EUR|GBP|\$|¥|€|£)\s?(?P<value>\d[\d,]*(\.\d{1,2})?)|"
    r"(?P<value2>\d[\d,]*(\.\d{1,2})?)\s?(USD|CNY|RMB|EUR|GBP|元|美元)|"
    r"(\bamount\b|金额)[^:：\n]{0,20}[:：]\s*(?P<value3>\d[\d,]*(\.\d{1,2})?)(?![\d.]))",
    re.IGNORECASE)
# A slip whose status field says the payment did not go through: returned, rejected, failed,
# cancelled, reversed (退汇, 已退回, 汇款失败, 交易失败, 已撤销). Only in a status field: the
# small print of every slip says what happens "if the payment is returned".
NOT_PAID = re.compile(
    r"^[^\S\n]*((transaction|payment|transfer|remittance)\s+)?status[^\S\n]*[:：]?[^\S\n]*"
    r"(returned|rejected|failed|unsuccessful|cancell?ed|reversed|refunded)\b|"
    r"^[^\S\n]*(交易|汇款|付款|转账|处理)?状态[^\S\n]*[:：]?[^\S\n]*(已?退汇|已?退回|已?退款|"
    r"(汇款|交易|付款|转账|处理)?失败|已?撤销|已?取消|已?冲正)",
    re.IGNORECASE | re.MULTILINE)
DATE = re.compile(  # an MT103's value date too (":32A:260303USD6500,00")
    r"(:32A:\s*\d{6}|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|"
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b|"
    r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b)",
    re.IGNORECASE)


def _listed(items: list[str]) -> dict:
    """The first MAX_LISTED items as each language writes a list, then how many more."""
    more = f" (+{len(items) - MAX_LISTED})" if len(items) > MAX_LISTED else ""
    return {lang: i18n.joined(items[:MAX_LISTED], lang) + more for lang in i18n.LANGUAGES}


def _claims_released(sentence: str) -> str:
    """The sentence with what releases no claims taken out: money "released", negated releases."""
    return NO_RELEASE.sub(" ", FUNDS_RELEASE.sub(" ", sentence))


def _negated_scope(sentence: str, negated: re.Match) -> str:
    """Where the sentence names what the negated release does not release: the rest of its
    clause after it, the clause before it back to an affirmative release, or the words inside
    it, as its form says (NO_RELEASE)."""
    after = CLAUSE_END.split(sentence[negated.end():negated.end() + NEAR], 1)[0]
    if negated.group("elided"):
        return negated.group("subject") if RELEASE.search(sentence[:negated.start()]) else ""
    if negated.group("after"):
        return after
    if negated.group("inside"):
        return negated.group()
    before = sentence[max(0, negated.start() - NEAR):negated.start()]
    start = max((m.end() for m in CLAUSE_START.finditer(before)), default=0)
    release = [m.end() for m in RELEASE.finditer(before) if m.end() > start]
    before = before[release[-1] if release else start:]
    # "releases A from claims ... and B are not released": what is not released follows the
    # "and" that ends the release's object (JOINED).
    joined = (JOINED.search(before) or FIRST_JOINED.search(before)) if release else None
    before = before[joined.end():] if joined else before
    if negated.group("before"):
        return before[-100:] + negated.group()
    return before[-30:] + negated.group() + after


def _carved_out(sentence: str, target: re.Pattern) -> bool:
    """A carve-out in the sentence names `target` within its clause, close by (it starts
    within 60 characters, 15 in Chinese), and is not negated."""
    for m in EXCLUDING.finditer(sentence):
        window = CARVE_GAP.split(sentence[max(0, m.start() - 40):m.start()])[-1]
        # What it carves out may open with the words that elsewhere begin the released claims:
        # "but not from claims arising from past sales", "不包括因过往销售产生的索赔".
        lead = CARVE_OPENING.match(sentence, m.end()).end()
        end = CARVE_GAP.search(sentence, lead, m.end() + NEAR)
        gap = sentence[m.end():end.start() if end else m.end() + NEAR]
        found = target.search(gap)
        # "does not extend to any marketplace other than SIA Joom" excepts Joom from the
        # carve-out, which leaves it released.
        if found and found.start() <= (15 if CJK.match(m.group()) else 60) \
                and not NEGATION.search(window) and not EXCLUDING.search(gap[:found.start()]):
            return True
    for t in target.finditer(sentence):
        gap = CARVE_GAP.split(sentence[t.end():t.end() + NEAR], 1)[0]
        m = EXCLUDED.search(gap)
        if m and m.start() <= 40 and not NEGATION.search(gap[:m.start()]):
            return True
    return False


def _not_released(sentence: str, target: re.Pattern) -> bool:
    """The sentence expressly does not release `target` (Joom, past sales): a negated release
    naming it ("This is not a release of Joom", "Joom shall not be released", "本协议不免除 Joom
    的责任") or a carve-out of it ("excluding Joom", "past sales are reserved", "过往销售除外")."""
    for negated in NO_RELEASE.finditer(sentence):
        scope = _negated_scope(sentence, negated)
        found = target.search(scope)
        # "Nothing herein releases any party other than SIA Joom" excepts Joom.
        if found and not EXCLUDING.search(scope[:found.start()]):
            return True
    return bool(CLAIMS_TALK.search(sentence)) and _carved_out(sentence, target)


def _releases_joom(sentence: str) -> bool:
    """The sentence releases Joom (the company) from claims."""
    claims = _claims_released(sentence)
    release = RELEASE.search(claims)
    if not release:
        return False
    if JOOM_IS_RELEASED.search(claims):
        return True
    after = claims[release.start():]
    parties = RELEASED_PARTIES.search(claims)
    cjk = CJK.search(release.group())
    # English names whom it releases after the verb; Chinese may name Joom before 免除.
    return bool(JOOM_ENTITY.search(after) or (parties and JOOM_ENTITY.search(
        claims[parties.start():])) or (cjk and JOOM_ENTITY.search(claims)))


def check_names_joom(text: str, case) -> tuple[str, str, dict]:
    if not JOOM.search(text):
        return "fail", "preflight.agreement.names_joom.fail_absent", {}
    sentences = [JOOM_ASIDE.sub(" ", FUNDS_RELEASE.sub(" ", s)) for s in _sentences(text)]
    if any(_not_released(s, JOOM_KEPT_OUT) for s in sentences):
        return "fail", "preflight.agreement.names_joom.fail_not_released", {}
    if any(_releases_joom(s) for s in sentences):
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
    sentences = [FUNDS_RELEASE.sub(" ", s) for s in _sentences(text)]
    lines = text.split("\n")
    body = "\n".join(line for line, below in zip(lines, lines[1:] + [""], strict=True) if not (
        TITLE.fullmatch(line.strip()) and len(line.split()) <= 8 and re.search("[a-z]", below)
        and not RELEASE_VERB.search(line)))
    releasing = [_claims_released(s) for s in _sentences(body) if not HEADING.fullmatch(s)]
    if not any(RELEASE.search(s) for s in releasing):
        # (An elided "X is not" negates only a release before it, and there is none.)
        if any(not m.group("elided") for s in sentences for m in NO_RELEASE.finditer(s)):
            return "fail", "preflight.agreement.release.fail_negated", {}
        return "fail", "preflight.agreement.release.fail_absent", {}
    if any(RELEASE_REVOKED.search(s) and not RELEASE_CONDITION.search(s) for s in sentences):
        return "fail", "preflight.agreement.release.fail_revoked", {}
    if any(_not_released(s, PAST_SALES) or RELEASE_LIMITED_TO_FUTURE.search(s)
           for s in sentences):
        return "fail", "preflight.agreement.release.fail_past_excluded", {}
    for sentence in releasing:
        if RELEASE.search(sentence) and (PAST.search(sentence) or any(
                RELEASE.search(c) and ALL_CLAIMS.search(c) and not FUTURE_ONLY.search(c)
                for c in ANOTHER_PROMISE.split(sentence))):
            return "pass", "preflight.agreement.release.pass", {}
    return "fail", "preflight.agreement.release.fail_past", {}


def _memo_field(lines: list[str], n: int, match: re.Match) -> str | None:
    """Which field a "Joom Settlement" on line n is in: "memo" under a memo label (on its line
    or alone on the line before), "other" under another label, None when the slip does not
    say."""
    before = re.split(r"[:：]", lines[n][:match.start()])
    label = before[-2] if len(before) > 1 else before[0]
    if label.strip():
        if MEMO_LABEL.search(label):
            return "memo"
        return "other" if len(before) > 1 else None
    previous = next((p for p in reversed(lines[:n]) if p.strip()), "")
    return "memo" if MEMO_LABEL.search(previous) and len(previous.strip()) <= 40 else None


def check_memo(text: str, case) -> tuple[str, str, dict]:
    params = {"store": case.store_id}
    lines = text.splitlines()
    found = [(n, m) for n, line in enumerate(lines) for m in MEMO.finditer(line)]
    if not found:
        return "fail", "preflight.payment.memo.fail_phrase", params
    store = r"\s*".join(re.escape(ch) for ch in case.store_id)
    unclear = False
    for n, match in found:
        line, field_name = lines[n], _memo_field(lines, n, match)
        # The memo itself reads "Joom Settlement <store ID>": the ID next to the phrase (or
        # named as the store's: "Store 5f1a...", "店铺 5f1a..."), a whole token, not somewhere
        # else on the slip.
        beside = re.match(rf"{MEMO_GAP}(((store|shop)(\s+id)?|店铺(id|号)?){MEMO_GAP})?{store}"
                          r"(?![A-Za-z0-9])", line[match.end():], re.I) or \
            re.search(rf"(?<![A-Za-z0-9]){store}{MEMO_GAP}$", line[:match.start()], re.I)
        if beside and field_name != "other":
            return "pass", "preflight.payment.memo.pass", params
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if field_name == "memo" and not line[match.end():].strip() and re.fullmatch(
                rf"\s*{store}\s*", following, re.I):
            unclear = True  # the memo may go on to the next line, or that is another field
    if unclear:
        return "unknown", "preflight.payment.memo.unclear", params
    return "fail", "preflight.payment.memo.fail_store", params


def _amount(match: re.Match) -> float:
    """The value an AMOUNT match reads, its thousands separators dropped."""
    value = next(v for v in match.group("value", "value2", "value3") if v)
    return float(value.replace(",", ""))


def check_amount_date(text: str, case) -> tuple[str, str, dict]:
    amounts = [_amount(m) for m in AMOUNT.finditer(text)]
    found = {"payee": PAYEE.search(text) or _mentions(text, case.complainant),
             "amount": any(value > 0 for value in amounts),
             "date": DATE.search(text)}
    missing = [part for part, hit in found.items() if not hit]
    if NOT_PAID.search(text):
        return "fail", "preflight.payment.amount_date.fail_not_paid", {}
    if not missing:
        return "pass", "preflight.payment.amount_date.pass", {}
    if amounts and not found["amount"]:  # a slip of nothing paid, not a slip without an amount
        return "fail", "preflight.payment.amount_date.fail_zero", {}
    return "fail", "preflight.payment.amount_date.fail", {
        "missing": {lang: i18n.joined([i18n.text(f"preflight.part.{p}", lang) for p in missing],
                                      lang)
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
                    checks: dict, case, superseded: list[str] = ()) -> list[Check]:
    if docs is None:
        key = problem or "preflight.doc.locked"
        return [Check(cid, "unknown", [(key, {"case": case.id})]) for cid in checks]
    if not docs:
        return [Check(cid, "fail", [(f"preflight.doc.missing.{kind}", {"case": case.id})])
                for cid in checks]
    read = read_documents(docs)
    doc_parts = [(key, params) for _, key, params in read.problems]
    notes = [("preflight.doc.superseded", {"file": docs[-1].name, "older": _listed(superseded)})
             ] if superseded else []
    unreadable = any(status == "unknown" for status, _, _ in read.problems)
    results = []
    for cid, check in checks.items():
        if not read.readable:
            status = "unknown" if unreadable else "fail"
            results.append(Check(cid, status, doc_parts + notes))
            continue
        status, key, params = check(read.text, case)
        # Text we could not read may hold what is missing: say so instead of failing.
        if status == "fail" and unreadable:
            status = "unknown"
        parts = [(key, params)] + (doc_parts if status != "pass" else []) + notes
        results.append(Check(cid, status, parts))
    return results


# --- images, URLs, deadline ------------------------------------------------------------------

def _name(image: Path | Document) -> str:
    return image.name if isinstance(image, Document) else Path(image).name


def _names(images: list[Path | Document]) -> str:
    return _listed([_name(i) for i in images])


def _image_bytes(image: Path | Document) -> bytes:
    """An image given as a file or read from the vault; OSError when the file cannot be read."""
    return image.data if isinstance(image, Document) else Path(image).read_bytes()


def images_clean_check(inputs: Inputs) -> Check:
    if not inputs.new_images:
        return Check("images.clean", "unknown", [("preflight.images.clean.no_images", {})])
    dirty, unreadable = [], []
    for image in inputs.new_images:
        try:
            if not metadata.inspect_image(_image_bytes(image), _name(image)).clean:
                dirty.append(image)
        except (BadInput, OSError):
            unreadable.append(image)
    if dirty:
        return Check("images.clean", "fail", [("preflight.images.clean.fail",
                                               {"count": len(dirty), "files": _names(dirty)})])
    if unreadable:
        return Check("images.clean", "unknown", [("preflight.images.unreadable",
                                                  {"files": _names(unreadable)})])
    return Check("images.clean", "pass", [("preflight.images.clean.pass",
                                           {"count": len(inputs.new_images)})])


def _fingerprint(image: Path | Document) -> similar.Fingerprint | None:
    try:
        return similar.fingerprint_bytes(_image_bytes(image), _name(image))
    except (BadInput, OSError):
        return None


def images_replaced_check(inputs: Inputs) -> Check:
    # A copy the upload check caught and the seller uploaded anyway is on the product until
    # it is marked removed: the images are not replaced, whatever the new images are.
    if inputs.uploaded_copies:
        return Check("images.replaced", "fail", [("preflight.images.replaced.uploaded_copy",
                                                  {"files": _listed(inputs.uploaded_copies)})])
    # Removed on the seller's word only: nothing has seen the product without it.
    stated = ([("preflight.images.replaced.removal_stated",
                {"files": _listed(inputs.stated_removals)})] if inputs.stated_removals else [])
    if not (inputs.new_images and (inputs.complained_images or inputs.complained_references)):
        return Check("images.replaced", "unknown",
                     [*stated, ("preflight.images.replaced.no_images", {})])
    references, unreadable = list(inputs.complained_references), []
    for image in inputs.complained_images:
        fingerprint = _fingerprint(image)
        if fingerprint is None:
            unreadable.append(image)
        else:
            references.append((_name(image), fingerprint))
    matches = []
    for image in inputs.new_images:
        fingerprint = _fingerprint(image)
        if fingerprint is None:
            unreadable.append(image)
            continue
        found = similar.closest(fingerprint, references)
        if found and found[1].verdict != "different":
            matches.append(f"{_name(image)} ≈ {found[0]}")
    if matches:
        files = _listed(matches)
        return Check("images.replaced", "fail", [("preflight.images.replaced.fail",
                                                  {"files": files})])
    if stated:
        return Check("images.replaced", "unknown", stated)
    if unreadable:
        return Check("images.replaced", "unknown", [("preflight.images.unreadable",
                                                     {"files": _names(unreadable)})])
    return Check("images.replaced", "pass", [("preflight.images.replaced.pass",
                                              {"count": len(inputs.new_images)})])


def images_provenance_check(inputs: Inputs) -> Check:
    """Each new image's origin on record (iprdesk.provenance): never a fail, since Joom does not
    ask for it, but an image nobody can say the origin of is how a second complaint starts."""
    if not inputs.new_images:
        return Check("images.provenance", "unknown",
                     [("preflight.images.provenance.no_images", {})])
    recorded = inputs.provenance or [False] * len(inputs.new_images)
    missing = [image for image, has in zip(inputs.new_images, recorded, strict=True) if not has]
    if missing:
        return Check("images.provenance", "unknown", [("preflight.images.provenance.missing",
                                                       {"files": _names(missing)})])
    return Check("images.provenance", "pass", [("preflight.images.provenance.pass",
                                                {"count": len(inputs.new_images)})])


def urls_dead_check(case, inputs: Inputs) -> Check:
    results = inputs.url_results or []
    urls = list(dict.fromkeys([*case.old_urls, *(r["url"] for r in results)]))
    if urls and inputs.url_results is None and inputs.documents_problem == "preflight.doc.locked":
        return Check("urls.dead", "unknown", [("preflight.doc.locked", {"case": case.id})])
    if not urls:
        return Check("urls.dead", "unknown", [("preflight.urls.dead.no_urls", {"case": case.id})])
    latest = {}
    for result in sorted(results, key=lambda r: timeutil.parse_time(r["checked_at"])
                         if r.get("checked_at") else NEVER):
        # A URL watched but not checked yet has no verdict: it must not hide a real one.
        if result.get("verdict") or result["url"] not in latest:
            latest[result["url"]] = result.get("verdict")
    public = [u for u in urls if latest.get(u) in urlcheck.STILL_PUBLIC]
    if public:
        return Check("urls.dead", "fail", [("preflight.urls.dead.fail",
                                            {"count": len(public), "urls": _listed(public)})])
    unchecked = [u for u in urls if latest.get(u) is None]
    if unchecked:
        return Check("urls.dead", "unknown", [("preflight.urls.dead.not_checked",
                                               {"case": case.id})])
    unclear = [u for u in urls if latest[u] not in urlcheck.GONE]
    if unclear:
        return Check("urls.dead", "unknown", [("preflight.urls.dead.unclear",
                                               {"urls": _listed(unclear)})])
    return Check("urls.dead", "pass", [("preflight.urls.dead.pass", {"count": len(urls)})])


def deadline_check(case, now: datetime | None) -> Check:
    running = [d for d in case.deadline_states(now) if d["kind"] == "deadline"]
    overdue = [d for d in running if d["state"] == "overdue"]
    if overdue:
        first = min(overdue, key=lambda d: d["seconds_left"])
        return Check("deadline", "fail", [("preflight.deadline.fail",
                                           {"label": first["label"],
                                            "due": timeutil.parse_time(first["due"])})])
    upcoming = [d for d in running if d["state"] in ("ok", "warning", "urgent")]
    if not upcoming:
        return Check("deadline", "pass", [("preflight.deadline.pass_none", {})])
    first = min(upcoming, key=lambda d: d["seconds_left"])
    return Check("deadline", "pass", [("preflight.deadline.pass",
                                       {"label": first["label"],
                                        "due": timeutil.parse_time(first["due"])})])


def run(case, inputs: Inputs, now: datetime | None = None) -> list[Check]:
    checks = [
        *document_checks("agreement", inputs.agreement, inputs.documents_problem,
                         AGREEMENT_CHECKS, case, inputs.superseded.get("agreement", [])),
        *document_checks("payment", inputs.payment, inputs.documents_problem,
                         PAYMENT_CHECKS, case, inputs.superseded.get("payment", [])),
        images_clean_check(inputs),
        images_replaced_check(inputs),
        images_provenance_check(inputs),
        urls_dead_check(case, inputs),
        deadline_check(case, now),
    ]
    assert tuple(c.id for c in checks) == CHECK_IDS
    return checks
