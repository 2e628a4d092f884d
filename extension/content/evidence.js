// Evidence capture on Panel pages: mounts the hidden capture frame the service worker asks
// for (it reads the page archive), and confirms every capture with a toast carrying the first
// characters of the screenshot's SHA-256. Row buttons live in the page modules; they ask the
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
             box-shadow: 0 4px 14px rgba(0,0,0,.3); max-width: 360px; margin-top: 8px; }
    .toast.error { background: #b00020; }
    .toast code { font: 12px ui-monospace, monospace; }
  `;

  function showToast({ ok, sha256, pageArchived, code, message }) {
    const root = iprdesk.overlay.floating("evidence-toast", TOAST_CSS);
    root.host.style.zIndex = "2147483647";  // over an open card too: it answers that card's button
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
    root.append(toast);
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
