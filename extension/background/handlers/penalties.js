// Penalty history: the account page's banners go to the agent, which keeps those that report a
// penalty (points, a block, a strike), once per banner. A Panel page can only add sightings to
// this history, never read or change anything else, so content scripts may send it.
import * as agent from "../agent-client.js";
import { requireExtensionPage } from "../senders.js";

export const handlers = {
  // Where the store stands on Joom's ladder, for the desk: the seller's pages only.
  "penalties.standing": (_m, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/penalties");
  },
  "penalties.record": ({ banner, text }) => agent.request("/v1/penalties", {
    method: "POST", json: { banner: String(banner), text: String(text) } }),
};
