// Evidence capture on Panel pages: mounts the hidden capture frame the service worker asks
// for (it reads the page archive), and confirms every capture with a toast (or in the card the
// seller has open) carrying the first characters of the screenshot's SHA-256. Row buttons live in the page modules; they ask the
// service worker for "evidence.capture".
(() => {
  const frames = new Map();  // requestId -> iframe

  function mountFrame(requestId) {
    const frame = document.createElement("iframe");
    frame.src = chrome.runtime.getURL("capture/frame.html") + "#" + requestId;
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    // Invisible and outside the layout, so the page (and the screenshot) stay as they were.
    frame.style.cssText = "position:fixed;width:0;height:0;border:0;left:-10px;top:-10px;" +
                          "visibility:hidden;pointer-events:none";
    document.documentElement.append(frame);
    frames.set(requestId, frame);
  }

  function unmountFrame(requestId) {
    frames.get(requestId)?.remove();
    frames.delete(requestId);
  }

  const TOAST_CSS = `
    .toast { background: #1d1d1f; color: #fff; border-radius: 8px; padding: 10px 14px;
             box-shadow: 0 4px 14px rgba(0,0,0,.3); max-width: 360px; }
    .toast.error { background: #b00020; }
    .toast code { font: 12px ui-monospace, monospace; }
  `;

  // A capture saved while the seller has a card open is said in that card (its status line,
  // below the buttons, as its own capture button says it): the card's own room, where no free
  // corner is needed (an open card fills a narrow window). False where no card is open. A
  // failure still floats, in the words that say how to fix it.
  function savedInOpenCard(text) {
    const card = document.querySelector("iprdesk-overlay[open]")?.shadowRoot?.querySelector(".card");
    if (card) iprdesk.annotation.status(card, text, "ok");
    return !!card;
  }

  // A card opened while a capture's toast shows takes its news (its room, not a corner the
  // card may leave no free one of): watched while such a toast shows.
  let cardWatch = null;
  function intoCardOnOpen(toast, saved) {
    cardWatch?.disconnect();
    cardWatch = new MutationObserver(() => {
      if (toast.isConnected && !savedInOpenCard(saved)) return;
      toast.remove();
      cardWatch.disconnect();
    });
    cardWatch.observe(document.documentElement, { subtree: true, attributeFilter: ["open"] });
  }

  function showToast({ ok, sha256, pageArchived, code, message }) {
    const saved = ok && iprdesk.t("captured", sha256.slice(0, 12)) +
      (pageArchived ? "" : " " + iprdesk.t("evidenceNoArchive"));
    if (saved && savedInOpenCard(saved)) return;
    const toast = document.createElement("div");
    toast.className = ok ? "toast ok" : "toast error";
    toast.setAttribute("role", "status");
    if (ok) {
      toast.textContent = iprdesk.t("evidenceCaptured") + " ";
      const code = document.createElement("code");
      code.textContent = `SHA-256 ${sha256.slice(0, 12)}…`;
      toast.append(code);
      if (!pageArchived) toast.append(" " + iprdesk.t("evidenceNoArchive"));
    } else {
      // The agent's own messages come in the user's language, and so does why iprdesk is
      // unusable in this browser (host_*, worded by lib/host-problem.js); the extension's
      // words for the other states.
      const known = { agent_unreachable: "stateNotRunning", not_paired: "stateNotPaired",
                      tab_not_visible: "evidenceTabNotVisible" }[code];
      const fallback = iprdesk.hostDown(code) ? iprdesk.t("hostDownFix") : "";
      toast.textContent = iprdesk.t("evidenceCaptureFailed",
                                    known ? iprdesk.t(known) : message || fallback);
    }
    const root = iprdesk.overlay.floating("evidence-toast", TOAST_CSS);
    root.host.style.zIndex = "2147483647";  // a failure's, over a card opened while it shows
    // One toast at a time, the newest capture's: a second one under the first would make the
    // host too tall for a free corner in a narrow window.
    root.querySelectorAll(".toast").forEach((earlier) => earlier.remove());
    root.append(toast);
    if (saved) intoCardOnOpen(toast, saved);
    else cardWatch?.disconnect();
    setTimeout(() => toast.remove(), 8000);
  }

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || sender.tab) return false;  // the service worker only
    if (message?.type === "evidence.mountFrame") mountFrame(message.requestId);
    else if (message?.type === "evidence.unmountFrame") unmountFrame(message.requestId);
    else if (message?.type === "evidence.toast") showToast(message);
    else return false;
    sendResponse(true);
    return false;
  });
})();
