// Teach mode: on a Panel page iprdesk does not read (not recognised, or recognised without
// the columns its module needs, the same test as the page report's), a small prompt offers
// "Teach iprdesk this page". The seller clicks the list, then for each field (asked in their
// language) that column's header or a cell; the columns are marked on the live page with
// their field names before anything is saved. The agent keeps the result (pagemap_local.py),
// and the page is read with it at once.
iprdesk.teach = (() => {
  const PANEL_ID = "teach";
  const css = `
    .panel { box-sizing: border-box; width: 340px; max-width: calc(100vw - 32px); background: #fff;
             color: #1d1d1f; border: 1px solid #d0d4da; border-radius: 10px; padding: 12px 14px;
             box-shadow: 0 8px 28px rgba(0,0,0,.2); font: 13px/1.45 system-ui, "PingFang SC",
             "Microsoft YaHei", sans-serif; }
    h2 { font-size: 14px; margin: 0 0 6px; }
    p { margin: 6px 0; }
    .field { font-weight: 700; color: #c41e3a; }
    .step { color: #4b5563; font-size: 12px; }
    ul { margin: 6px 0; padding-left: 18px; }
    .error { color: #b91c1c; }
    .error:empty { display: none; }
    .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
    button { font: inherit; border: 1px solid #9ca3af; background: #fff; color: #111;
             border-radius: 6px; padding: 4px 10px; cursor: pointer; }
    button.primary { background: #c41e3a; border-color: #c41e3a; color: #fff; }
  `;
  const MARK_CSS = `
    .box { box-sizing: border-box; width: 100%; height: 100%; border: 2px dashed #c41e3a;
           border-radius: 4px; background: rgba(196, 30, 58, .06); }
    /* Under the column's last cell: above its header it would cover the page's own text. */
    .tag { position: absolute; left: 0; top: 100%; margin-top: 2px; white-space: nowrap;
           background: #c41e3a; color: #fff; border-radius: 4px; padding: 1px 6px;
           font: 600 11px/1.5 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; }
  `;
  // Message key of a page kind and of a column, by rule (as the options page names them).
  const camel = (id) => id.replace(/(^|-)(\w)/g, (_m, _d, c) => c.toUpperCase());
  const fieldName = (key) => iprdesk.t(`field${camel(key)}`);
  const { el } = iprdesk.annotation;
  const { cellsOf, norm } = iprdesk.grid;

  let shared = null;
  let situation = null;           // { state: "unrecognised" | "missing", kind?, missing? }
  let flow = null;                // the teaching in progress
  let teaching = null;            // AbortController of its click listener: ends with it
  let pageSignal = null;          // the page's (main.js): leaving the page ends the teaching
  // Paths where the seller said "Not now": kept by the service worker, so the prompt does not
  // come back on every visit (the popup still offers teaching there).
  let dismissed = null;
  const dismissedLoaded = iprdesk.ask("teach.dismissed").then(
    (paths) => { dismissed = new Set(paths); }, () => { dismissed = new Set(); });

  // -- what the page is -----------------------------------------------------------------

  const teachable = () => [...iprdesk.pages.values()].filter((m) => m.required
    && shared.pagemap.pages[m.id]?.columns);

  // A list the seller could teach: a table or grid with rows, or a run of same-shaped rows.
  function showsList(doc) {
    if ([...doc.querySelectorAll("table, [role='table'], [role='grid']")]
      .some((t) => !t.closest("iprdesk-overlay") && t.querySelectorAll("tr, [role='row']").length >= 2)) return true;
    return [...doc.querySelectorAll("div, ul, tbody, section")].some((p) => {
      const rows = [...p.children].filter((c) => c.children.length >= 3);
      return rows.length >= 3 && rows.every((r) => r.children.length === rows[0].children.length);
    });
  }

  // What the page needs: null when iprdesk reads it (or it is no list).
  function assess(id, module) {
    if (id && module) {
      if (!module.required) return null;
      const page = shared.pagemap.pages[id];
      if (iprdesk.grid.read(page.columns, module.required)) return null;
      const found = iprdesk.grid.headerKeys(page.columns);
      return { state: "missing", kind: module.id,
               missing: module.required.filter((k) => !found.includes(k)) };
    }
    return showsList(document) ? { state: "unrecognised" } : null;
  }

  function situationText(s) {
    if (s.state === "missing") {
      return iprdesk.t("teachPromptMissing", iprdesk.t(iprdesk.pages.get(s.kind).titleKey),
                       s.missing.map(fieldName).join(", "));
    }
    return iprdesk.t("teachPromptUnrecognised");
  }

  // -- the panel ------------------------------------------------------------------------

  function panel() {
    let root = document.querySelector(`iprdesk-overlay[data-iprdesk-id="${PANEL_ID}"]`)?.shadowRoot;
    if (!root) {
      root = iprdesk.overlay.floating(PANEL_ID, css);
      const box = el("div", { className: "panel", role: "dialog",
                              "aria-label": iprdesk.t("teachTitle") });
      root.append(box);
    }
    return root.querySelector(".panel");
  }

  const panelShown = () => Boolean(document.querySelector(`iprdesk-overlay[data-iprdesk-id="${PANEL_ID}"]`));

  // The prompt may hide while nothing of the window is free of the page's text (an open
  // card filling a narrow window): it asks, and comes back once a place frees. Teaching's
  // steps stay in view.
  function show(...children) {
    const box = panel();
    box.replaceChildren(el("h2", {}, iprdesk.t("teachTitle")), ...children);
    iprdesk.overlay.mayHide(box.getRootNode().host, false);
    return box;
  }

  function button(key, onClick, primary = false, ...subs) {
    const b = el("button", { type: "button", className: primary ? "primary" : "" },
                 iprdesk.t(key, ...subs));
    b.addEventListener("click", (e) => {
      e.stopPropagation();
      onClick();
    });
    return b;
  }

  const buttons = (...list) => el("div", { className: "buttons" }, list);

  function hide() {
    iprdesk.overlay.remove(PANEL_ID);
  }

  function showPrompt() {
    const box = show(el("p", {}, situationText(situation)),
                     buttons(button("teachStart", start, true), button("teachNotNow", notNow)));
    iprdesk.overlay.mayHide(box.getRootNode().host, true);
  }

  function notNow() {
    dismissed.add(location.pathname);
    document.documentElement.dataset.iprdeskTeach = "dismissed";
    hide();
    iprdesk.ask("teach.dismiss", { path: location.pathname }).catch(() => {});
  }

  // -- marks on the page ----------------------------------------------------------------

  function mark(id, anchor, { tag, to } = {}) {
    const root = iprdesk.overlay.anchored(anchor, `teach-mark:${id}`, {
      css: MARK_CSS,
      place: (rect) => ({ left: rect.left - 3, top: rect.top - 3 }),
      placed: (host) => {
        const a = anchor.getBoundingClientRect();
        const b = (to?.isConnected ? to : anchor).getBoundingClientRect();
        host.style.display = "block";
        host.style.width = `${Math.max(a.right, b.right) - a.left + 6}px`;
        host.style.height = `${Math.max(a.bottom, b.bottom) - a.top + 6}px`;
      },
    });
    root.host.style.pointerEvents = "none";  // clicks go to the page, where they are read
    root.host.classList.add("iprdesk-teach-mark");
    if (!root.querySelector(".box")) root.append(el("div", { className: "box" }));
    root.querySelector(".tag")?.remove();
    if (tag) root.append(el("span", { className: "tag" }, tag));
    iprdesk.overlay.reposition();
  }

  function clearMarks() {
    for (const host of document.querySelectorAll("iprdesk-overlay[data-iprdesk-id^='teach-mark:']")) host.remove();
  }

  // -- the list and its columns ---------------------------------------------------------

  const sameShape = (a, b) => a.tagName === b.tagName && cellsOf(a).length === cellsOf(b).length;

  // The row a click landed in: a table or ARIA row, or an element with cells that has
  // same-shaped siblings (a div grid).
  function rowAt(node) {
    for (let n = node; n && n !== document.body; n = n.parentElement) {
      if (n.matches("tr, [role='row']")) return n;
      const siblings = n.parentElement ? [...n.parentElement.children] : [];
      if (cellsOf(n).length >= 2 && siblings.filter((s) => sameShape(s, n)).length >= 2) return n;
    }
    // The list itself was clicked: its first row.
    const inside = node.querySelector?.("tr, [role='row']");
    if (inside) return inside;
    const child = [...(node.children || [])].find((c) => cellsOf(c).length >= 2
      && [...node.children].filter((s) => sameShape(s, c)).length >= 2);
    return child || null;
  }

  // The header row of the list `row` belongs to: a table's header row, a grid's row of
  // column headers, else the first of the same-shaped rows beside it.
  function headerOf(row) {
    const table = row.closest("table");
    if (table) return table.querySelector("thead tr") || [...table.rows].find((r) => r.querySelector("th")) || table.rows[0];
    const grid = row.closest("[role='table'], [role='grid'], [role='treegrid']");
    if (grid) {
      const rows = [...grid.querySelectorAll("[role='row']")];
      return rows.find((r) => r.querySelector("[role='columnheader']")) || rows[0];
    }
    return [...row.parentElement.children].find((s) => sameShape(s, row));
  }

  // The column index of the cell a click landed in, or -1 outside the list.
  function columnAt(node) {
    for (let n = node; n && n !== document.body; n = n.parentElement) {
      const row = n.parentElement;
      if (row && flow.rows.includes(row)) return cellsOf(row).indexOf(n);
    }
    return -1;
  }

  const headerLabel = (index) => norm(cellsOf(flow.header)[index]?.textContent).slice(0, 200);
  const originalLabel = (index) => (cellsOf(flow.header)[index]?.textContent || "")
    .replace(/\s+/g, " ").trim();

  function markColumn(key, index) {
    const cells = cellsOf(flow.header);
    const last = flow.rows.at(-1);
    mark(key, cells[index], { tag: fieldName(key), to: cellsOf(last)[index] });
  }

  // -- the flow -------------------------------------------------------------------------

  function start() {
    const kinds = teachable();
    flow = { kind: situation?.kind || null, columns: {}, step: 0, error: "" };
    teaching = new AbortController();
    const signal = AbortSignal.any([teaching.signal, pageSignal]);
    document.addEventListener("click", onClick, { capture: true, signal });
    pageSignal.addEventListener("abort", stop, { once: true, signal: teaching.signal });
    // Explanation chips (help-anywhere.js) would sit over the cells to click; back after.
    for (const host of document.querySelectorAll("iprdesk-overlay[data-iprdesk-id^='anywhere:']")) host.remove();
    if (!flow.kind && kinds.length === 1) flow.kind = kinds[0].id;
    if (flow.kind) return askList();
    show(el("p", {}, iprdesk.t("teachKindQuestion")),
         buttons(...kinds.map((m) => button(`teachKind${camel(m.id)}`, () => {
           flow.kind = m.id;
           askList();
         }, true)), button("teachCancel", stop)));
  }

  // The fields to ask for: those the module cannot work without first, then the others in
  // the order the sellers think of them (a JSON object's key order is no promise).
  const ORDER = ["complaintId", "appealId", "complainant", "reason", "date", "products", "type", "status"];
  function fields() {
    const { required } = iprdesk.pages.get(flow.kind);
    const rank = (key) => (required.includes(key) ? required.indexOf(key) - 100
      : (ORDER.indexOf(key) + 1 || 99));
    return Object.keys(shared.pagemap.pages[flow.kind].columns).sort((a, b) => rank(a) - rank(b))
      .map((key) => ({ key, required: required.includes(key) }));
  }

  function errorLine() {
    return el("p", { className: "error", role: "alert" }, flow.error);
  }

  function askList() {
    flow.awaiting = "list";
    show(el("p", {}, iprdesk.t("teachPickList")), errorLine(), buttons(button("teachCancel", stop)));
  }

  function askField() {
    const list = fields();
    if (flow.step >= list.length) return review();
    const { key, required } = list[flow.step];
    flow.awaiting = "field";
    show(el("p", { className: "step" }, iprdesk.t("teachStep", String(flow.step + 1), String(list.length))),
         el("p", {}, iprdesk.t("teachPickField"), " ", el("span", { className: "field" }, fieldName(key))),
         errorLine(),
         buttons(required ? null : button("teachSkip", () => next()),
                 button("teachRestart", restart), button("teachCancel", stop)));
  }

  function next() {
    flow.error = "";
    flow.step += 1;
    askField();
  }

  function onClick(event) {
    if (!flow?.awaiting || event.composedPath().some((n) => n.nodeName === "IPRDESK-OVERLAY"
        && !n.classList.contains("iprdesk-teach-mark"))) return;
    // The click teaches: it must not also follow a link or sort the list.
    event.preventDefault();
    event.stopImmediatePropagation();
    if (flow.awaiting === "list") return pickList(event.target);
    if (flow.awaiting === "field") return pickColumn(event.target);
  }

  function pickList(target) {
    const row = rowAt(target);
    const header = row && headerOf(row);
    if (!header || cellsOf(header).length < 2) {
      flow.error = iprdesk.t("teachNoList");
      return askList();
    }
    flow.header = header;
    flow.rows = iprdesk.grid.rowsLike(header);
    flow.list = header.closest("table, [role='table'], [role='grid'], [role='treegrid']") || header.parentElement;
    flow.error = "";
    mark("list", flow.list);
    askField();
  }

  function pickColumn(target) {
    const index = columnAt(target);
    const { key } = fields()[flow.step];
    const label = index >= 0 ? headerLabel(index) : "";
    const taken = Object.entries(flow.columns).find(([k, c]) => k !== key && c.index === index);
    if (index < 0) flow.error = iprdesk.t("teachNotInList");
    else if (!label) flow.error = iprdesk.t("teachNoHeader");
    else if (taken) flow.error = iprdesk.t("teachAlreadyUsed", fieldName(taken[0]));
    else if (originalLabel(index).length > 80) flow.error = iprdesk.t("teachNoHeader");
    if (flow.error) return askField();
    flow.columns[key] = { index, label: originalLabel(index) };
    markColumn(key, index);
    next();
  }

  // The columns as the page map will hold them, and the rows iprdesk reads with them.
  function taughtColumns() {
    const lang = iprdesk.language();
    return Object.fromEntries(Object.entries(flow.columns).map(([k, c]) => [k, { [lang]: [c.label] }]));
  }

  function review() {
    flow.awaiting = null;
    const module = iprdesk.pages.get(flow.kind);
    const rows = iprdesk.grid.read(taughtColumns(), module.required) || [];
    const summary = el("ul", {}, Object.entries(flow.columns).map(([key, c]) =>
      el("li", {}, iprdesk.t("pagemapColumn", c.label, fieldName(key)))));
    if (!rows.length) {
      return show(el("p", { className: "error", role: "alert" }, iprdesk.t("teachUnreadable")), summary,
                  buttons(button("teachRestart", restart, true), button("teachCancel", stop)));
    }
    show(el("p", {}, iprdesk.t("teachReview", String(rows.length))), summary, errorLine(),
         buttons(button("teachSave", save, true), button("teachRestart", restart),
                 button("teachCancel", stop)));
  }

  async function save() {
    const columns = Object.fromEntries(Object.entries(flow.columns).map(([k, c]) => [k, c.label]));
    try {
      await iprdesk.ask("pagemap.teach", { taught: {
        page: flow.kind, path: location.pathname, lang: iprdesk.language(), columns } });
    } catch (e) {
      flow.error = iprdesk.t("teachFailed", e.message);
      return review();
    }
    stop();
    await iprdesk.reloadSharedData();
    const root = iprdesk.overlay.floating("teach-saved");
    root.append(el("div", { className: "pill", role: "status" }, iprdesk.t("teachSaved")));
  }

  function restart() {
    clearMarks();
    flow = { kind: flow.kind, columns: {}, step: 0, error: "" };
    askList();
  }

  function stop() {
    teaching?.abort();
    teaching = null;
    flow = null;
    clearMarks();
    hide();
    iprdesk.lookAgain();
  }

  // -- from main.js and the popup -------------------------------------------------------

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id) return false;
    if (message?.type === "teach.state") {
      sendResponse({ ok: true, state: situation?.state || "read", teaching: Boolean(flow) });
    } else if (message?.type === "teach.start") {
      if (situation && !flow) start();
      sendResponse({ ok: Boolean(flow) });
    }
    return false;
  });

  return {
    active: () => Boolean(flow),
    // After each look at the page (main.js): offer teaching when iprdesk does not read it.
    consider(data, id, module, signal) {
      shared = data;
      pageSignal = signal;
      if (flow) return;
      if (!dismissed) {
        dismissedLoaded.then(() => signal.aborted || iprdesk.teach.consider(data, id, module, signal));
        return;
      }
      const before = JSON.stringify(situation);
      situation = teachable().length ? assess(id, module) : null;
      // What the prompt does, for whoever needs to know without looking into its shadow root.
      const state = !situation ? null : dismissed.has(location.pathname) ? "dismissed" : "offered";
      if (state) document.documentElement.dataset.iprdeskTeach = state;
      else delete document.documentElement.dataset.iprdeskTeach;
      if (state !== "offered") hide();
      // Rebuilt only when it says something else: never under the seller's cursor.
      else if (before !== JSON.stringify(situation) || !panelShown()) showPrompt();
    },
  };
})();
