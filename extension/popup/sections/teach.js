// Teach mode from the popup: on a Panel page iprdesk does not read (content/teach.js decides,
// as the page's own prompt does), say so and start the on-page teaching there.
import { el } from "../../lib/dom.js";
import { t } from "../../lib/page-common.js";

async function activeTab() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

async function askTab(tab, type) {
  try {
    return await chrome.tabs.sendMessage(tab.id, { type });
  } catch {
    return null;  // no iprdesk content script there: not a Merchant Panel page
  }
}

const SAYS = { unrecognised: "teachPopupUnrecognised", missing: "teachPopupMissing" };

async function render(container) {
  const tab = await activeTab();
  const reply = tab && await askTab(tab, "teach.state");
  if (!reply?.ok || !SAYS[reply.state]) return;  // not the Panel, or a page iprdesk reads
  const start = el("button", { id: "teach-start", type: "button", className: "primary",
                               textContent: t("teachStart") });
  start.addEventListener("click", async () => {
    await askTab(tab, "teach.start");
    window.close();  // the teaching goes on on the page
  });
  container.append(el("h2", { textContent: t("teachTitle") }),
                   el("p", { className: "note", id: "teach-state", dataset: { state: reply.state },
                             textContent: t(SAYS[reply.state]) }),
                   start);
}

export default { id: "teach", render };
