"""Originals sealed before stripping, through real Chromium and the real extension: a phone
photo uploaded on the product page reaches "Joom" clean, while the vault (locked) keeps the
original with its metadata, linked to the clean copy by both hashes, and the image's
provenance record lists it."""

import hashlib
import json
import time

import pytest

from e2e.conftest import PRODUCT, wait_uploads
from tests import image_fixtures as fx
from tests.helpers import iprdesk

PASSPHRASE = "e2e vault passphrase"
pytestmark = [pytest.mark.browser(vault=PASSPHRASE),
              pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO")]


def record_of(browser, sha: str, timeout=60.0) -> dict:
    """The image's provenance record once the agent has sealed the original (it answers the
    upload first); the bound only ends a broken test on a loaded machine."""
    deadline = time.monotonic() + timeout
    while True:
        done = iprdesk("provenance", "show", sha, "--json", home=browser.home, check=False)
        if done.returncode == 0 or time.monotonic() > deadline:
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout)
        time.sleep(0.1)


@fx.needs_exiftool
def test_an_uploaded_phone_photo_is_kept_as_the_original(browser, product, tmp_path):
    page = product
    original = fx.photo_jpeg()  # GPS near Shanghai, an iPhone 14 Pro, its serial number
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(original)
    page.set_input_files("#image-upload", str(photo))
    [upload] = wait_uploads(browser, page, 1)
    assert fx.leftover_metadata(upload.body) == {}  # the page got the clean copy

    clean_sha = hashlib.sha256(upload.body).hexdigest()
    record = record_of(browser, clean_sha)
    [document] = record["documents"]["original"]
    assert document["sha256"] == hashlib.sha256(original).hexdigest()
    assert document["sealed_by"] == "upload" and record["name"] == "IMG_2041.jpg"
    assert record["product"] == PRODUCT.split("/")[2]  # the product the page's address gives

    env = {"IPRDESK_PASSPHRASE": PASSPHRASE}
    item = json.loads(iprdesk("vault", "show", document["item"], "--json", home=browser.home,
                              env=env).stdout)
    assert item["kind"] == "original" and item["clean_sha256"] == clean_sha
    assert item["sha256"] == document["sha256"]
    out = tmp_path / "kept.jpg"
    iprdesk("vault", "get", item["id"], "-o", str(out), home=browser.home, env=env)
    assert out.read_bytes() == original
    tags = fx.exiftool(out.read_bytes())
    assert tags["GPS:GPSLatitude"] == 31.2304 and tags["IFD0:Model"] == "iPhone 14 Pro"
