// The account pages: a funds-hold, TRO, "Pending IPR Review" or suspension banner explained,
// with the next steps. Banners are found by their phrases from the page map, not by markup.
(() => {
  const { el, list } = iprdesk.annotation;
  let ctx = null;

  // The smallest element holding the phrase: the banner itself, not the page around it.
  function holder(phrase) {
    const escaped = iprdesk.grid.norm(phrase).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Whole words only: "TRO" must not match "control".
    const wanted = new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let best = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const block = node.parentElement?.closest("div, p, section, aside, li, [role='alert'], [role='status']");
      if (!block || block.closest("iprdesk-overlay")) continue;
      if (wanted.test(iprdesk.grid.norm(block.textContent)) && (!best || best.contains(block))) best = block;
    }
    return best;
  }

  // Each banner goes once per page to the agent's penalty history, which keeps those that
  // report a penalty and counts a banner seen again on another visit. Without the agent the
  // sighting waits for the next visit.
  const reported = new Set();
  function report(kind, banner) {
    const text = [...banner.childNodes].filter((n) => n.nodeName !== "IPRDESK-OVERLAY")
      .map((n) => n.textContent).join(" ").replace(/\s+/g, " ").trim();
    if (!text || reported.has(`${kind}\n${text}`)) return;
    reported.add(`${kind}\n${text}`);
    iprdesk.ask("penalties.record", { banner: kind, text }).catch(() => reported.delete(`${kind}\n${text}`));
  }

  // A banner that reports a penalty (shared/penalties.json's banner_kinds) leads to the desk's
  // ladder: where the store stands after it.
  function ladderButton() {
    const button = el("button", { className: "action primary open-ladder", type: "button" },
                      iprdesk.t("deskOpenPenalties"));
    button.addEventListener("click", () => iprdesk.ask("ui.openDesk", { section: "penalties" }));
    return button;
  }

  function render() {
    const found = new Map();
    // The page map lists banner kinds most specific first (a TRO banner also says "on hold").
    for (const { kind, phrases } of ctx.page.banners || []) {
      for (const phrase of Object.values(phrases).flat()) {
        const banner = holder(phrase);
        // One explanation per banner.
        if (banner && ![...found.values()].includes(banner)) {
          found.set(kind, banner);
          break;
        }
      }
    }
    const seen = new Set();
    for (const [kind, banner] of found) {
      const id = `banner:${kind}`;
      seen.add(id);
      report(kind, banner);
      const h = ctx.hints;
      const title = h[`banner.${kind}.title`];
      // No symbol before the title: "ⓘ" is missing from common Linux fonts (a box instead).
      const { host, card } = iprdesk.annotation.attach(banner, id, {
        chipText: title, state: "info", title, place: iprdesk.overlay.placeInCells([banner]) });
      host.dataset.banner = kind;
      if (host.hasAttribute("open") && card.childElementCount) continue;
      card.replaceChildren(...[
        el("h3", {}, title),
        el("p", {}, h[`banner.${kind}.explain`]),
        list(h[`banner.${kind}.steps`], "ol"),
        ctx.shared.penalties?.banner_kinds.includes(kind) ? el("div", { className: "actions" }, ladderButton()) : null,
      ].filter(Boolean));
    }
    for (const host of document.querySelectorAll("iprdesk-overlay[data-iprdesk-id^='banner:']")) {
      if (!seen.has(host.dataset.iprdeskId)) host.remove();
    }
    ctx.drawn();
  }

  iprdesk.registerPage({
    id: "account-health",
    titleKey: "pageAccountHealth",
    activate(context) {
      ctx = context;
      context.showRecognised();
      render();
    },
    update(context) {
      ctx = context;
      render();
    },
  });
})();
