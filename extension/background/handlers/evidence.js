// Evidence capture and the vault, on the service worker's side.
//
// A capture = the visible screenshot (PNG, taken here) + the whole page (MHTML). The MHTML
// Blob from chrome.pageCapture cannot be read in an MV3 service worker, so an extension page
// reads it: the popup passes it in, or, for Panel tabs (row buttons, keyboard shortcut), a
// hidden extension frame that our content script mounts in the tab (capture/frame.html).
// Both files are hashed here, before anything else touches them, and sealed by the agent
// whether or not the vault is unlocked.
import { fromBase64, sha256Hex, toBase64 } from "../../lib/bytes.js";
import * as agent from "../agent-client.js";
import { fromExtensionPage, requireExtensionPage } from "../senders.js";

const MHTML_TYPE = "application/x-mimearchive";
const FRAME_TIMEOUT_MS = 30000;
// chrome.tabs.captureVisibleTab allows about two calls a second.
const MIN_CAPTURE_GAP_MS = 600;
const COMMAND = "capture-evidence";

const frameJobs = new Map();  // requestId -> { resolve, reject }
let captureQueue = Promise.resolve();
let lastCaptureAt = 0;

function fail(code, message) {
  const e = new Error(message);
  e.code = code;
  return e;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The page archive of a Panel tab, read by the hidden frame our content script mounts there.
async function archiveViaFrame(tabId) {
  const requestId = crypto.randomUUID();
  const result = new Promise((resolve, reject) => {
    frameJobs.set(requestId, { resolve, reject });
    setTimeout(() => {
      if (frameJobs.delete(requestId)) reject(fail("capture_timeout", "the page archive took too long"));
    }, FRAME_TIMEOUT_MS);
  });
  try {
    await chrome.tabs.sendMessage(tabId, { type: "evidence.mountFrame", requestId });
  } catch {
    frameJobs.delete(requestId);
    return null;  // not a Panel tab (no content script): the screenshot alone is kept
  }
  try {
    return await result;
  } finally {
    chrome.tabs.sendMessage(tabId, { type: "evidence.unmountFrame", requestId }).catch(() => {});
  }
}

// One capture at a time, spaced for captureVisibleTab's rate limit.
function enqueue(job) {
  const run = captureQueue.then(async () => {
    const wait = lastCaptureAt + MIN_CAPTURE_GAP_MS - Date.now();
    if (wait > 0) await sleep(wait);
    try {
      return await job();
    } finally {
      lastCaptureAt = Date.now();
    }
  });
  captureQueue = run.catch(() => {});
  return run;
}

async function captureTab(tab, facts, mhtml) {
  // captureVisibleTab shows whatever tab is in front of the window: a Panel tab behind
  // another one (a script on it can press our button) would seal that tab under its own URL.
  const [front] = await chrome.tabs.query({ active: true, windowId: tab.windowId });
  if (front?.id !== tab.id) {
    throw fail("tab_not_visible", "the tab to capture is not the one in front of its window");
  }
  const capturedAt = new Date().toISOString();
  let dataUrl;
  try {
    dataUrl = await chrome.tabs.captureVisibleTab(tab.windowId, { format: "png" });
  } catch (e) {
    throw fail("capture_failed", `the screenshot failed: ${e.message}`);
  }
  const png = fromBase64(dataUrl.slice(dataUrl.indexOf(",") + 1));
  const page = mhtml || await archiveViaFrame(tab.id);
  // Named after what was captured; bundles put the capture time in front.
  const subject = (facts.complaint_id || new URL(tab.url).hostname).replace(/[^\w.-]+/g, "_");
  const files = [{ name: `${subject}-screenshot.png`, type: "image/png", bytes: png,
                   meta: { kind: "screenshot", sha256: await sha256Hex(png) } }];
  if (page) {
    files.push({ name: `${subject}-page.mhtml`, type: MHTML_TYPE, bytes: page,
                 meta: { kind: "page", sha256: await sha256Hex(page) } });
  }
  const meta = {
    source_url: tab.url, page_title: tab.title, captured_at: capturedAt,
    user_agent: navigator.userAgent,
    case: facts.case || undefined, complaint_id: facts.complaint_id || undefined,
    product_ids: Array.isArray(facts.product_ids) ? facts.product_ids.map(String) : undefined,
    note: facts.note || undefined,
  };
  const { items } = await agent.addEvidence(files, meta);
  return { items, sha256: items[0].sha256, pageArchived: !!page };
}

async function toast(tabId, payload) {
  await chrome.tabs.sendMessage(tabId, { type: "evidence.toast", ...payload }).catch(() => {});
}

async function captureWithToast(tab, facts, mhtml = null) {
  try {
    const saved = await enqueue(() => captureTab(tab, facts, mhtml));
    await toast(tab.id, { ok: true, sha256: saved.sha256, pageArchived: saved.pageArchived });
    return saved;
  } catch (e) {
    await toast(tab.id, { ok: false, code: e.code, message: e.message });
    throw e;
  }
}

async function activeTab() {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (!tab) throw fail("no_tab", "no active tab to capture");
  return tab;
}

// The keyboard shortcut (manifest "commands"): capture the active tab.
chrome.commands?.onCommand.addListener((command, tab) => {
  if (command !== COMMAND) return;
  Promise.resolve(tab || activeTab()).then((t) => captureWithToast(t, {})).catch(() => {});
});

export const handlers = {
  // From a Panel row (content script) or the popup ({ tabId, mhtml }): capture that tab.
  // Facts: { case, complaint_id, product_ids, note }. -> { items, sha256, pageArchived }
  "evidence.capture": async (message, sender) => {
    let tab = sender.tab;
    let mhtml = null;
    if (!tab || fromExtensionPage(sender)) {
      requireExtensionPage(sender);
      tab = message.tabId ? await chrome.tabs.get(message.tabId) : await activeTab();
      mhtml = message.mhtml ? fromBase64(message.mhtml) : null;
    }
    return captureWithToast(tab, message, mhtml);
  },

  // The hidden capture frame hands over the page archive it read (or why it could not).
  "evidence.frameResult": ({ requestId, mhtml, error }, sender) => {
    requireExtensionPage(sender);
    const job = frameJobs.get(requestId);
    if (!job) return false;
    frameJobs.delete(requestId);
    if (mhtml) job.resolve(fromBase64(mhtml));
    else job.reject(fail("capture_failed", `the page archive failed: ${error}`));
    return true;
  },

  // Documents from the popup (receipts, agreements...): files [{ name, type, data }], meta.
  "evidence.add": async ({ files, meta = {} }, sender) => {
    requireExtensionPage(sender);
    if (!Array.isArray(files) || !files.length) throw fail("bad_input", "no files");
    const prepared = await Promise.all(files.map(async (f) => {
      const bytes = fromBase64(f.data);
      return { name: f.name, type: f.type || "application/octet-stream", bytes,
               meta: { sha256: await sha256Hex(bytes) } };
    }));
    return agent.addEvidence(prepared, { ...meta, captured_at: new Date().toISOString() });
  },

  "vault.status": (_m, sender) => { requireExtensionPage(sender); return agent.vaultStatus(); },
  "vault.unlock": ({ passphrase }, sender) => {
    requireExtensionPage(sender);
    return agent.unlockVault(passphrase);
  },
  "vault.create": ({ passphrase }, sender) => {
    requireExtensionPage(sender);
    return agent.createVault(passphrase);
  },
  "vault.changePassphrase": ({ passphrase, newPassphrase }, sender) => {
    requireExtensionPage(sender);
    return agent.changePassphrase(passphrase, newPassphrase);
  },
  "vault.lock": (_m, sender) => { requireExtensionPage(sender); return agent.lockVault(); },
  "vault.items": ({ caseId, limit }, sender) => {
    requireExtensionPage(sender);
    return agent.listEvidence(caseId, limit);
  },
  "vault.export": async ({ caseId, lang, provenance }, sender) => {
    requireExtensionPage(sender);
    return { data: toBase64(await agent.exportBundle(caseId, lang, provenance === true)) };
  },
};
