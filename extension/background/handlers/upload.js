// The upload guard's side in the service worker: the fallback when the upload frame cannot
// be used (content/upload-guard.js); the file travels base64-encoded in JSON messages.
import { fromBase64, toBase64 } from "../../lib/bytes.js";
import { cleanUpload, recordUploadedAnyway, saveUploadSettings, uploadSettings }
  from "../upload-clean.js";
import { requireExtensionPage } from "../senders.js";

export const handlers = {
  // { name, data (base64), page } -> cleanUpload's answer, the clean file as `data` (base64)
  "upload.clean": async ({ name, data, page }) => {
    const { blob, ...result } = await cleanUpload(fromBase64(data), name, page);
    return blob ? { ...result, data: toBase64(await blob.arrayBuffer()) } : result;
  },
  "upload.uploadedAnyway": ({ caseId, caught }) => recordUploadedAnyway(caseId, caught),
  "upload.settings": () => uploadSettings(),
  // A notice or question of the guard in a frame of a Panel tab, said by the guard of the
  // tab's top document (content/upload-guard.js, inTop): its answer.
  "upload.toTop": async ({ notice, similar }, sender) => {
    if (!sender.tab || !sender.frameId) {
      const e = new Error("only a frame of a Panel tab relays to its top");
      throw Object.assign(e, { code: "forbidden" });
    }
    try {
      return await chrome.tabs.sendMessage(sender.tab.id, { type: "upload.fromFrame", notice, similar },
                                           { frameId: 0 });
    } catch {
      const e = new Error("no upload guard in the tab's top document");
      throw Object.assign(e, { code: "no_top_guard" });
    }
  },
  // Settings change only from the extension's own pages, never from a Panel tab.
  "upload.saveSettings": async (message, sender) => {
    requireExtensionPage(sender);
    return saveUploadSettings(message);
  },
};
