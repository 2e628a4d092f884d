// "Copy page report": for support, when iprdesk does not read a Panel page. The report
// (content/page-report.js) holds the page's structure and how the page map matched it, never
// a cell, a name or an ID; it is shown here before it is copied, so the seller sees what
// they send.
import { el } from "../../lib/dom.js";
import { t } from "../../lib/page-common.js";

async function reportOfActiveTab() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  try {
    const reply = await chrome.tabs.sendMessage(tab.id, { type: "page.report" });
    return reply?.ok ? reply.report : null;
  } catch {
    return null;  // no iprdesk content script there: not a Merchant Panel page
  }
}

function render(container) {
  const message = el("div", { id: "page-report-message", className: "message", role: "status" });
  const text = el("pre", { id: "page-report-text", className: "page-report", hidden: true });
  const copy = el("button", { id: "copy-page-report", type: "button",
                              textContent: t("pageReportCopy") });
  copy.addEventListener("click", async () => {
    copy.disabled = true;
    try {
      const report = await reportOfActiveTab();
      if (!report) {
        message.className = "message error";
        message.textContent = t("pageReportNoPanel");
        text.hidden = true;
        return;
      }
      text.textContent = JSON.stringify(report, null, 2);
      text.hidden = false;
      await navigator.clipboard.writeText(text.textContent);
      message.className = "message ok";
      message.textContent = t("pageReportCopied");
    } catch (e) {
      message.className = "message error";
      message.textContent = t("pageReportCopyFailed", e.message);
    } finally {
      copy.disabled = false;
    }
  });
  container.append(el("h2", { textContent: t("pageReportTitle") }),
                   el("p", { className: "note", textContent: t("pageReportExplain") }),
                   copy, message, text);
}

export default { id: "page-report", render };
