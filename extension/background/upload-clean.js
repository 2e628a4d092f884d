// The upload guard's one decision for one file: clean it through the agent, or say why not
// and whether the original may pass when the agent cannot be reached (the user's choice).
// Two callers: the upload frame (upload/frame.js, the fast path: the file comes and goes as
// a Blob) and the service worker's "upload.clean" (the fallback, base64 in JSON messages).
import * as agent from "./agent-client.js";
import { SEEN_WORKING_KEY } from "./native.js";

const SETTINGS_KEY = "uploadGuard";
// The agent being down, not paired, or iprdesk not installed for this browser (native
// messaging's codes, host_*): the guard's policy decides what happens.
const AGENT_DOWN = new Set(["agent_unreachable", "not_paired", "unauthorized"]);
const agentDown = (code) => AGENT_DOWN.has(code) || String(code).startsWith("host_");

// Blocking is the default once iprdesk has been seen working in this browser (a host handed
// over a session): from then on an unavailable iprdesk is a fault, not a missing install.
export async function uploadSettings() {
  const { [SETTINGS_KEY]: stored, [SEEN_WORKING_KEY]: seen } =
    await chrome.storage.local.get([SETTINGS_KEY, SEEN_WORKING_KEY]);
  return { blockWhenAgentDown: !!seen, ...stored };
}

export async function saveUploadSettings({ blockWhenAgentDown }) {
  await chrome.storage.local.set({ [SETTINGS_KEY]: { blockWhenAgentDown: !!blockWhenAgentDown } });
  return uploadSettings();
}

// body: the file's bytes (Blob or bytes), page: the Panel page's address
//   -> { status: "cleaned", file, mime, blob, report } (report.case_check: see /v1/strip)
//   | { status: "agent-down", code, reason, block } | { status: "refused", code, message }
//   | { status: "busy" }
export async function cleanUpload(body, name, page) {
  try {
    const { report, mime, blob } = await agent.stripImage(body, name, page);
    return { status: "cleaned", report, mime, file: report.output_file, blob };
  } catch (e) {
    if (agentDown(e.code)) {
      // iprdesk unusable in this browser: why, and what to do, in the user's words
      // (lib/host-problem.js through the agent client).
      const reason = String(e.code).startsWith("host_") ? e.message : null;
      return { status: "agent-down", code: e.code, reason,
               block: (await uploadSettings()).blockWhenAgentDown };
    }
    if (e.code === "busy") return { status: "busy" };  // still busy after its retries
    if (e.status === 422 || e.status === 413) {
      return { status: "refused", code: e.code, message: e.message };
    }
    throw e;
  }
}

// The seller chose to upload an image like a complained one: recorded on the case, with the
// copy the agent kept when it caught it (`caught`, its id), which the case page then lists.
export const recordUploadedAnyway = (caseId, caught) =>
  agent.request(`/v1/cases/${encodeURIComponent(caseId)}/events`, {
    method: "POST", json: { event: "similar_image_uploaded", ...(caught ? { caught: String(caught) } : {}) } });
