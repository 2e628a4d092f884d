// The upload guard's side in the service worker: clean one file through the agent and decide,
// when the agent cannot be reached, whether the original may pass (the user's choice).
import { fromBase64, toBase64 } from "../../lib/bytes.js";
import * as agent from "../agent-client.js";
import { requireExtensionPage } from "../senders.js";

const SETTINGS_KEY = "uploadGuard";
// The agent being down or not paired: the guard's policy decides what happens.
const AGENT_DOWN = new Set(["agent_unreachable", "not_paired", "unauthorized"]);

export async function uploadSettings() {
  const { [SETTINGS_KEY]: stored } = await chrome.storage.local.get(SETTINGS_KEY);
  return { blockWhenAgentDown: false, ...stored };
}

export const handlers = {
  // { name, data (base64) } -> { status: "cleaned", file, mime, data, report }
  //   | { status: "agent-down", block } | { status: "refused", code, message } | { status: "busy" }
  "upload.clean": async ({ name, data }) => {
    try {
      const { report, mime, bytes } = await agent.stripImage(fromBase64(data), name);
      return { status: "cleaned", report, mime, file: report.output_file, data: toBase64(bytes) };
    } catch (e) {
      if (AGENT_DOWN.has(e.code)) {
        return { status: "agent-down", code: e.code, block: (await uploadSettings()).blockWhenAgentDown };
      }
      if (e.code === "busy") return { status: "busy" };  // still busy after its retries
      if (e.status === 422 || e.status === 413) {
        return { status: "refused", code: e.code, message: e.message, text: e.text || null };
      }
      throw e;
    }
  },
  "upload.settings": () => uploadSettings(),
  // Settings change only from the extension's own pages, never from a Panel tab.
  "upload.saveSettings": async ({ blockWhenAgentDown }, sender) => {
    requireExtensionPage(sender);
    await chrome.storage.local.set({ [SETTINGS_KEY]: { blockWhenAgentDown: !!blockWhenAgentDown } });
    return uploadSettings();
  },
};
