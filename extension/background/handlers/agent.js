// Messages about the agent itself: state, pairing, address, shared data.
import * as agent from "../agent-client.js";
import { getCatalog } from "../catalog-cache.js";

export const handlers = {
  "agent.status": () => agent.status(),
  "agent.pair": async ({ code }) => {
    await agent.pair(code);
    await getCatalog({ refresh: true }).catch(() => null);
    return agent.status();
  },
  "agent.unpair": async () => {
    await agent.unpair();
    return agent.status();
  },
  "agent.setAddress": async ({ agentUrl }) => ({ agentUrl: await agent.setAgentUrl(agentUrl) }),
  "catalog.get": () => getCatalog(),
};
