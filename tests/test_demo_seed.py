"""The demo's data: cases in several deadline states and real documents behind a preflight."""

from iprdesk.casework import cases, drafts, preflight
from iprdesk.config import Config
from iprdesk.demo import DEMO_PASSPHRASE, STORE, DemoPanel, seed
from iprdesk.vault import Vault


def test_seed_gives_the_preflight_real_documents(home):
    seeded = seed(home)
    store = cases.CaseStore(home)
    states = {c.id: c.next_deadline()["state"] for c in store.by_urgency()}
    assert states == {seeded.overdue_case: "overdue", seeded.main_case: "urgent"}
    vault = Vault.open(home)
    vault.unlock(DEMO_PASSPHRASE)
    main = store.get(seeded.main_case)
    checks = preflight.run(main, preflight.gather(home, main, vault=vault))
    got = {c.id: c.status for c in checks}
    assert got["agreement.products"] == "pass" and got["agreement.names_joom"] == "pass"
    assert got["payment.memo"] == "fail"  # the demo shows a failing check and its fix
    # ...and a draft that leaves that fact as a gap, signed by the demo's seller.
    draft = drafts.render(main, "joom_support", checks, Config.load(home).seller())
    assert ["payment.memo"] in [g["checks"] for g in draft["gaps"]]
    assert "names SIA Joom as a released party." in draft["body"]
    assert "Li Wei\nShenzhen Example Trading Co., Ltd.\nBright Home Goods" in draft["body"]


def test_demo_panel_pages():
    panel = DemoPanel()
    status, content_type, body = panel.page("/ipr/complaints")
    assert status == 200 and content_type.startswith("text/html")
    assert b"{{" not in body and STORE.encode() in body and b"UTC" in body
    assert panel.page("/static/panel.css")[0] == 200
    assert panel.page("/static/../__init__.py")[0] == 404
    assert panel.page("/orders")[0] == 404
