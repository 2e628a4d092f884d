// The upload guard's fast path: the guard in the Panel page (content/upload-guard.js) hands
// each file here as a Blob over a MessageChannel, this page sends it to the agent (POST
// /v1/strip, binary, with the token it reads itself) and hands the clean file back as a Blob.
// No base64 and no service worker hop: a 6 MB photo costs about the agent's own time.
//
// The Panel page's own scripts can reach this frame (any Panel page can embed it: it is web
// accessible there) but never the guard's isolated world. So this page serves only a port
// that comes with a key it told the guard alone, over extension messaging to the content
// scripts of the frame that embeds it; anything else it ignores.
import { cleanUpload } from "../background/upload-clean.js";

// The origins that may embed this frame: those its web_accessible_resources entry allows.
const EMBEDDERS = new Set(chrome.runtime.getManifest().web_accessible_resources
  .filter((entry) => entry.resources.includes("upload/frame.html"))
  .flatMap((entry) => entry.matches).map((pattern) => new URL(pattern.replace("*", "")).origin));

const key = crypto.randomUUID();

// { id, name, file, page } -> { id, result } (cleanUpload's answer) or { id, error }
async function serve({ data }) {
  const { id, name, file, page } = data || {};
  if (!(file instanceof Blob)) return;
  let answer;
  try {
    answer = { id, result: await cleanUpload(file, String(name), page ? String(page) : null) };
  } catch (e) {
    answer = { id, error: { code: e.code || "error", message: String(e.message || e) } };
  }
  this.postMessage(answer);
}

// One port, once: the key is spent with it.
let connected = false;
window.addEventListener("message", (event) => {
  const [port] = event.ports;
  if (connected || event.source !== window.parent || !EMBEDDERS.has(event.origin) || !port ||
      event.data?.key !== key) return;
  connected = true;
  port.onmessage = serve;
});

// Tell the guard that mounted this frame the key: the message goes to the extension's
// content scripts in the tab, and only the guard that gave this frame its address takes it.
(async () => {
  const tab = await chrome.tabs.getCurrent();
  await chrome.tabs.sendMessage(tab.id, { type: "upload.frameReady", key });
})().catch(() => {});
