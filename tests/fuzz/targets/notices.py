"""The readers of what a seller drops in: the complaint notice reader (`.eml`, pasted text, PDF)
and the kind detection every dropped file goes through. A file they cannot read is the
product's own error (BadInput), never anything else, and a proposal always serialises."""

import functools
import logging

from iprdesk.casework import notice
from iprdesk.documents.kinds import detect_kind
from tests.fuzz import Target, register
from tests.notices import (
    PASTED_ZH,
    TRO,
    firm_letter,
    forwarded_attached,
    forwarded_inline,
    joom_mail_en,
    joom_mail_zh_html,
)
from tests.pdfs import text_pdf

logging.getLogger("pypdf").setLevel(logging.CRITICAL)


@functools.cache
def seeds() -> list[bytes]:
    return [joom_mail_en(), joom_mail_zh_html(), forwarded_inline(), forwarded_attached(),
            firm_letter(), text_pdf(TRO), PASTED_ZH.encode("gb18030")]


def read(data: bytes) -> None:
    detect_kind(data)
    notice.read_notice(data).to_dict()


register(Target("notice", seeds, read))
