// Routes messages from content scripts and extension pages to handler modules.
// Each module under handlers/ exports `handlers`: { "type": async (message, sender) => data }.
import { handlers as agentHandlers } from "./handlers/agent.js";
import { handlers as imageHandlers } from "./handlers/images.js";
import { handlers as urlHandlers } from "./handlers/urls.js";
import { handlers as uploadHandlers } from "./handlers/upload.js";
import { handlers as evidenceHandlers } from "./handlers/evidence.js";
import { handlers as caseHandlers } from "./handlers/cases.js";
import { handlers as casePageHandlers } from "./handlers/casepage.js";
import { handlers as pagemapHandlers } from "./handlers/pagemap.js";
import { handlers as backupHandlers } from "./handlers/backup.js";
import { handlers as penaltyHandlers } from "./handlers/penalties.js";
import { handlers as deskHandlers } from "./handlers/desk.js";
import { handlers as provenanceHandlers } from "./handlers/provenance.js";
import { handlers as requestHandlers } from "./requests-in-flight.js";
import * as deadlines from "./deadlines.js";
import * as native from "./native.js";
import { getSharedData } from "./shared-data.js";

const HANDLERS = { ...agentHandlers, ...uploadHandlers, ...caseHandlers, ...casePageHandlers,
                   ...deadlines.handlers,
                   ...evidenceHandlers, ...imageHandlers, ...urlHandlers, ...pagemapHandlers,
                   ...penaltyHandlers, ...backupHandlers, ...native.handlers, ...deskHandlers,
                   ...provenanceHandlers, ...requestHandlers };

// A paired token lives in storage.local: keep that area out of content scripts' reach (the
// native session's storage.session is set so by native.start()).
chrome.storage.local.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only our own content scripts and pages can message us (no externally_connectable).
  if (sender.id !== chrome.runtime.id) return false;
  const handler = HANDLERS[message && message.type];
  if (!handler) {
    sendResponse({ ok: false, error: { code: "unknown_message", message: String(message?.type) } });
    return false;
  }
  Promise.resolve()
    .then(() => handler(message, sender))
    .then((data) => sendResponse({ ok: true, data }),
          // The agent's message is already in the user's language.
          (e) => sendResponse({ ok: false, error: { code: e.code || "error", message: e.message } }));
  return true;
});

// Each new session refreshes the cached shared data, which overlays draw from when the agent
// is down (as pairing did).
native.start(() => getSharedData({ refresh: true }).catch(() => null));
deadlines.start();
