// Page map additions. A Panel page may teach (what it sends is checked by the agent and only
// ever adds labels and a plain path); listing, removing, export and import belong to the
// options page. Each change refreshes the cached shared data, so the next look uses it.
import * as agent from "../agent-client.js";
import { getSharedData } from "../shared-data.js";
import { requireExtensionPage } from "../senders.js";

async function changed(result) {
  await getSharedData({ refresh: true });
  return result;
}

function extensionPageOnly(handler) {
  return (message, sender) => {
    requireExtensionPage(sender);
    return handler(message);
  };
}

// The Panel paths where the seller put the teach prompt away ("Not now"), newest last.
const DISMISSED_KEY = "teachDismissed";
const MAX_DISMISSED = 200;

async function dismissedPaths() {
  const { [DISMISSED_KEY]: paths } = await chrome.storage.local.get(DISMISSED_KEY);
  return Array.isArray(paths) ? paths : [];
}

export const handlers = {
  "teach.dismissed": () => dismissedPaths(),
  "teach.dismiss": async ({ path }) => {
    if (typeof path !== "string" || !path.startsWith("/") || path.length > 300) return false;
    const paths = (await dismissedPaths()).filter((p) => p !== path);
    await chrome.storage.local.set({ [DISMISSED_KEY]: [...paths, path].slice(-MAX_DISMISSED) });
    return true;
  },
  "pagemap.teach": ({ taught }) => agent.teachPage(taught).then(changed),
  "pagemap.list": extensionPageOnly(() => agent.pagemapAdditions()),
  "pagemap.forget": extensionPageOnly(({ id }) => agent.forgetTaughtPage(id).then(changed)),
  "pagemap.forgetImported": extensionPageOnly(() => agent.forgetImportedPagemap().then(changed)),
  "pagemap.export": extensionPageOnly(() => agent.exportPagemap()),
  "pagemap.import": extensionPageOnly(({ text }) => agent.importPagemap(String(text)).then(changed)),
};
