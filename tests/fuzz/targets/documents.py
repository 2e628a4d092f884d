"""The preflight's PDF reader: the settlement agreement and payment proof a seller gives it.

The preflight never refuses a document: a PDF it cannot read becomes a check that says so
(damaged, scanned, encrypted, not a PDF). So nothing at all may escape it, not even the
product's own error, and every message it builds must render in both languages.
"""

import functools
import logging

from iprdesk.casework import cases, preflight
from tests.fuzz import Target, register
from tests.pdfs import AGREEMENT, PAYMENT, scanned_pdf, text_pdf

STORE = "5f1a2b3c4d5e"
PRODUCTS = ["6a1f00aa01", "6a1f00aa02", "6a1f00aa03"]
# pypdf logs every repair it makes to a damaged file: thousands of lines in a campaign.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)
CASE = cases.Case(id="c-fuzz", complaint_id="CMP-7781", store_id=STORE, type="copyright",
                  complainant="Greer, Burns & Crain", products=PRODUCTS,
                  events={"received": "2026-03-01T09:00:00Z"}, created="2026-03-01T09:00:00Z")


@functools.cache
def pdf_seeds() -> list[bytes]:
    return [text_pdf(AGREEMENT.format(store=STORE, products=", ".join(PRODUCTS))),
            text_pdf(PAYMENT.format(store=STORE)),
            scanned_pdf("Joom Settlement")]


def read_pdf(data: bytes) -> None:
    docs = [preflight.Document("fuzz.pdf", data)]
    for kind, checks in (("agreement", preflight.AGREEMENT_CHECKS),
                         ("payment", preflight.PAYMENT_CHECKS)):
        for check in preflight.document_checks(kind, docs, None, checks, CASE):
            check.to_dict("en")


register(Target("pdf", pdf_seeds, read_pdf, expected=()))
