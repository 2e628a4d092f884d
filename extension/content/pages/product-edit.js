// The product edit page: a badge on each product image saying whether it is fine, a
// near-duplicate of a complained picture, still carries metadata, or sits at an old URL that
// is still live, and under it where the image came from (its provenance record's origin) or
// the question "where is this image from?", which opens the desk at that image to record it.
// The service worker decides which images are product images (Joom CDN hosts from shared
// data) and asks the agent; this module only finds <img> elements and draws.
(() => {
  const BADGE_CSS = `
    .badges { display: flex; flex-wrap: wrap; gap: 3px; }
    .badge { border-radius: 4px; padding: 1px 5px; font-size: 11px; font-weight: 600;
             color: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.3); cursor: help; }
    .fine { background: #1e7d34; }
    .near-duplicate, .old-url-live { background: #c62828; }
    .metadata { background: #b26a00; }
    .unreadable { background: #616161; }
    .where { display: inline-block; margin-top: 3px; border: 0; border-radius: 4px; padding: 1px 6px;
             font-family: inherit; font-size: 11px; font-weight: 600; line-height: 1.4;
             background: #fff; color: #1d4ed8;
             box-shadow: 0 1px 3px rgba(0,0,0,.3); cursor: pointer; max-width: 100%;
             overflow-wrap: anywhere; text-align: start; }
    .where[data-origin]:not([data-origin=""]) { background: #dcfce7; color: #14532d; }
  `;
  const LABELS = {
    "fine": "badgeFine",
    "near-duplicate": "badgeNearDuplicate",
    "metadata": "badgeMetadata",
    "old-url-live": "badgeOldUrlLive",
    "unreadable": "badgeUnreadable",
  };

  const results = new Map();  // image URL -> assessment from the agent, kept across visits
  // This visit of the page: { ctx, hosts: <img> -> its overlay host, pending: URLs being
  // assessed, origins: image SHA-256 -> its recorded origin ("" when it has no record) }.
  let visit = null;

  function imageUrl(img) {
    const src = img.currentSrc || img.src;
    return /^https:\/\//.test(src) ? src : null;
  }

  function pageImages() {
    return [...document.images].filter((img) => !img.closest("iprdesk-overlay") && imageUrl(img));
  }

  function details(kind, r, ctx) {
    if (kind === "near-duplicate") {
      const d = r.near_duplicate;
      return iprdesk.t("badgeNearDuplicateTitle", d.complained, String(d.distances.phash)) +
        (d.mirrored ? iprdesk.t("badgeMirroredSuffix") : "");
    }
    if (kind === "metadata") {
      return iprdesk.t("badgeMetadataTitle", r.metadata.summary[ctx.lang] || r.metadata.summary.en);
    }
    if (kind === "old-url-live") {
      return iprdesk.t("badgeOldUrlLiveTitle", r.old_url.url,
                       iprdesk.localTime(r.old_url.checked_at, ctx.messages));
    }
    if (kind === "unreadable") return r.unreadable.message;
    return "";
  }

  function place(img, host) {
    const rect = img.getBoundingClientRect();
    // Over the image's top-left corner, no wider than the image: the page's layout is untouched.
    host.style.cssText = `position:absolute;z-index:2147483645;` +
      `left:${Math.round(rect.left + window.scrollX + 4)}px;top:${Math.round(rect.top + window.scrollY + 4)}px;` +
      `max-width:${Math.max(80, Math.round(rect.width - 8))}px;`;
  }

  // "Where is this image from?", or the origin on record: opens the desk at the image.
  function where(host, r, origins, ctx) {
    let button = host.shadowRoot.querySelector(".where");
    if (!r.sha256) {
      button?.remove();
      return;
    }
    if (!button) {
      button = Object.assign(document.createElement("button"), { type: "button", className: "where" });
      button.addEventListener("click", () => iprdesk.ask("ui.openDesk", {
        section: "provenance", image: button.dataset.image, name: button.dataset.name,
      }).catch(() => {}));
      host.shadowRoot.append(button);
    }
    const origin = origins.get(r.sha256);
    button.dataset.image = r.sha256;
    button.dataset.name = decodeURIComponent(new URL(r.url).pathname.split("/").pop() || "");
    button.dataset.origin = origin ?? "";
    button.textContent = origin ? ctx.messages[`provenance.origin.${origin}`] || origin
      : iprdesk.t("imageProvenanceAsk");
    button.title = iprdesk.t(origin ? "imageProvenanceChange" : "imageProvenanceAskTitle");
  }

  function draw({ ctx, hosts, origins }, img, r) {
    let host = hosts.get(img);
    if (!host || !host.isConnected) {
      const root = iprdesk.overlay.create((h) => {
        host = h;
        document.documentElement.append(h);
      }, { css: BADGE_CSS, className: "iprdesk-image-badge" });
      root.append(Object.assign(document.createElement("div"), { className: "badges" }));
      hosts.set(img, host);
    }
    const kinds = r.badges.length ? r.badges : ["unreadable"];
    host.dataset.iprdeskImage = r.url;
    host.dataset.iprdeskBadges = kinds.join(" ");
    const box = host.shadowRoot.querySelector(".badges");
    where(host, r, origins, ctx);
    box.replaceChildren(...kinds.map((kind) => {
      const badge = document.createElement("span");
      badge.className = `badge ${kind}`;
      badge.textContent = iprdesk.t(LABELS[kind]);
      badge.title = details(kind, r, ctx);
      return badge;
    }));
    place(img, host);
  }

  function render(current) {
    for (const img of pageImages()) {
      const r = results.get(imageUrl(img));
      if (r) draw(current, img, r);
    }
    for (const [img, host] of current.hosts) {
      if (!img.isConnected) {
        host.remove();
        current.hosts.delete(img);
      }
    }
  }

  // The origins on record of the page's images (asked again with every assessment).
  async function lookUpOrigins(current) {
    const hashes = [...results.values()].map((r) => r.sha256).filter(Boolean);
    if (!hashes.length) return;
    let known;
    try {
      known = await iprdesk.ask("provenance.known", { hashes });
    } catch {
      return;  // the agent away: the badges already say so; the question stays
    }
    if (current.ctx.signal.aborted) return;
    current.origins = new Map(hashes.map((sha) => [sha, known[sha]?.origin ?? ""]));
    render(current);
  }

  async function assessNew(current) {
    const { pending, ctx } = current;
    const urls = [...new Set(pageImages().map(imageUrl))]
      .filter((u) => !results.has(u) && !pending.has(u));
    if (!urls.length) {
      render(current);
      return lookUpOrigins(current);
    }
    urls.forEach((u) => pending.add(u));
    let answered = true;
    let downText = iprdesk.t("badgesAgentDown");
    try {
      for (const r of await iprdesk.ask("images.assess", { urls })) results.set(r.url, r);
    } catch (e) {
      answered = false;
      // iprdesk unusable in this browser: the worker's message says why and what to do.
      if (iprdesk.hostDown(e.code)) {
        downText = iprdesk.t("badgesHostDown", e.message || iprdesk.t("hostDownFix"));
      }
    } finally {
      urls.forEach((u) => pending.delete(u));
    }
    if (ctx.signal.aborted) return;  // the seller left the page meanwhile
    if (answered) {
      document.querySelector('iprdesk-overlay[data-iprdesk-id="image-badges-agent-down"]')?.remove();
    } else {
      // A notice of a sentence or two: a box that wraps, not a one-line pill.
      const root = iprdesk.overlay.floating("image-badges-agent-down",
                                            ".pill { border-radius: 8px; max-width: 360px; }");
      root.replaceChildren(root.querySelector("style"),
        Object.assign(document.createElement("div"), { className: "pill", textContent: downText }));
    }
    render(current);
    if (answered) await lookUpOrigins(current);
  }

  // The case page asks, through the service worker, which images this product page shows
  // (to collect its old image URLs, or pick its new images): answered once the page is
  // recognised as a product page and shows an image, or as another page, else once the page
  // has settled (main.js: a single-page app may still become a product page until then, its
  // requests in flight waited for; at most 15 s) with what is there. `settled` says whether
  // what is there is known to be the end: false when the page was not seen to settle.
  // The service worker keeps the Joom CDN's ones.
  function shownImages() {
    return new Promise((resolve) => {
      const answer = (settled = true) => ({
        page: location.href, images: [...new Set(pageImages().map(imageUrl))], settled,
        recognised: document.documentElement.dataset.iprdeskPage === "product-edit" });
      // Recognised as another page (the Panel showed something else): no need to wait. The
      // product page itself is answered once settled: its first image is not all its images
      // (a gallery filled by a later request), and a removal is checked against all of them.
      const ready = () => {
        const a = answer();
        return document.documentElement.dataset.iprdeskPage && !a.recognised ? a : null;
      };
      if (ready()) return resolve(ready());
      const observer = new MutationObserver(() => {
        const a = ready();
        if (a) finish(a);
      });
      const finish = (a) => {
        observer.disconnect();
        resolve(a);
      };
      observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true,
                                                   attributeFilter: ["src", "data-iprdesk-page"] });
      iprdesk.settled().then((seen) => finish(answer(seen)));
    });
  }
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || sender.tab) return false;  // the service worker only
    if (message?.type !== "productPage.images") return false;
    shownImages().then(sendResponse);
    return true;
  });

  iprdesk.registerPage({
    id: "product-edit",
    titleKey: "pageProductEdit",
    activate(context) {
      const current = visit = { ctx: context, hosts: new Map(), pending: new Set(), origins: new Map() };
      context.showRecognised();
      window.addEventListener("resize", () => {
        for (const [img, host] of current.hosts) place(img, host);
      }, { signal: context.signal });
      // Back from another tab, perhaps the case page where complained pictures were added or
      // the desk where an origin was recorded: the page's images are assessed anew.
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState !== "visible") return;
        for (const img of pageImages()) results.delete(imageUrl(img));
        assessNew(current);
      }, { signal: context.signal });
      assessNew(current);
    },
    update(context) {
      visit.ctx = context;
      assessNew(visit);
    },
  });
})();
