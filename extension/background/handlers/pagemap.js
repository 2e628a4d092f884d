// Page map additions. A Panel page may teach (what it sends is checked by the agent and only
// ever adds labels and a plain path); listing, removing, export and import belong to the
// options page. Each change refreshes the cached catalogue, so the next look uses it.
import * as agent from "../agent-client.js";
import { getCatalog } from "../catalog-cache.js";
import { requireExtensionPage } from "../senders.js";

async function changed(result) {
  await getCatalog({ refresh: true });
  return result;
}

function extensionPageOnly(handler) {
  return (message, sender) => {
    requireExtensionPage(sender);
    return handler(message);
  };
}

export const handlers = {
  "pagemap.teach": ({ taught }) => agent.teachPage(taught).then(changed),
  "pagemap.list": extensionPageOnly(() => agent.pagemapAdditions()),
  "pagemap.forget": extensionPageOnly(({ id }) => agent.forgetTaughtPage(id).then(changed)),
  "pagemap.forgetImported": extensionPageOnly(() => agent.forgetImportedPagemap().then(changed)),
  "pagemap.export": extensionPageOnly(() => agent.exportPagemap()),
  "pagemap.import": extensionPageOnly(({ text }) => agent.importPagemap(String(text)).then(changed)),
};
