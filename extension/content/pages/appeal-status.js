// The appeal status list: per rejected appeal, the rejection code explained in plain words,
// the exact fix checklist, and a link to the preflight of the case it belongs to (found by
// the row's complaint ID or products when the Panel shows them; else one link per open case).
(() => {
  const { el, list, status } = iprdesk.annotation;
  const REQUIRED = ["appealId", "status"];
  let ctx = null;
  let openCases = null;  // null until the agent has answered (or failed to): a card drawn
                         // before would offer to open a case that exists

  // The code as written in the row ("Doc_Incomplete", "doc incomplete", "Doc-Incomplete").
  function knownCode(text) {
    const wanted = (text || "").trim().toLowerCase().replace(/[\s-]+/g, "_");
    const codes = Object.keys(ctx.hints).filter((k) => k.startsWith("rejection.") && k.endsWith(".title"))
      .map((k) => k.slice("rejection.".length, -".title".length)).filter((c) => c !== "unknown");
    return codes.find((c) => c.toLowerCase() === wanted) || null;
  }

  // The open cases an appeal row belongs to: by its complaint ID, else by the products it
  // names; all of them when the row says neither, for the seller to choose.
  function casesOf(row) {
    const { norm, ids } = iprdesk.grid;
    const complaint = norm(row.values.complaintId);
    const byComplaint = openCases.filter((c) => complaint && norm(c.complaint_id) === complaint);
    if (byComplaint.length) return byComplaint;
    const products = new Set(ids(row.values.products).map(norm));
    const byProduct = openCases.filter((c) => (c.products || []).some((p) => products.has(norm(p))));
    return byProduct.length ? byProduct : openCases;
  }

  function preflightButtons(cases) {
    return cases.map((c) => {
      const button = el("button", { className: "action primary preflight", type: "button",
                                    dataset: { case: c.id } },
        cases.length === 1 ? ctx.hints["appeal.preflight"]
          : iprdesk.format(ctx.hints["appeal.preflightFor"], { id: c.complaint_id }));
      button.addEventListener("click", () => iprdesk.ask("ui.openPreflight", { caseId: c.id }));
      return button;
    });
  }

  // No case yet: the desk opens one from the complaint notice.
  function importButton() {
    const button = el("button", { className: "action primary open-import", type: "button" },
                      iprdesk.t("deskOpenImport"));
    button.addEventListener("click", () => iprdesk.ask("ui.openDesk", { section: "import" }));
    return button;
  }

  // Saves the page as it shows this rejection (screenshot + archive), under its case when
  // that is known.
  function captureButton(card, row, code, cases) {
    const button = el("button", { className: "action capture", type: "button" }, iprdesk.t("captureEvidence"));
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        // How it went is said in this (open) card by content/evidence.js, the one writer of a
        // capture's news: its "screenshot only" note when the page was not archived, a
        // failure in the words that say how to fix it.
        await iprdesk.ask("evidence.capture", {
          case: cases.length === 1 ? cases[0].id : undefined,
          note: `Appeal ${row.values.appealId}: ${code || row.values.reason || row.values.status}` });
      } catch (e) {
        // Only a failure that never reached the service worker, which says the others.
        if (e.code === "extension_unavailable") status(card, e.message, "error");
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  function render() {
    if (!openCases) return;
    const rows = iprdesk.grid.read(ctx.page.columns, REQUIRED) || [];
    const seen = new Set();
    for (const row of rows) {
      if (iprdesk.grid.meaning(row.values.status, ctx.page.values?.status) !== "rejected") continue;
      const id = `appeal:${row.values.appealId}`;
      seen.add(id);
      const raw = (row.values.reason || "").trim();
      const code = knownCode(raw);
      const cases = casesOf(row);
      const h = ctx.hints;
      const title = code ? h[`rejection.${code}.title`]
        : iprdesk.format(h["rejection.unknown.title"], { code: raw || "?" });
      // In the blank space of a cell, never over the page's own text.
      const cells = ["reason", "status", "date", "appealId"].map((key) => row.cells[key]);
      const { host, card } = iprdesk.annotation.attach(row.el, id, {
        chipText: title, chipShort: "!", state: "rejected", title,
        place: iprdesk.overlay.placeInCells(cells), list: row.list,
        rowName: iprdesk.t("rowNameAppeal", row.values.appealId) });
      host.dataset.appeal = row.values.appealId;
      host.dataset.code = code || "unknown";
      if (host.hasAttribute("open") && card.childElementCount) continue;
      // The parts it has: replaceChildren would show a null as the text "null".
      card.replaceChildren(...[
        el("h3", {}, title),
        el("p", {}, code ? h[`rejection.${code}.explain`] : h["rejection.unknown.explain"]),
        code ? list(h[`rejection.${code}.checklist`], "ol") : null,
        cases.length ? null : el("p", { className: "no-case" }, h["appeal.openCaseFirst"]),
        // One row of buttons: it stays in view at the bottom of a card that scrolls.
        el("div", { className: "actions" }, preflightButtons(cases),
           cases.length ? null : importButton(), captureButton(card, row, code, cases)),
        el("div", { className: "status" }),
      ].filter(Boolean));
    }
    for (const host of document.querySelectorAll("iprdesk-overlay[data-iprdesk-id^='appeal:']")) {
      if (!seen.has(host.dataset.iprdeskId)) host.remove();
    }
    ctx.drawn();
  }

  iprdesk.registerPage({
    id: "appeal-status",
    titleKey: "pageAppealStatus",
    required: REQUIRED,  // the columns without which it reads nothing (teach.js asks for them)
    async activate(context) {
      ctx = context;
      openCases = null;  // another activation's list is not this one's answer
      context.showRecognised();
      const cases = await iprdesk.ask("cases.list").then((r) => r.cases, () => []);
      if (context.signal.aborted) return;
      openCases = cases;
      render();
    },
    update(context) {
      ctx = context;
      render();
    },
  });
})();
