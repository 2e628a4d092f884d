"""The bundle's report.html begins with the case summary in the user's language: the complaint
and its parties, the deadlines, the timeline in local time with its zone, the preflight, the
new images' thumbnails and the old image URLs' last checks; readable printed too."""

import html
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bench.imagegen import jpeg, product_photo

from iprdesk import timeutil
from iprdesk.casework import bundle_report, case_images, cases
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch
from iprdesk.vault.bundle import export_bundle, verify_bundle
from tests.helpers import open_case

RECEIVED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NOW = RECEIVED + timedelta(hours=30)
OLD_URL = "https://img.joomcdn.net/" + "a" * 40 + "_1024_1024.jpeg"


@pytest.fixture
def case_bundle(vault, vault_home):
    case = open_case(vault_home, "CMP-77", complainant="Bright Lens Studio LLC",
                     law_firm="Keith A. Vogt, Ltd.",
                     products=["64f0c1e2a9b8c7d6e5f40312"], received=timeutil.iso(RECEIVED),
                     court_case="1:26-cv-01234", now=RECEIVED)
    cases.CaseStore(vault_home).record_event(case.id, "images_replaced",
                                             at=timeutil.iso(RECEIVED + timedelta(hours=5)))
    vault.add(jpeg(product_photo(5, (300, 300))), {
        "kind": "photo", "case": case.id, "content_type": "image/jpeg",
        "original_name": "new-main.jpg", "captured_at": timeutil.iso(RECEIVED)})
    # A complained image the seller dropped: its thumbnail is shown beside the new ones.
    case_images.CaseImages(vault_home).add_complained(
        case.id, jpeg(product_photo(6, (400, 300))), "from-the-notice.jpg", now=RECEIVED)
    watch = urlwatch.WatchList(vault_home)
    watch.add(case.id, [OLD_URL], now=RECEIVED, variants=False)
    watch.record([(case.id, urlcheck.CheckResult(
        url=OLD_URL, verdict="dead", reason=urlcheck.reason("serves_image"), status=404,
        final_url=OLD_URL, redirects=[], headers={}, body_sha256=None, body_bytes=0,
        checked_at=timeutil.iso(RECEIVED + timedelta(hours=6)), elapsed_ms=1, attempts=1),
        None)], RECEIVED + timedelta(hours=6))

    def export(lang, tmp_path, audience="cli", zone=None):
        path = tmp_path / f"bundle-{lang}.zip"
        export_bundle(vault, path, case=case.id, lang=lang, zone=zone,
                      summary=bundle_report.for_case(vault_home, case.id, vault, lang, NOW,
                                                     audience=audience, zone=zone))
        assert verify_bundle(path).ok
        with zipfile.ZipFile(path) as zf:
            return zf.read("report.html").decode()

    return case, export


def summary_of(report: str) -> str:
    return re.search(r'<section class="summary">(.*?)</section>', report, re.S).group(1)


def test_the_summary_in_english(case_bundle, tmp_path):
    case, export = case_bundle
    report = export("en", tmp_path)
    assert '<html lang="en">' in report and "@media print" in report
    summary = summary_of(report)
    for text in ("Case summary", "CMP-77", "Bright Lens Studio LLC", "Keith A. Vogt, Ltd.",
                 "1:26-cv-01234",
                 "64f0c1e2a9b8c7d6e5f40312", "Respond to the complaint",
                 "Images replaced (moderation started)", "Complaint received",
                 "Appeal preflight", OLD_URL, "gone (dead)", "new-main.jpg",
                 "Schedule A", "<th>Law firm</th>"):
        assert text in summary, text
    # times as the seller reads them: local, with the zone
    assert timeutil.shown(timeutil.iso(RECEIVED), "en") in summary
    assert timeutil.shown(timeutil.iso(RECEIVED + timedelta(hours=6)), "en") in summary
    assert re.search(r"<img alt=\"\" src=\"data:image/jpeg;base64,[A-Za-z0-9+/=]+\">", summary)
    # The complained image's thumbnail, under its own heading (the dead URL never served one).
    complained = summary.split("<h3>Complained images</h3>", 1)[1]
    assert re.search(r'<div class="thumbs complained"><figure><img alt="" '
                     r'src="data:image/jpeg;base64,[A-Za-z0-9+/=]+"><figcaption>'
                     r"from-the-notice.jpg</figcaption></figure></div>", complained)
    assert 'data-ready="false"' in summary  # the preflight's verdict, not made up
    assert "Z<" not in summary  # no bare UTC stamps in what a person reads


def test_the_summary_in_chinese(case_bundle, tmp_path):
    _, export = case_bundle
    summary = summary_of(export("zh_CN", tmp_path))
    for text in ("案件摘要", "期限", "时间线", "申诉预检", "已失效", "新图片", "CMP-77",
                 "回复投诉", "<th>律所</th>", "<h3>被投诉的图片</h3>", "from-the-notice.jpg"):
        assert text in summary, text
    assert "Case summary" not in summary and "Deadlines" not in summary
    assert timeutil.shown(timeutil.iso(RECEIVED), "zh_CN") in summary


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_bundle_exported_in_the_browser_names_no_command_and_reads_in_the_browsers_zone(
        case_bundle, tmp_path, lang):
    """Exported from the case page: the checks' advice is the page's (no `iprdesk vault add`,
    no `--new-image FILE`; how a reviewer verifies the bundle stays a command, for them), and
    every time, the evidence timeline's too, in the browser's zone."""
    _, export = case_bundle
    zone = ZoneInfo("Asia/Shanghai")
    report = export(lang, tmp_path, audience="browser", zone=zone)
    for command in ("iprdesk vault", "iprdesk case", "--new-image", "--payment", "FILE"):
        assert command not in summary_of(report), command
    assert timeutil.shown(timeutil.iso(RECEIVED), lang, zone=zone) in report
    assert "UTC+8" in report and "(UTC)" not in report and "（UTC）" not in report
    assert not re.search(r">\d{4}-\d\d-\d\dT[\d:]+Z<", report)  # no bare ISO stamp shown
    checked = {"en": "Checked: ", "zh_CN": "检查时间："}[lang]
    assert checked in summary_of(report)
    # A file has no "below": the advice names where on the case page each fix is made.
    summary = summary_of(report)
    for nowhere in ("below", "above", "下方", "上方"):
        assert nowhere not in summary, nowhere
    where = {"en": "Add the signed PDF on the case's page in iprdesk, under Documents.",
             "zh_CN": "请在 iprdesk 的案件页面“文件”部分添加已签署的 PDF。"}[lang]
    assert html.escape(where) in summary


def test_a_bundle_of_no_case_has_no_summary(vault, tmp_path):
    vault.add(b"%PDF x", {"kind": "receipt", "original_name": "r.pdf"})
    path = tmp_path / "all.zip"
    export_bundle(vault, path)
    with zipfile.ZipFile(path) as zf:
        assert 'class="summary"' not in zf.read("report.html").decode()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_report_screenshot(case_bundle, tmp_path, lang):
    """The report on screen and printed, for the developer to look at (saved beside the test's
    files); a CJK font renders the Chinese."""
    from playwright.sync_api import sync_playwright

    from e2e.conftest import CHROMIUM

    _, export = case_bundle
    report = tmp_path / f"report-{lang}.html"
    report.write_text(export(lang, tmp_path))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(report.as_uri())
        page.screenshot(path=str(tmp_path.parent / f"bundle-report-{lang}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1100  # nothing wider than the window
        # The checks' result (one word) leaves the room to their details, on screen as printed.
        for media in ("screen", "print"):
            page.emulate_media(media=media)
            status, details = page.evaluate("""() => {
                const row = document.querySelector("table.checks tbody tr");
                return [row.querySelector("td.status"), row.querySelector("td:last-child")]
                    .map((cell) => cell.getBoundingClientRect().width);
            }""")
            assert status * 3 < details, (media, status, details)
        pdf = page.pdf(format="A4")
        browser.close()
    assert pdf.startswith(b"%PDF") and len(io.BytesIO(pdf).getvalue()) > 1000
