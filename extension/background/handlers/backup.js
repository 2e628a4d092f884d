// Backup and restore of the agent's data directory, for the options page only.
import * as agent from "../agent-client.js";
import { fromBase64, toBase64 } from "../../lib/bytes.js";
import { requireExtensionPage } from "../senders.js";

export const handlers = {
  "backup.make": async (_m, sender) => {
    requireExtensionPage(sender);
    return { data: toBase64(await agent.makeBackup()) };
  },
  "backup.restore": ({ data, force }, sender) => {
    requireExtensionPage(sender);
    return agent.restoreBackup(fromBase64(String(data)), force === true);
  },
};
