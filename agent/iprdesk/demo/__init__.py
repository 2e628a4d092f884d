"""`iprdesk demo`: every feature on a bundled stand-in Panel, without a Joom account.

`seed(home)` fills a fresh data directory: cases whose deadlines are in every state, a
penalty seen on the account page, and an evidence vault (demo passphrase) holding one case's
agreement and payment proof, so the preflight has real documents to read. `DemoPanel` serves
the stand-in Merchant Panel pages, with dates relative to now so the countdowns always show
warning, urgent and overdue rows.
`iprdesk.demo.run` drives the agent and Chromium.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from iprdesk.account.penalties import PenaltyHistory
from iprdesk.casework import cases
from iprdesk.config import Config
from iprdesk.demo.pdf import AGREEMENT, PAYMENT, text_pdf
from iprdesk.timeutil import iso, utc_now

PANEL_DIR = Path(__file__).resolve().parent / "panel"
STORE = "5f1a2b3c4d5e6f7a"
# A demo vault only: it holds made-up documents.
DEMO_PASSPHRASE = "iprdesk demo passphrase"  # noqa: S105
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css"}


@dataclass
class Seeded:
    main_case: str
    overdue_case: str


def seed(home: Path, now: datetime | None = None) -> Seeded:
    """Cases and vault documents for the demo, in a fresh data directory."""
    from iprdesk.vault import Vault
    from iprdesk.vault.crypto import KdfParams

    now = now or utc_now()
    store = cases.CaseStore(home)
    main = store.new(complaint_id="CMP-DEMO-0001", store_id=STORE, type="copyright",
                     complainant="Greer, Burns & Crain, Ltd.",
                     products=["6a1f00aa01", "6a1f00aa02"],
                     received=iso(now - timedelta(hours=43)), now=now)
    store.record_event(main.id, "offer_received", iso(now - timedelta(hours=20)), now=now)
    overdue = store.new(complaint_id="CMP-DEMO-0004", store_id=STORE, type="copyright",
                        complainant="Northwind Photo Agency", products=["6a1f00aa06"],
                        received=iso(now - timedelta(hours=52)), now=now)
    # A penalty banner seen on the account page: the desk shows where the store stands.
    PenaltyHistory(home).record("penalty", "Your store received 10 penalty points for an IPR "
                                f"violation on {now - timedelta(days=2):%Y-%m-%d}.", now=iso(now))
    # Who signs the drafted letters; the demo's Chinese seller (the slip's ordering customer).
    config = Config.load(home)
    config.set_seller(name="Li Wei", company="Shenzhen Example Trading Co., Ltd.",
                      store="Bright Home Goods")
    config.save(home)
    # The floor of RFC 9106's parameters: a demo vault opens in a blink.
    vault = Vault.create(home, DEMO_PASSPHRASE, kdf=KdfParams.floor())
    agreement = AGREEMENT.format(store=STORE, products=", ".join(main.products))
    vault.add(text_pdf(agreement), {"kind": "agreement", "case": main.id,
                                    "original_name": "settlement-agreement-signed.pdf"})
    # The bank slip's memo lacks the store ID: the preflight shows how it fails and the fix.
    slip = PAYMENT.format(store="").rstrip() + "\n"
    vault.add(text_pdf(slip), {"kind": "payment", "case": main.id,
                               "original_name": "bank-slip.pdf"})
    return Seeded(main.id, overdue.id)


class DemoPanel:
    """The stand-in Merchant Panel: path -> (status, content type, body)."""

    PAGES = {"/ipr/complaints": "complaints.html", "/ipr/appeals": "appeals.html",
             "/account": "account.html"}

    def __init__(self, now: datetime | None = None):
        self.now = now or utc_now()

    def _stamp(self, match: re.Match) -> str:
        return (self.now - timedelta(hours=int(match.group(1)))).strftime("%Y-%m-%d %H:%M UTC")

    def page(self, path: str) -> tuple[int, str, bytes]:
        if path.startswith("/static/"):
            name = path.removeprefix("/static/")
            file = PANEL_DIR / name
            if "/" not in name and file.suffix == ".css" and file.is_file():
                return 200, CONTENT_TYPES[".css"], file.read_bytes()
        elif path.rstrip("/") in self.PAGES:
            html = (PANEL_DIR / self.PAGES[path.rstrip("/")]).read_text(encoding="utf-8")
            html = html.replace("<!--topbar-->", (PANEL_DIR / "topbar.html").read_text())
            html = re.sub(r"\{\{ago:(\d+)\}\}", self._stamp, html).replace("{{store}}", STORE)
            return 200, CONTENT_TYPES[".html"], html.encode()
        return 404, CONTENT_TYPES[".html"], b"<h1>Not in the demo</h1>"
