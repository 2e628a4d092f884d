// The Panel's own requests still in flight, per tab, for the content script's `settled`
// (content/main.js): a single-page app's page can wait on its data request while its DOM and
// its finished requests (resource timing) are quiet. Watched here with webRequest, for
// observation only: nothing runs in the page's own world, so the page can neither read this nor
// forge it, only make real requests; one that never ends is not waited for past BOUND_MS.
//
// Which requests: fetch and XHR (webRequest's "xmlhttprequest"; beacons and WebSockets are
// other types) to Joom's own hosts, `*.joom.com`: the Panel's address and the API hosts its
// data comes from (DESIGN names merchant.joom.com and api-merchant.joom.com; the Panel's others
// are not public, and are Joom's). Not other sites': analytics and trackers bring none of the
// Panel's pages, some never end, and their traffic never wakes the worker. Not a response that
// is an event stream either (its headers say text/event-stream): it never ends by design.
// A fixed filter, not the page map's: a listener must be added with its filter as the worker
// starts, before any shared data can be read.
//
// A tab's own requests, and those a Panel service worker makes (webRequest gives them no tab,
// tabId -1, and the worker's origin as `initiator`): it may be answering any tab of its origin,
// so each of them counts them. What such a worker answers from its cache, or after waiting on
// anything but the network, is seen by nobody here: content/main.js says so of a page it
// controls.
//
// Kept in chrome.storage.session too (the worker and extension pages only, never content
// scripts): a worker Chrome stopped and started again still knows the requests begun before
// it, restored before it handles any event of theirs or question.

const BOUND_MS = 15000;  // as content/main.js's: past it, a request is taken as never ending
const FILTER = { urls: ["https://*.joom.com/*"], types: ["xmlhttprequest"] };
const KEY = "requestsInFlight";

const requests = new Map();  // request id -> { tab, origin (its initiator), at: Date.now() }

// One write of the whole list for the events of one turn; storage applies writes in order, so
// the last one holds the list as it is.
let saving = false;
function save() {
  if (saving) return;
  saving = true;
  queueMicrotask(() => {
    saving = false;
    chrome.storage.session.set({ [KEY]: Object.fromEntries(requests) }).catch(() => {});
  });
}

const restored = chrome.storage.session.get(KEY).then((stored) => {
  for (const [id, request] of Object.entries(stored[KEY] || {})) requests.set(id, request);
}).catch(() => {});
// Listeners are added now (an event wakes the worker for them); what they do waits for the
// list restored, in the order the events came.
const after = (handle) => (details) => {
  restored.then(() => handle(details));
};

// Those older than BOUND_MS forgotten (never ending, or redirected away from Joom's hosts,
// where their end is not seen): true if any was.
function forgetOld() {
  let forgot = false;
  for (const [id, request] of requests) {
    if (Date.now() - request.at > BOUND_MS) forgot = requests.delete(id);
  }
  return forgot;
}

chrome.webRequest.onBeforeRequest.addListener(after(({ tabId, requestId, initiator }) => {
  // The browser's own (no tab, no initiator) and an extension's are no page's.
  if (tabId < 0 && !initiator?.startsWith("https://")) return;
  forgetOld();
  // A redirect is the same request again: its first start stands.
  if (!requests.has(requestId)) {
    requests.set(requestId, { tab: tabId, origin: initiator || "", at: Date.now() });
  }
  save();
}), FILTER);

const ended = after(({ requestId }) => {
  if (requests.delete(requestId)) save();
});
chrome.webRequest.onCompleted.addListener(ended, FILTER);
chrome.webRequest.onErrorOccurred.addListener(ended, FILTER);  // failed, aborted, blocked
chrome.webRequest.onHeadersReceived.addListener((details) => {
  const type = details.responseHeaders?.find((h) => h.name.toLowerCase() === "content-type");
  if (/^\s*text\/event-stream/i.test(type?.value || "")) ended(details);
}, FILTER, ["responseHeaders"]);
chrome.tabs.onRemoved.addListener(after((tabId) => {
  for (const [id, request] of requests) {
    if (request.tab === tabId) requests.delete(id);
  }
  save();
}));

// The number of requests in flight that the tab's page may be waiting on: its own, and those
// of its origin's service workers.
async function inFlight(tabId, origin) {
  await restored;
  if (forgetOld()) save();
  return [...requests.values()].filter(
    (r) => r.tab === tabId || (r.tab < 0 && r.origin === origin)).length;
}

export const handlers = {
  // A content script asks for its own tab only (sender.tab and sender.origin are the
  // browser's word).
  "page.requestsInFlight": async (_message, sender) =>
    (sender.tab ? inFlight(sender.tab.id, sender.origin) : 0),
};
