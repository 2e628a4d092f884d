"""Teach mode: a Panel page whose labels the page map does not know ("Claim No." where it says
"Complaint ID") is taught, kept by the agent, and annotated from then on."""

from e2e.conftest import launch_browser

CLAIMS = "/disputes/claims"
TAUGHT = {"page": "complaint-report", "path": CLAIMS, "lang": "en",
          "columns": {"complaintId": "Claim No.", "complainant": "Claimant", "date": "Filed on",
                      "products": "Listings", "type": "Claim kind", "status": "Progress"}}
ROW = "complaint:CLM-7001"


def annotated(page):
    """The claims page's first row annotated as a copyright complaint."""
    host = page.locator(f"iprdesk-overlay[data-iprdesk-id='{ROW}']")
    host.wait_for(state="attached", timeout=10000)
    assert host.get_attribute("data-type") == "copyright"
    assert page.get_attribute("html", "data-iprdesk-page") == "complaint-report"
    return host


def teach_by_message(browser, taught=TAUGHT):
    page = browser.open_extension_page("options/options.html")
    entry = page.evaluate("""async (taught) => {
        const reply = await chrome.runtime.sendMessage({ type: "pagemap.teach", taught });
        if (!reply.ok) throw new Error(reply.error.message);
        return reply.data;
    }""", taught)
    page.close()
    return entry


def test_a_taught_page_is_annotated_and_the_agent_keeps_it_across_a_reinstall(tmp_path):
    with launch_browser(tmp_path) as browser:
        entry = teach_by_message(browser)
        assert entry["path"] == CLAIMS
        page = browser.open_panel(CLAIMS)
        annotated(page)
        page.reload()
        annotated(page)
    # The extension installed anew (another profile), the same agent data directory.
    with launch_browser(tmp_path, profile="profile-reinstalled") as browser:
        annotated(browser.open_panel(CLAIMS))


def test_a_page_cannot_teach_a_url_pattern(tmp_path):
    with launch_browser(tmp_path) as browser:
        page = browser.open_extension_page("options/options.html")
        reply = page.evaluate("""(taught) => chrome.runtime.sendMessage(
            { type: "pagemap.teach", taught })""", {**TAUGHT, "urlPatterns": ["(a+)+$"]})
        assert not reply["ok"] and "unknown fields" in reply["error"]["message"]
