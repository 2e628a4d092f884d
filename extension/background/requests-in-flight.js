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
// A long-poll (a request the server holds until it has news, asked again as soon as it is
// answered) is not waited for either, once seen to be one: an endpoint (origin and path) whose
// request was answered after LONG_MS or more and asked again within RENEW_MS of that answer.
// Not by time alone: a data request that slow (a seller's slow link) looks the same until it is
// answered, and taking it for a poll would read the page without its data; so the first poll of
// an endpoint never seen to loop is waited for to the bound as any request (the page then
// "could not confirm"), and every later one of that session is not. Its endpoints are told to
// the content script, which leaves them out of the page's own count (content/requests.js).
//
// Kept in chrome.storage.session too (the worker and extension pages only, never content
// scripts): a worker Chrome stopped and started again still knows the requests begun before
// it, restored before it handles any event of theirs or question.

const BOUND_MS = 15000;  // as content/main.js's: past it, a request is taken as never ending
const LONG_MS = 5000;  // answered after this long, and asked again at once: a long-poll
const RENEW_MS = 1000;
const POLLS_KEPT = 50;
const FILTER = { urls: ["https://*.joom.com/*"], types: ["xmlhttprequest"] };
const KEY = "requestsInFlight";
const POLLS_KEY = "longPolls";

const requests = new Map();  // request id -> { tab, origin (its initiator), at, url }
const polls = new Set();  // long-polls' endpoints, oldest first
const answered = new Map();  // endpoint -> when a request of it held LONG_MS was answered
const endpoint = (url) => {
  const { origin, pathname } = new URL(url);
  return origin + pathname;
};

// One write of the whole list for the events of one turn; storage applies writes in order, so
// the last one holds the list as it is.
let saving = false;
function save() {
  if (saving) return;
  saving = true;
  queueMicrotask(() => {
    saving = false;
    chrome.storage.session.set({ [KEY]: Object.fromEntries(requests), [POLLS_KEY]: [...polls] })
      .catch(() => {});
  });
}

const restored = chrome.storage.session.get([KEY, POLLS_KEY]).then((stored) => {
  for (const [id, request] of Object.entries(stored[KEY] || {})) requests.set(id, request);
  for (const poll of stored[POLLS_KEY] || []) polls.add(poll);
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
  for (const [at, when] of answered) {
    if (Date.now() - when > RENEW_MS) answered.delete(at);
  }
  return forgot;
}

chrome.webRequest.onBeforeRequest.addListener(after(({ tabId, requestId, initiator, url,
  timeStamp }) => {
  // The browser's own (no tab, no initiator) and an extension's are no page's.
  if (tabId < 0 && !initiator?.startsWith("https://")) return;
  forgetOld();
  const at = endpoint(url);
  if (timeStamp - answered.get(at) <= RENEW_MS && !polls.has(at)) {  // asked again at once
    polls.add(at);
    if (polls.size > POLLS_KEPT) polls.delete(polls.values().next().value);
  }
  answered.delete(at);
  // A redirect is the same request again: its first start stands. A long-poll is not counted.
  if (!requests.has(requestId) && !polls.has(at)) {
    requests.set(requestId, { tab: tabId, origin: initiator || "", at: timeStamp, url });
  }
  save();
}), FILTER);

const ended = after(({ requestId }) => {
  if (requests.delete(requestId)) save();
});
// Answered: and if after LONG_MS, maybe a long-poll (it is, if asked again at once).
chrome.webRequest.onCompleted.addListener(after((details) => {
  const request = requests.get(details.requestId);
  if (request?.url && details.timeStamp - request.at >= LONG_MS) {
    answered.set(endpoint(request.url), details.timeStamp);
  }
  ended(details);
}), FILTER);
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
// of its origin's service workers; and the long-polls' endpoints.
async function inFlight(tabId, origin) {
  await restored;
  if (forgetOld()) save();
  const count = [...requests.values()].filter(
    (r) => r.tab === tabId || (r.tab < 0 && r.origin === origin)).length;
  return { count, polls: [...polls] };
}

export const handlers = {
  // A content script asks for its own tab only (sender.tab and sender.origin are the
  // browser's word).
  "page.requestsInFlight": async (_message, sender) =>
    (sender.tab ? inFlight(sender.tab.id, sender.origin) : { count: 0, polls: [] }),
};
