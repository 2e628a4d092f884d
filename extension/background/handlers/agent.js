// Messages about the agent itself: state, pairing, address, shared data.
import * as agent from "../agent-client.js";
import { getSharedData } from "../shared-data.js";
import { fromExtensionPage, requireExtensionPage } from "../senders.js";

export const handlers = {
  // `retry` (the user looks: popup, options page): try a failed native host again at once.
  "agent.status": ({ retry }, sender) =>
    agent.status({ retry: retry === true && fromExtensionPage(sender) }),
  // Pairing and the agent's address only from the options page: a Panel tab could otherwise
  // send the token to another port of this computer, or drop it.
  "agent.pair": async ({ code }, sender) => {
    requireExtensionPage(sender);
    await agent.pair(code);
    await getSharedData({ refresh: true }).catch(() => null);
    return agent.status();
  },
  "agent.unpair": async (_m, sender) => {
    requireExtensionPage(sender);
    await agent.unpair();
    return agent.status();
  },
  "agent.setAddress": async ({ agentUrl }, sender) => {
    requireExtensionPage(sender);
    return { agentUrl: await agent.setAgentUrl(agentUrl) };
  },
  "shared.get": ({ refresh }) => getSharedData({ refresh: refresh === true }),
};
