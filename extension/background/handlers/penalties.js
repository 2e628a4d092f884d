// Penalty history: the account page's banners go to the agent, which keeps those that report a
// penalty (points, a block, a strike), once per banner. A Panel page can only add sightings to
// this history, never read or change anything else, so content scripts may send it.
import * as agent from "../agent-client.js";

export const handlers = {
  "penalties.record": ({ banner, text }) => agent.request("/v1/penalties", {
    method: "POST", json: { banner: String(banner), text: String(text) } }),
};
