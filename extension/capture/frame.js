// Read this tab's page archive and hand it to the service worker (see handlers/evidence.js).
import { toBase64 } from "../lib/bytes.js";
import { ask } from "../lib/page-common.js";

const requestId = location.hash.slice(1);

async function archive() {
  const tab = await chrome.tabs.getCurrent();
  const blob = await chrome.pageCapture.saveAsMHTML({ tabId: tab.id });
  return toBase64(new Uint8Array(await blob.arrayBuffer()));
}

archive().then(
  (mhtml) => ask("evidence.frameResult", { requestId, mhtml }),
  (e) => ask("evidence.frameResult", { requestId, error: String(e?.message || e) }),
).catch(() => {});
