// Watched old image URLs: each one's verdict and last check, "check now", and "remove".
import * as agent from "../agent-client.js";
import { requireExtensionPage } from "../senders.js";

export const handlers = {
  "urls.watched": () => agent.request("/v1/urls/watch"),
  // Checks every watched URL of the case (and records the results as evidence).
  "urls.checkNow": ({ case: caseId }) => agent.request("/v1/urls/watch/check", {
    method: "POST", json: { case: String(caseId) }, timeoutMs: 120000 }),
  // Stops watching one old URL for good: the agent takes it, with its other CDN sizes, off the
  // watch list and off the case; the complained picture it served stays compared with new
  // uploads unless `keepPicture` is false. From the case page and the options page only.
  "urls.remove": ({ case: caseId, url, keepPicture }, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/urls/watch", { method: "DELETE", json: {
      case: String(caseId), url: String(url), keep_picture: keepPicture !== false } });
  },
};
