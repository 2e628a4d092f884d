// Content scripts never talk to the agent: they ask the service worker.
// Shared namespace for the content scripts of this extension (isolated world, not the page's).
globalThis.iprdesk = globalThis.iprdesk || {};

iprdesk.ask = async function ask(type, payload = {}) {
  let reply;
  try {
    reply = await chrome.runtime.sendMessage({ type, ...payload });
  } catch (e) {
    // The extension was reloaded or updated under this page.
    const err = new Error("extension_unavailable");
    err.code = "extension_unavailable";
    throw err;
  }
  if (!reply || !reply.ok) {
    const err = new Error(reply?.error?.message || "no answer");
    err.code = reply?.error?.code || "error";
    throw err;
  }
  return reply.data;
};

// The codes of "iprdesk cannot be used in this browser" (not installed, did not start): all
// begin with host_ (background/native.js); the fix is `iprdesk install`.
iprdesk.hostDown = (code) => typeof code === "string" && code.startsWith("host_");

iprdesk.t = (key, ...subs) => chrome.i18n.getMessage(key, subs) || key;
