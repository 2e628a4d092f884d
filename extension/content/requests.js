// The page's own requests in flight as its world sees them (content/page-requests.js tells
// them over a channel only it holds): what content/main.js's `settled` needs besides the
// service worker's view (background/requests-in-flight.js) on a page a Panel service worker
// controls. Kept here, in the tab, so a restart of the extension's worker loses none.
(() => {
  const inFlight = new Map();  // number -> its URL
  let channel = null;
  let workers = false;  // the page started a worker: its requests are not seen here

  const take = (event) => {
    if (channel || !(event.relatedTarget instanceof Element)) return;
    channel = event.relatedTarget;
    window.removeEventListener("iprdesk-requests-channel", take);
    channel.addEventListener("start", ({ detail }) => {
      const [id, url] = String(detail).split(" ");
      inFlight.set(id, url);
    });
    channel.addEventListener("end", ({ detail }) => inFlight.delete(String(detail)));
    channel.addEventListener("worker", () => {
      workers = true;
    });
    channel.dispatchEvent(new Event("ack"));
  };
  window.addEventListener("iprdesk-requests-channel", take);
  window.dispatchEvent(new Event("iprdesk-requests-hello"));  // if the page's side ran first

  iprdesk.pageRequests = {
    // Whether every request of the page is seen here: the channel was opened before the
    // page's scripts ran, and the page started no worker.
    seen: () => Boolean(channel) && !workers,
    // Those in flight but a long-poll's (`polls`: their endpoints, origin and path).
    inFlight(polls = []) {
      const skip = new Set(polls);
      return [...inFlight.values()].filter((url) => {
        const { origin, pathname } = new URL(url);
        return !skip.has(origin + pathname);
      }).length;
    },
  };
})();
