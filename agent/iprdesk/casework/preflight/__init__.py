"""Appeal preflight: will Joom reject this appeal, and why?

Reads the case's settlement agreement and payment proof (text via pypdf), the results of the
image and URL checks, and the case's deadlines, and answers one check per known rejection
reason (DESIGN section 1). A check is `pass` only on positive evidence: a scanned PDF with no
text, a locked vault or a check that has not run yet is `unknown` and says what to do, never
`pass`. Every message exists in English and Chinese (shared/messages).
"""

from iprdesk.casework.preflight.checks import (
                                               AGREEMENT_CHECKS,
                                               AUDIENCES,
                                               CHECK_IDS,
                                               PAYMENT_CHECKS,
                                               Check,
                                               document_checks,
                                               run,
                                               urls_dead_check,
)
from iprdesk.casework.preflight.gather import Document, Inputs, gather
from iprdesk.casework.preflight.render import render_html, report

__all__ = ["AGREEMENT_CHECKS", "AUDIENCES", "CHECK_IDS", "PAYMENT_CHECKS", "Check", "Document",
           "Inputs", "document_checks", "gather", "render_html", "report", "run", "urls_dead_check"]
