// The page's own fetch and XHR to Joom's hosts while in flight, told to content/requests.js
// (the isolated world), for `settled` (content/main.js) on a page a Panel service worker
// controls: webRequest cannot tell which of that worker's fetches are this page's, nor see what
// it answers from its cache or holds off the network; here the page's side of each is seen.
// This file runs in the page's own world ("world": "MAIN"), before any of the page's scripts;
// it has no chrome.* APIs, defines no names, and tells the page nothing.
//
// What the page's scripts can and cannot do to it:
// - They cannot speak on its channel: a node no page script can reach, handed to the isolated
//   world by an event dispatched before any of them ran (the isolated side takes the first).
//   So they can make us wait (real requests), never tell us a request ended.
// - What it calls later (fetch, Promise's then, a stream's read) was taken now, before they
//   could replace it, and an event's isTrusted is its own and cannot be: an end is told only
//   when the browser says so.
// - A URL is read once and that string is what the request is made with (an object's toString
//   could answer one thing to us and another to fetch).
// - They can still fetch past it (another frame's or a worker's fetch), or simply not draw an
//   image: the page decides what it shows in any case. A dedicated or shared worker is told,
//   and its page then counts as not seen to settle (content/requests.js).
// The wrappers stay writable: the Panel's own wrappers (error reporting, analytics) assign
// window.fetch, and still call ours.
(() => {
  const { apply, construct } = Reflect;
  const then = Promise.prototype.then;
  const nativeFetch = window.fetch;
  const clone = Response.prototype.clone;
  const bodyOf = Object.getOwnPropertyDescriptor(Response.prototype, "body").get;
  const headersOf = Object.getOwnPropertyDescriptor(Response.prototype, "headers").get;
  const getHeader = Headers.prototype.get;
  const requestUrl = Object.getOwnPropertyDescriptor(Request.prototype, "url").get;
  const getReader = ReadableStream.prototype.getReader;
  const read = ReadableStreamDefaultReader.prototype.read;
  const xhr = XMLHttpRequest.prototype;
  const { open, send } = xhr;
  const xhrHeader = xhr.getResponseHeader;
  const readyState = Object.getOwnPropertyDescriptor(xhr, "readyState").get;
  const listen = EventTarget.prototype.addEventListener;
  const unlisten = EventTarget.prototype.removeEventListener;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const { CustomEvent, MouseEvent, URL, WeakMap, String } = window;
  const mapGet = WeakMap.prototype.get;
  const mapSet = WeakMap.prototype.set;
  const stringIncludes = String.prototype.includes;
  const toLower = String.prototype.toLowerCase;
  const endsWith = String.prototype.endsWith;

  const channel = document.createElement("iprdesk-requests");
  const tell = (type, detail) => apply(dispatch, channel, [new CustomEvent(type, { detail })]);
  // Announced now, and again if the isolated side says hello after this ran (either may be
  // injected first); no more once it acknowledged.
  const announce = () => apply(dispatch, window, [
    new MouseEvent("iprdesk-requests-channel", { relatedTarget: channel })]);
  const hello = () => announce();
  apply(listen, window, ["iprdesk-requests-hello", hello]);
  apply(listen, channel, ["ack", () => apply(unlisten, window, ["iprdesk-requests-hello", hello]),
    { once: true }]);
  announce();

  // Counted as content/main.js and background/requests-in-flight.js count: https, Joom's hosts.
  const counted = (url) => {
    try {
      const { protocol, hostname } = new URL(url, location.href);
      return protocol === "https:" &&
        (hostname === "joom.com" || apply(endsWith, hostname, [".joom.com"]));
    } catch {
      return false;
    }
  };
  const stream = (type) => apply(stringIncludes, apply(toLower, String(type || ""), []),
    ["text/event-stream"]);

  let last = 0;
  // A request begun: its number, or 0 when not counted.
  const begin = (url) => {
    if (!counted(url)) return 0;
    last += 1;
    tell("start", `${last} ${new URL(url, location.href).href}`);
    return last;
  };
  const ended = (id) => id && tell("end", id);

  // fetch: in flight until its body has all come (a copy read to its end), or failed; an event
  // stream's at its headers (it never ends by design), as is a body the page cannot read.
  function watchBody(id, response) {
    if (!id) return;
    try {
      if (stream(apply(getHeader, apply(headersOf, response, []), ["content-type"])) ||
          !apply(bodyOf, response, [])) {
        ended(id);
        return;
      }
      const reader = apply(getReader, apply(bodyOf, apply(clone, response, []), []), []);
      const next = () => apply(then, apply(read, reader, []), [
        ({ done }) => (done ? ended(id) : next()), () => ended(id)]);
      next();
    } catch {
      // Not a response the browser made (a page's `then` on Response.prototype gave it
      // another): its end unknown, it stays in flight (the bound ends the wait).
    }
  }
  const { fetch } = {
    fetch(input, init) {
      let id = 0;
      try {
        let url;
        try {
          url = apply(requestUrl, input, []);  // a Request (the getter checks)
        } catch {
          url = String(input);
          input = url;  // the string read is the one fetched
        }
        id = begin(url);
      } catch {
        // no URL fetch can take: its own error follows
      }
      return apply(then, apply(nativeFetch, this, [input, init]), [
        (response) => {
          watchBody(id, response);
          return response;
        },
        (error) => {
          ended(id);
          throw error;
        }]);
    },
  };
  window.fetch = fetch;

  // XHR: from send to its loadend (the browser's, not a dispatched one); an event stream's at
  // its headers.
  const urls = new WeakMap();
  const wrappers = {
    open(method, url, ...rest) {
      url = String(url);
      apply(mapSet, urls, [this, url]);
      return apply(open, this, [method, url, ...rest]);
    },
    send(...args) {
      const url = apply(mapGet, urls, [this]);
      const id = url ? begin(url) : 0;
      if (id) {
        let over = false;
        const end = () => {
          if (!over) ended(id);
          over = true;
        };
        apply(listen, this, ["loadend", (event) => event.isTrusted && end()]);
        apply(listen, this, ["readystatechange", (event) => event.isTrusted &&
          apply(readyState, this, []) >= 2 && stream(apply(xhrHeader, this, ["content-type"])) &&
          end()]);
      }
      try {
        return apply(send, this, args);
      } catch (error) {
        ended(id);  // not sent (not opened, or sent twice): no loadend comes
        throw error;
      }
    },
  };
  xhr.open = wrappers.open;
  xhr.send = wrappers.send;

  // A worker's requests are its own, past these wrappers.
  for (const name of ["Worker", "SharedWorker"]) {
    const Original = window[name];
    if (typeof Original !== "function") continue;
    window[name] = new Proxy(Original, {
      construct(target, args, newTarget) {
        tell("worker", "");
        return construct(target, args, newTarget);
      },
    });
  }
})();
