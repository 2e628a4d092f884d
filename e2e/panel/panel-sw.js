// A Panel service worker (e2e, served at /panel-sw.js): it answers the product data requests
// of the pages it controls itself, from the network (its own fetch, no tab's), except for a
// request a Panel page told it to keep (["keep", id], or "<id>/gallery" for its gallery's):
// that one is answered only once told (["release", id]), and meanwhile nothing of it is on
// the network.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

const kept = new Map();  // what is kept -> its release
const released = new Map();  // what is kept -> a promise its release resolves
self.addEventListener("message", ({ data: [what, product] }) => {
  if (what === "keep") released.set(product, new Promise((resolve) => kept.set(product, resolve)));
  if (what === "release") kept.get(product)?.();
});
self.addEventListener("fetch", (event) => {
  const product = new URL(event.request.url).pathname.match(/^\/api\/products\/(.+)$/)?.[1];
  if (!product) return;  // the network, as without a worker
  event.respondWith((released.get(product) || Promise.resolve()).then(() => fetch(event.request)));
});
