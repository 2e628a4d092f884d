"""The licence check: an image licence a seller attaches (PDF or text, English or Chinese).

Like the preflight, it never refuses a document: one it cannot read is a check that says so,
unknown throughout. So nothing may escape it, and a licence it could not read must never pass.
"""

import functools
from datetime import date

from iprdesk.provenance.licence import check_licence
from tests.fuzz import Defect, Target, register
from tests.pdfs import scanned_pdf, text_pdf, unicode_pdf
from tests.test_licence import EN_GOOD, SELLER, ZH_GOOD


@functools.cache
def licence_seeds() -> list[bytes]:
    return [text_pdf(EN_GOOD), unicode_pdf(ZH_GOOD), EN_GOOD.encode(), ZH_GOOD.encode("gb18030"),
            scanned_pdf("IMAGE LICENCE")]


def check(data: bytes) -> None:
    result = check_licence(data, SELLER, date(2026, 12, 6))
    for lang in ("en", "zh_CN"):
        result.to_dict(lang)
    if result.read_problem and result.status == "pass":
        raise Defect("a licence not wholly read passed")


register(Target("licence", licence_seeds, check, expected=()))
