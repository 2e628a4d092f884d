// The Panel's own requests still in flight, per tab, for the content script's `settled`
// (content/main.js): a single-page app's page can wait on its data request while its DOM and
// its finished requests (resource timing) are quiet. Watched here with webRequest, for
// observation only: nothing runs in the page's own world, so the page can neither read this nor
// forge it, only make real requests; one that never ends is not waited for past BOUND_MS.
// Only the Panel's address (where content scripts run, the Panel's data comes from) and only
// fetch and XHR (webRequest's "xmlhttprequest"): other sites' traffic never wakes the worker.
// Held in memory: a worker Chrome stopped and started again knows no request from before it
// (as if none were in flight; a tab settling keeps its worker awake with its questions).

const BOUND_MS = 15000;  // as content/main.js's: past it, a request is taken as never ending
const FILTER = { urls: chrome.runtime.getManifest().content_scripts[0].matches,
                 types: ["xmlhttprequest"] };

const started = new Map();  // tab id -> Map(request id -> Date.now() it started)

chrome.webRequest.onBeforeRequest.addListener(({ tabId, requestId }) => {
  if (tabId < 0) return;  // not a tab's (a service worker's, the browser's)
  if (!started.has(tabId)) started.set(tabId, new Map());
  // A redirect is the same request again: its first start stands.
  if (!started.get(tabId).has(requestId)) started.get(tabId).set(requestId, Date.now());
}, FILTER);

const ended = ({ tabId, requestId }) => {
  started.get(tabId)?.delete(requestId);
  if (started.get(tabId)?.size === 0) started.delete(tabId);
};
chrome.webRequest.onCompleted.addListener(ended, FILTER);
chrome.webRequest.onErrorOccurred.addListener(ended, FILTER);  // failed, aborted, blocked
chrome.tabs.onRemoved.addListener((tabId) => started.delete(tabId));

// The number of the tab's requests in flight, those older than BOUND_MS forgotten (never
// ending, or redirected away from the Panel, where their end is not seen).
function inFlight(tabId) {
  const requests = started.get(tabId);
  if (!requests) return 0;
  for (const [id, at] of requests) {
    if (Date.now() - at > BOUND_MS) requests.delete(id);
  }
  return requests.size;
}

export const handlers = {
  // A content script asks for its own tab only (sender.tab is the browser's word).
  "page.requestsInFlight": async (_message, sender) => inFlight(sender.tab?.id ?? -1),
};
