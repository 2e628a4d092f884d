// Watched old image URLs: each one's verdict and last check, and "check now".
import * as agent from "../agent-client.js";

export const handlers = {
  "urls.watched": () => agent.request("/v1/urls/watch"),
  // Checks every watched URL of the case (and records the results as evidence).
  "urls.checkNow": ({ case: caseId }) => agent.request("/v1/urls/watch/check", {
    method: "POST", json: { case: String(caseId) }, timeoutMs: 120000 }),
};
