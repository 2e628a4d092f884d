"""An image uploaded on the product page of an open case is compared with the case's
complained images before the page gets it: a mirrored copy is stopped with a warning and a
choice, a new photo passes, "upload anyway" is recorded on the case. In English and Chinese."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from bench.imagegen import EDITS, jpeg, product_photo

from e2e.conftest import PRODUCT, wait_uploads
from iprdesk import timeutil
from iprdesk.casework import cases, upload_check
from iprdesk.images import similar
from iprdesk.urls import watch as urlwatch
from tests.conftest import REPO
from tests.helpers import open_case

PRODUCT_ID = PRODUCT.split("/")[2]
COMPLAINED = product_photo(31, (640, 640))
OLD_URL = "https://img.joomcdn.net/" + "f" * 40 + "_1024_1024.jpeg"
MESSAGES = {lang: json.loads((REPO / f"extension/_locales/{lang}/messages.json").read_text())
            for lang in ("en", "zh_CN")}


def text(lang, key, *subs):
    message = MESSAGES[lang][key]["message"]
    for name, sub in zip(message_placeholders(lang, key), subs, strict=True):
        message = message.replace(f"${name}$", sub)
    return message


def message_placeholders(lang, key):
    holders = MESSAGES[lang][key].get("placeholders", {})
    return sorted(holders, key=lambda name: holders[name]["content"])


def complained_case(b):
    """Complaint CMP-SIM on the mock product, whose old URL served COMPLAINED."""
    case = open_case(b.home, "CMP-SIM", products=[PRODUCT_ID])
    later = timeutil.utc_now() + timedelta(days=1)  # not due: the agent leaves it be
    urlwatch.WatchList(b.home).add(case.id, [OLD_URL], similar.fingerprint_bytes(jpeg(COMPLAINED)),
                                   now=later, variants=False)


pytestmark = pytest.mark.browser(setup=complained_case)


def toast_says(page, words):
    page.wait_for_function("(t) => window.uploadToasts.some((x) => x.includes(t))", arg=words)


def choose(page, tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    page.set_input_files("#image-upload", str(path))


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_a_mirrored_copy_is_stopped_and_a_new_photo_passes(browser, product, tmp_path, request):
    lang = request.node.callspec.params["browser"]
    case = cases.CaseStore(browser.home).resolve("CMP-SIM")
    mirrored = jpeg(EDITS["mirror"](COMPLAINED))

    # A mirrored copy of the complained picture: held, with the warning and the choice.
    choose(product, tmp_path, "mirror.jpg", mirrored)
    dialog = product.locator(".toast[data-kind='similar']")
    dialog.wait_for()
    assert dialog.get_attribute("role") == "alertdialog"
    shown = dialog.inner_text()
    assert text(lang, "uploadSimilarTitle") in shown
    assert text(lang, "uploadSimilarBody", "mirror.jpg", "CMP-SIM",
                text(lang, "uploadSimilarMirrored")) in shown
    product.screenshot(path=str(tmp_path.parent / f"upload-similar-{lang}.png"))
    box, viewport = dialog.bounding_box(), product.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    dialog.locator("button.cancel").click()
    toast_says(product, text(lang, "uploadSimilarCancelled", "mirror.jpg"))
    assert browser.panel.uploads == [] and product.locator("#gallery figure").count() == 2

    # A genuinely new photo passes without a question.
    choose(product, tmp_path, "new.jpg", jpeg(product_photo(32, (640, 640))))
    [upload] = wait_uploads(browser, product, 1)
    assert upload.name == "new.jpg"
    assert product.locator(".toast[data-kind='similar']").count() == 0
    assert upload_check.UPLOADED_ANYWAY not in cases.CaseStore(browser.home).get(case.id).events

    # The mirrored copy again, uploaded anyway: it reaches the page and the case records it.
    choose(product, tmp_path, "mirror-again.jpg", mirrored)
    dialog.wait_for()
    dialog.locator("button.anyway").click()
    uploads = wait_uploads(browser, product, 2)
    assert uploads[-1].name == "mirror-again.jpg"
    assert similar.compare(similar.fingerprint_bytes(mirrored),
                           similar.fingerprint_bytes(uploads[-1].body)).verdict == "same"
    toast_says(product, text(lang, "uploadSimilarRecorded", "mirror-again.jpg", "CMP-SIM"))
    assert upload_check.UPLOADED_ANYWAY in cases.CaseStore(browser.home).get(case.id).events
