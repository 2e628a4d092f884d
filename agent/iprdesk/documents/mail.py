"""E-mails as a seller saves them (`.eml`): headers decoded (encoded-word subjects in Chinese),
bodies decoded (quoted-printable, base64, any charset), HTML-only mails as text, and mails
forwarded as attachments read too."""

import email
import email.policy
import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]?.*$")
MAIL_HEADERS = {b"from", b"to", b"subject", b"date", b"received", b"message-id",
                b"mime-version", b"return-path", b"content-type"}


FORWARD_MARK = "---------- Forwarded message ----------"


@dataclass
class Mail:
    subject: str
    sender: str
    date: datetime | None  # the Date header, with its zone; None if absent or unreadable
    date_header: str
    text: str  # the bodies as plain text, forwarded (attached) mails' headers and bodies too


def looks_like_mail(data: bytes) -> bool:
    """The file starts with RFC 822 headers, at least two of the kinds every mail has."""
    names = set()
    for line in data[:8192].splitlines()[:60]:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue  # a folded header's continuation
        match = HEADER_LINE.match(line)
        if not match:
            return False
        names.add(match.group(1).lower())
    return len(names & MAIL_HEADERS) >= 2


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d|table)\s*>", "\n", markup)
    markup = re.sub(r"(?i)</t[dh]\s*>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # an unknown or lying charset
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return content if isinstance(content, str) else ""


def _body(message: EmailMessage) -> str:
    """The mail's text: its plain part, else its HTML part as text; attached mails after it."""
    texts = []
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = _content(body)
        texts.append(_html_text(content) if body.get_content_subtype() == "html" else content)
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            for attached in part.iter_parts():
                # Written as mail programs write an inline forward, so readers find it alike.
                texts.append(FORWARD_MARK)
                texts.append("\n".join(f"{name}: {attached.get(name, '')}"
                                       for name in ("From", "Date", "Subject")))
                texts.append(_body(attached))
    return "\n".join(texts)


def read_mail(data: bytes) -> Mail:
    message = email.message_from_bytes(data, policy=email.policy.default)
    date_header = str(message.get("Date", "") or "")
    try:
        date = parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError, IndexError):
        date = None
    if date is not None and date.tzinfo is None:
        date = None  # "-0000" or no zone: the moment is not known
    return Mail(subject=" ".join(str(message.get("Subject", "") or "").split()),
                sender=str(message.get("From", "") or ""), date=date, date_header=date_header,
                text=_body(message))
