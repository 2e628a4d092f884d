// Evidence capture on Panel pages: mounts the hidden capture frame the service worker asks
// for (it reads the page archive), and says how every capture went, in a toast or in the card
// the seller has open: saved, with the first characters of the screenshot's SHA-256, or why
// it failed. Row buttons live in the page modules; they ask the service worker for
// "evidence.capture".
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

  // A capture's news while the seller has a card open is said in that card (its status line,
  // below the buttons, as its own capture button's news): the card's own room, where no free
  // corner is needed (an open card fills a narrow window, and a toast there would cover the
  // Panel's text or the card). A failure too, in the words that say how to fix it. False where
  // no card is open.
  function saidInOpenCard(text, kind) {
    const card = document.querySelector("iprdesk-overlay[open]")?.shadowRoot?.querySelector(".card");
    if (card) iprdesk.annotation.status(card, text, kind);
    return !!card;
  }

  // A card opened while a capture's toast shows takes its news (its room, not a corner the
  // card may leave no free one of): watched while such a toast shows.
  let cardWatch = null;
  function intoCardOnOpen(toast, text, kind) {
    cardWatch?.disconnect();
    cardWatch = new MutationObserver(() => {
      if (toast.isConnected && !saidInOpenCard(text, kind)) return;
      toast.remove();
      cardWatch.disconnect();
    });
    cardWatch.observe(document.documentElement, { subtree: true, attributeFilter: ["open"] });
  }

  // The failure's words: the agent's own messages come in the user's language, and so does
  // why iprdesk is unusable in this browser (host_*, worded by lib/host-problem.js); the
  // extension's words for the other states.
  function failure({ code, message }) {
    const known = { agent_unreachable: "stateNotRunning", not_paired: "stateNotPaired",
                    tab_not_visible: "evidenceTabNotVisible" }[code];
    const fallback = iprdesk.hostDown(code) ? iprdesk.t("hostDownFix") : "";
    return iprdesk.t("evidenceCaptureFailed", known ? iprdesk.t(known) : message || fallback);
  }

  function showToast(news) {
    const { ok, sha256, pageArchived } = news;
    const text = ok ? iprdesk.t("captured", sha256.slice(0, 12)) +
      (pageArchived ? "" : " " + iprdesk.t("evidenceNoArchive")) : failure(news);
    const kind = ok ? "ok" : "error";
    if (saidInOpenCard(text, kind)) return;
    const toast = document.createElement("div");
    toast.className = `toast ${kind}`;
    toast.setAttribute("role", "status");
    if (ok) {
      toast.textContent = iprdesk.t("evidenceCaptured") + " ";
      const code = document.createElement("code");
      code.textContent = `SHA-256 ${sha256.slice(0, 12)}…`;
      toast.append(code);
      if (!pageArchived) toast.append(" " + iprdesk.t("evidenceNoArchive"));
    } else {
      toast.textContent = text;
    }
    const root = iprdesk.overlay.floating("evidence-toast", TOAST_CSS);
    // One toast at a time, the newest capture's: a second one under the first would make the
    // host too tall for a free corner in a narrow window.
    root.querySelectorAll(".toast").forEach((earlier) => earlier.remove());
    root.append(toast);
    intoCardOnOpen(toast, text, kind);
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
