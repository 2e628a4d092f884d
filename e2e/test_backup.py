"""The options page backs up the agent's data (a download) and restores it (pick a file,
confirm; once more before replacing newer data), in English and Chinese."""

import json

import pytest

from iprdesk import backup as backups
from tests.helpers import iprdesk

pytestmark = pytest.mark.browser(vault="correct horse battery")


def new_case(home, complaint):
    out = iprdesk("case", "new", "--complaint-id", complaint, "--store-id", "S-1", "--type",
                  "copyright", "--complainant", "Lumen Images Inc.", "--products", "P-1",
                  "--json", home=home).stdout
    return json.loads(out)["id"]


@pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")
def test_back_up_then_restore_over_newer_data_after_confirming(browser, tmp_path):
    home = browser.home
    kept = new_case(home, f"CMP-KEPT-{tmp_path.name[-6:]}")
    options = browser.open_options()
    with options.expect_download() as download:
        options.click("#make-backup")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("iprdesk-backup-") and saved.suffix == ".zip"
    options.wait_for_selector("#backup-message.ok")
    checked = backups.open_backup(saved)
    assert f"cases/{kept}.json" in {e.path for e in checked.entries}
    assert checked.vault is not None
    checked.zf.close()

    later = new_case(home, f"CMP-LATER-{tmp_path.name[-6:]}")
    options.set_input_files("#restore-backup-file", str(saved))
    options.wait_for_selector("#restore-confirm:not([hidden])")
    assert saved.name in options.inner_text("#restore-question")
    options.click("#restore-go")
    # The agent refused: the case opened since would be replaced. The page asks once more.
    options.wait_for_selector("#restore-confirm:not([hidden]) #restore-go[data-force='1']")
    assert (home / "cases" / f"{later}.json").exists()  # nothing written yet
    options.click("#restore-go")
    options.wait_for_selector("#backup-message.ok")
    assert not (home / "cases" / f"{later}.json").exists()
    assert (home / "cases" / f"{kept}.json").exists()
    moved = list(home.glob(f"restore-previous-*/cases/{later}.json"))
    assert moved  # moved aside, not deleted
    assert str(moved[0].parent.parent) in options.inner_text("#backup-message")
    options.close()
