"""The desk's vault, in real Chromium with the real extension and agent, in English and in
Chinese: the popup sends a seller without a vault to the desk, which creates it (strength
feedback, the no-recovery warning), locks, unlocks and changes the passphrase; the vault on
disk opens with the passphrase chosen in the browser, and with no other."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import keep_screenshot, words
from iprdesk.vault import Vault
from iprdesk.vault.errors import WrongPassphrase

FIRST = "rainy tuesday lantern harbour"
SECOND = "seven quiet herons over the canal"
pytestmark = pytest.mark.parametrize("browser", ["en", "zh_CN"], indirect=True, scope="module")


def vault_section(page, state):
    section = page.locator(f"#vault .body[data-vault='{state}']")
    section.wait_for()
    return section


def test_vault_created_locked_unlocked_and_its_passphrase_changed_in_the_browser(browser,
                                                                                request):
    lang = request.node.callspec.params["browser"]
    popup = browser.open_extension_page("popup/popup.html")
    expect(popup.locator("#vault-state")).to_have_text(words(lang, "vaultMissing"))
    with browser.context.expect_page() as opened:
        popup.locator("#create-vault").click()
    assert opened.value.url.endswith("desk/desk.html#vault")
    # A tab the extension opens misses Playwright's language and zone emulation: the desk
    # is read in one Playwright opened.
    opened.value.close()
    desk = browser.open_extension_page("desk/desk.html#vault")
    section = vault_section(desk, "missing")
    expect(section.locator("#no-recovery")).to_have_text(words(lang, "vaultNoRecovery"))
    create = section.locator("#create-vault")

    # Too short, then weak: said as typed, and the vault cannot be made short.
    section.locator("#new-passphrase").fill("abc")
    expect(section.locator("#strength-words")).to_have_text(words(lang, "strengthShort", "8"))
    section.locator("#new-passphrase").fill("password123")
    expect(section.locator("#strength-words")).to_have_text(words(lang, "strengthWeak"))
    section.locator("#new-passphrase").fill(FIRST)
    expect(section.locator(".strength")).to_have_attribute("data-level", "good")
    section.locator("#repeat-passphrase").fill(FIRST + "x")
    expect(section.locator("#passphrase-mismatch")).to_have_text(words(lang, "vaultMismatch"))
    section.locator("#repeat-passphrase").fill(FIRST)
    expect(section.locator("#passphrase-mismatch")).to_have_text("")
    # Not before the seller has read that nobody can recover it.
    expect(create).to_be_disabled()
    keep_screenshot(desk, f"desk-vault-create-{lang}")
    section.locator("#no-recovery-agree").check()
    expect(create).to_be_enabled()
    create.click()

    section = vault_section(desk, "unlocked")
    expect(section.locator("#vault-news")).to_have_text(words(lang, "vaultCreated"))
    assert Vault.exists(browser.home)
    keep_screenshot(desk, f"desk-vault-unlocked-{lang}")

    section.locator("#lock").click()
    section = vault_section(desk, "locked")
    section.locator("#passphrase").fill("not the passphrase")
    section.locator("#unlock").click()
    expect(section.locator("#vault-message.error")).not_to_be_empty()
    keep_screenshot(desk, f"desk-vault-wrong-passphrase-{lang}")
    section.locator("#passphrase").fill(FIRST)
    section.locator("#unlock").click()

    section = vault_section(desk, "unlocked")
    section.locator("#change-passphrase-box summary").click()
    section.locator("#current-passphrase").fill(FIRST)
    section.locator("#new-passphrase").fill(SECOND)
    section.locator("#repeat-passphrase").fill(SECOND)
    keep_screenshot(desk, f"desk-vault-change-{lang}")
    section.locator("#change-passphrase").click()
    expect(section.locator("#change-message.ok")).to_have_text(words(lang, "vaultChanged"))

    # On disk: the new passphrase opens the vault, the first one no longer does.
    vault = Vault.open(browser.home)
    vault.unlock(SECOND)
    with pytest.raises(WrongPassphrase):
        Vault.open(browser.home).unlock(FIRST)
    popup = browser.open_extension_page("popup/popup.html")  # the first one closed itself
    expect(popup.locator("#vault-state")).to_have_text(
        words(lang, "vaultUnlocked", "0").replace("{item|items}", "items"))
