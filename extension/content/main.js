// Entry point: recognise the Panel page from the page map and run its module.
// The Panel is a single-page app: re-check when its DOM changes (debounced). Each activation
// of a module gets an AbortSignal that leaving the page aborts (lifecycle.js).
(() => {
  let shared = null;
  let activeId = null;
  let activation = null;  // AbortController of the page shown now
  let timer = null;
  // The page's last change (its DOM or a request of its that finished), for `settled`.
  let changedAt = performance.now();

  // A taught entry (pagemap_local.py) runs the module of the entry it teaches.
  const moduleOf = (id) => iprdesk.pages.get(shared.pagemap.pages[id]?.module || id);

  function context(id) {
    const lang = iprdesk.language();
    const { signal } = activation;
    return {
      id,
      lang,
      signal,
      page: shared.pagemap.pages[id],
      pagemap: shared.pagemap,
      hints: shared.hints[lang] || shared.hints.en,
      shared,
      messages: shared.messages?.[lang] || shared.messages?.en || {},
      showRecognised() {
        const module = moduleOf(id);
        // Kept clear of the page's text: on a long list, a dot where the words would cover rows.
        const root = iprdesk.overlay.floating("recognised", "", { compact: true });
        root.querySelector(".pill")?.remove();
        const text = iprdesk.t("pageRecognised", iprdesk.t(module.titleKey));
        const pill = document.createElement("div");
        pill.className = "pill";
        pill.title = text;
        pill.setAttribute("role", "status");
        pill.setAttribute("aria-label", text);
        pill.append(Object.assign(document.createElement("span"), { textContent: text }));
        root.append(pill);
        iprdesk.overlay.placeClear();
      },
      // The module has drawn the page with the agent's answers (`every`: for each of its
      // rows; false: some are still on their way): what a script waits for before it reads
      // the annotations (the demo's screenshots, the e2e tests).
      drawn(every = true) {
        if (!signal.aborted) {
          document.documentElement.toggleAttribute("data-iprdesk-drawn", every);
        }
      },
    };
  }

  // Whatever the page shown until now started ends, and its overlays go.
  function leave() {
    activation?.abort();
    activation = new AbortController();
    activeId = null;
    iprdesk.overlay.removeAll();
    delete document.documentElement.dataset.iprdeskPage;
    document.documentElement.removeAttribute("data-iprdesk-drawn");
  }

  function evaluate() {
    const id = iprdesk.recognise(shared.pagemap);
    const module = id && moduleOf(id);
    if (id !== activeId || !activation) {
      leave();
      if (module) {
        activeId = id;
        document.documentElement.dataset.iprdeskPage = module.id;
        module.activate(context(id));
      }
    } else if (module?.update) {
      module.update(context(id));
    }
    // While the seller teaches, the page's cells are theirs to click: no chips over them.
    if (!iprdesk.teach.active()) iprdesk.helpAnywhere(context(activeId), module);
    iprdesk.teach.consider(shared, activeId, activeId && module, activation.signal);
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      evaluate();
    }, 250);
  }

  // Settled: loaded, looked at since its last change, quiet since for QUIET_MS (no change of
  // its DOM, no request of its finishing), and none of its requests to the Panel in flight for
  // as long, but long-polls (the service worker sees them: background/requests-in-flight.js;
  // and the page's world its own fetch and XHR: content/requests.js). A single-page app
  // shows a page in steps (the shell, then what each request brings): until it settles, a page
  // not recognised may still become one. Not that it never changes again; and a page may never
  // settle (a request that never ends): each call resolves BOUND_MS after it at the latest,
  // the page then taken as it is.
  // Resolves true when the page was seen to settle; false at the bound, and for a page a
  // service worker controls unless the page's own requests were all seen from its world (what
  // that worker answers from its cache, or after waiting on anything but the network, reaches
  // no webRequest listener): else its quiet is not known to be the end. A caller then says it
  // could not confirm a thing absent, never that it is.
  const QUIET_MS = 1000;
  const BOUND_MS = 15000;
  const BUSY_POLL_MS = 250;  // how often a page with requests in flight is asked about again
  let busyAt = -Infinity;  // when requests of the page were last seen in flight
  let checking = false;  // a check is due or under way
  const settling = new Set();  // `settled` calls still waiting: their resolvers
  const again = (ms) => {
    setTimeout(checkSettled, Math.max(ms, 50));
  };
  async function checkSettled() {
    if (!settling.size) {  // nobody waits any more
      checking = false;
      return;
    }
    const quiet = performance.now() - changedAt;
    if (document.readyState !== "complete" || timer !== null || !shared || quiet < QUIET_MS) {
      return again(QUIET_MS - quiet);
    }
    // Asked while the rest is quiet, again and again while requests are in flight.
    // Not answered (the extension reloaded under the page): taken as busy, the bound decides.
    const { count, polls } = await iprdesk.ask("page.requestsInFlight")
      .catch(() => ({ count: 1, polls: [] }));
    if (count > 0 || iprdesk.pageRequests.inFlight(polls) > 0) {
      busyAt = performance.now();
      return again(BUSY_POLL_MS);
    }
    const wait = QUIET_MS - (performance.now() - Math.max(changedAt, busyAt));
    if (wait > 0) return again(wait);
    checking = false;
    const seen = !navigator.serviceWorker?.controller || iprdesk.pageRequests.seen();
    settling.forEach((resolve) => resolve(seen));
  }
  iprdesk.settled = () => new Promise((resolve) => {
    const done = (seen) => {
      clearTimeout(bound);
      settling.delete(done);
      resolve(seen);
    };
    const bound = setTimeout(done, BOUND_MS, false);
    settling.add(done);
    if (!checking) {
      checking = true;
      checkSettled();
    }
  });
  new PerformanceObserver(() => {
    changedAt = performance.now();
  }).observe({ type: "resource" });

  iprdesk.lookAgain = schedule;  // teaching ended: what it held back may show again

  // The page map changed (a page was taught): look again with the new one.
  iprdesk.reloadSharedData = async () => {
    const fresh = await iprdesk.ask("shared.get", { refresh: true });
    leave();
    shared = fresh;
    evaluate();
  };

  iprdesk.ask("shared.get").then((data) => {
    shared = data;
    changedAt = performance.now();  // changes before this one went unwatched
    evaluate();
    // Our own overlays changing is no reason to look again; the page's text changing is, even in
    // place (React relabels a row by editing its text node): a text record's target is the
    // text node, whose element decides.
    const ours = (r) => {
      const element = r.type === "characterData" ? r.target.parentElement : r.target;
      if (element?.closest("iprdesk-overlay")) return true;
      return r.type === "childList" &&
        [...r.addedNodes, ...r.removedNodes].every((n) => n.nodeName === "IPRDESK-OVERLAY");
    };
    // A change of the page: looked at again, and the page not settled yet.
    const moved = () => {
      changedAt = performance.now();
      schedule();
    };
    new MutationObserver((records) => {
      if (!records.every(ours)) moved();
    }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    window.addEventListener("popstate", moved);
    window.addEventListener("hashchange", moved);
    // Hidden (another document loads, or the page goes into the back/forward cache): left.
    // Shown again from that cache: looked at anew.
    window.addEventListener("pagehide", () => {
      activation?.abort();
      activation = null;
    });
    window.addEventListener("pageshow", (e) => e.persisted && evaluate());
  }, () => {
    // No shared data yet (agent never reached): nothing to annotate, and nothing to break.
  });
})();
