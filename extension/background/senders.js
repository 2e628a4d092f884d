// Who sent a message. Content scripts run inside Panel pages, which are not ours: whatever a
// page's renderer can run as them must not change the extension's settings or pairing, or
// reach the vault. Those messages are accepted from the extension's own pages only.

export function fromExtensionPage(sender) {
  return typeof sender?.url === "string" && sender.url.startsWith(chrome.runtime.getURL(""));
}

export function requireExtensionPage(sender) {
  if (!fromExtensionPage(sender)) {
    const e = new Error("only the extension's own pages may do this");
    e.code = "forbidden";
    throw e;
  }
}
