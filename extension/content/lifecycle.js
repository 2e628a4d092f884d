// The life of a page module, in the manner of Refined GitHub's features: main.js gives each
// activation an AbortSignal (`ctx.signal`) and aborts it when the seller leaves the page (the
// single-page app shows another page, the page map is reloaded, the tab's page is hidden).
// Whatever a module starts ends with it:
//   listeners: target.addEventListener(type, fn, { signal })
//   timers:    iprdesk.lifecycle.setInterval(fn, ms, signal)
//   observers: disconnected from a `signal.addEventListener("abort", ..., { once: true })`
//   async work: after each await, `if (signal.aborted) return;` before touching the page.
// Its overlays are removed by main.js on leaving (iprdesk.overlay.removeAll).
iprdesk.lifecycle = {
  setInterval(fn, ms, signal) {
    if (signal.aborted) return;
    const id = setInterval(fn, ms);
    signal.addEventListener("abort", () => clearInterval(id), { once: true });
  },
};
