// A row annotation: a small chip beside a row of the Panel, and a card that opens below it
// with the explanation and the actions. Both live in one shadow root, outside the page flow.
iprdesk.annotation = (() => {
  const { el } = iprdesk;  // lib/dom-classic.js
  const CARD_WIDTH = 410;  // px, narrower only in a narrower window
  const GAP = 6;           // px between the chip and its card
  const MARGIN = 8;        // px the card keeps from the window's edges
  const MIN_ROOM = 120;    // px of height a card always gets, even with its chip near an edge
  const BELOW_LIST = 240;  // px of height below its list that make a card go there
  const DOCK_MIN_PAGE = 480;  // px of width the page keeps beside a docked card
  const ROW_CARD_WIDTH = 720;  // px at most of a card opened within its row's room (narrow windows)
  const ROW_CARD_MIN = 260;    // px of the row's width in the window below which it is not
  const lists = new WeakMap();  // host -> the list its row belongs to, whose text a card keeps clear of
  const rows = new WeakMap();   // host -> the row it annotates
  const openedAt = new WeakMap();  // host -> its row's top in the window as its card opened
  const rowNames = new WeakMap();  // host -> its row as the Panel shows it, said by a docked card
  const MARK = 3;  // px of the line a docked card draws around its row, outside the row's box
  const css = `
    .chip { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; border: 0;
            border-radius: 999px; padding: 3px 10px; font: 600 12px/1.5 system-ui, "PingFang SC",
            "Microsoft YaHei", sans-serif; white-space: nowrap; color: #fff; background: #4b5563;
            box-shadow: 0 1px 3px rgba(0,0,0,.2); }
    .chip[data-state="ok"], .chip[data-state="done"] { background: #15803d; }
    .chip[data-state="warning"] { background: #b45309; }
    .chip[data-state="urgent"] { background: #c2410c; }
    .chip[data-state="overdue"], .chip[data-state="rejected"] { background: #b91c1c; }
    .chip[data-state="info"] { background: #1d4ed8; }
    .chip .short, :host([data-compact]) .chip .full { display: none; }
    :host([data-compact]) .chip .short { display: inline; }
    :host([data-compact]) .chip { padding: 3px 6px; }
    /* Placed and sized by fitCard: inside the window, next to its chip. */
    .card { display: none; position: absolute; box-sizing: border-box; width: ${CARD_WIDTH}px;
            overflow: auto; background: #fff; color: #1d1d1f; text-align: left;
            border: 1px solid #d0d4da; border-radius: 10px; padding: 12px 14px; white-space: normal;
            box-shadow: 0 8px 28px rgba(0,0,0,.18); font: 13px/1.45 system-ui, "PingFang SC",
            "Microsoft YaHei", sans-serif; }
    :host([open]) .card { display: block; }
    h3 { font-size: 14px; margin: 0 0 6px; }
    p { margin: 6px 0; }
    ul, ol { margin: 6px 0; padding-left: 20px; }
    li { margin: 3px 0; }
    .deadline[data-state="warning"] { color: #b45309; font-weight: 600; }
    .deadline[data-state="urgent"], .deadline[data-state="overdue"] { color: #b91c1c; font-weight: 600; }
    .why { color: #4b5563; font-size: 12px; }
    .firm { background: #fff7ed; border-left: 3px solid #c2410c; padding: 6px 8px; }
    /* A card taller than its room scrolls; its buttons stay in view at its bottom edge. */
    .actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 4px 0 -12px; padding: 6px 0 12px;
               position: sticky; bottom: -12px; background: #fff; }
    button.action { font: inherit; border: 1px solid #9ca3af; background: #fff; color: #111;
                    border-radius: 6px; padding: 4px 10px; cursor: pointer; }
    button.action.primary { background: #c41e3a; border-color: #c41e3a; color: #fff; }
    button.action:disabled { opacity: .5; cursor: default; }
    form { margin-top: 8px; display: grid; grid-template-columns: auto 1fr; gap: 6px 8px; align-items: center; }
    input, select { font: inherit; padding: 3px 6px; border: 1px solid #9ca3af; border-radius: 5px; }
    .status { margin-top: 8px; }
    .status:empty { display: none; }
    .actions + * { margin-top: 20px; }  /* clear of the 12 px the actions' band reaches down */
    .status.error { color: #b91c1c; }
    .status.ok { color: #15803d; }
    a { color: #1d4ed8; }
    /* Within its row's room, the card is the row's expanded part: a line joins it to the row. */
    :host([data-in-row]) .card { border-top: 3px solid #1d4ed8; border-radius: 0 0 10px 10px; }
    /* A docked card is away from its row: its first line names the row, which is outlined. */
    .row-name { margin: 0 0 6px; padding-bottom: 6px; border-bottom: 1px solid #e5e7eb;
                color: #1d4ed8; font-weight: 600; overflow-wrap: anywhere; }
    .row-mark { display: none; position: absolute; left: 0; top: 0; width: 0; height: 0; }
    :host([data-docked]) .row-mark { display: block; }
    .row-mark > div { position: absolute; background: #1d4ed8; }
  `;

  function closeAll() {
    for (const open of document.querySelectorAll("iprdesk-overlay[open]")) {
      open.removeAttribute("open");
      open.style.zIndex = "2147483000";
      iprdesk.overlay.reserveRight(open, 0);
      iprdesk.overlay.pushBelow(open, null, 0);
      open.removeAttribute("data-in-row");
      markDocked(open, false);
    }
  }

  // Docked, the card says which row it belongs to (its first line) and the row is outlined
  // (four lines just outside its box, over its border and the page's gaps, not its text);
  // undocked, neither.
  function markDocked(host, docked) {
    host.toggleAttribute("data-docked", docked);
    const card = host.shadowRoot.querySelector(".card");
    const name = card.querySelector(":scope > .row-name");
    const said = rowNames.get(host);
    if (!docked || !said) {
      name?.remove();
      return;
    }
    if (name?.textContent !== said || card.firstElementChild !== name) {
      name?.remove();
      card.prepend(el("p", { className: "row-name" }, said));
    }
    const row = rows.get(host)?.getBoundingClientRect();
    const mark = host.shadowRoot.querySelector(".row-mark");
    if (!row || !mark) return;
    const frame = mark.offsetParent.getBoundingClientRect();  // where the page is now
    const left = row.left - frame.left, top = row.top - frame.top;
    const edges = [[left - MARK, top - MARK, row.width + 2 * MARK, MARK],
                   [left - MARK, top + row.height, row.width + 2 * MARK, MARK],
                   [left - MARK, top, MARK, row.height],
                   [left + row.width, top, MARK, row.height]];
    [...mark.children].forEach((edge, i) => {
      const [x, y, w, h] = edges[i];
      Object.assign(edge.style, { left: `${Math.round(x)}px`, top: `${Math.round(y)}px`,
                                  width: `${Math.round(w)}px`, height: `${Math.round(h)}px` });
    });
  }

  // The card within its row's room: the row made taller by the card's height in the page's
  // flow (overlay.pushBelow; the rows below move down), the card in that room below the row's
  // text and above our overlays of the rows below, as wide as the row shows in the window (up to ROW_CARD_WIDTH) and never taller than
  // the window leaves beside the row; as it opens, the window scrolls so much of it as fits
  // is in view, the row's top still in view. False where the row cannot take it (too narrow
  // in the window, or of a fixed height).
  function fitInRow(host, card, row, was) {
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const r = row.getBoundingClientRect();
    const left = Math.max(r.left, 0) + GAP;
    const width = Math.floor(Math.min(ROW_CARD_WIDTH, Math.min(r.right, vw) - GAP - left));
    if (width < ROW_CARD_MIN) return false;
    card.style.width = `${width}px`;
    const natural = card.scrollHeight + card.offsetHeight - card.clientHeight;
    // The next row's chip astride its top border reaches into the room: the card ends above
    // it, the row that much taller, so the card hides none of the next row's chips.
    const reach = Math.max(0, Math.ceil(iprdesk.overlay.reachAbove(r.bottom, left, left + width, host)));
    const height = Math.ceil(Math.min(natural, Math.max(MIN_ROOM, rowRoom(host, row) - reach)));
    if (!iprdesk.overlay.pushBelow(host, row, height + 2 * GAP + reach)) return false;
    const topNow = () => row.getBoundingClientRect().bottom - reach - height - GAP;
    let top = topNow();
    const out = top + height - (vh - MARGIN);
    if (was !== undefined && out > 0) {
      const by = Math.min(out, row.getBoundingClientRect().top - MARGIN);
      if (by > 0) {
        window.scrollBy(0, by);
        top = topNow();
      }
    }
    const frame = card.offsetParent.getBoundingClientRect();  // what left/top count from
    host.toggleAttribute("data-in-row", true);
    card.style.maxHeight = `${height}px`;
    card.style.left = `${Math.round(left - frame.left)}px`;
    card.style.top = `${Math.round(top - frame.top)}px`;
    return true;
  }

  // The px of height a card within `row`'s room gets at most: the window beside the row as the
  // Panel draws it.
  function rowRoom(host, row) {
    const own = row.getBoundingClientRect().height - iprdesk.overlay.pushedBelow(host);
    return Math.max(MIN_ROOM, document.documentElement.clientHeight - 2 * MARGIN - own - 2 * GAP);
  }

  // Where a card of no list (an account banner's, an explanation anywhere on a page) opens:
  // its anchor, or the first element around it wide enough in the window for a card (a
  // cell's row), whose room the card takes in the page's flow (fitInRow) at any width, as
  // below or above its chip it would cover the page's text.
  function roomOf(anchor) {
    const vw = document.documentElement.clientWidth;
    let room = anchor;
    const wide = (e) => {
      const r = e.getBoundingClientRect();
      return Math.min(r.right, vw) - Math.max(r.left, 0) - 2 * GAP >= ROW_CARD_MIN;
    };
    while (!wide(room) && room.parentElement && room.parentElement !== document.body) {
      room = room.parentElement;
    }
    return room;
  }

  // The open card inside the window, ending where the chip ends: below the list its row
  // belongs to when the window has room there (the other rows' complainants, dates and
  // products stay readable). A list with no room below it in the window (a long one) would
  // have its rows covered under or above the chip: the card docks at the window's right
  // instead, level with its chip, and the page is narrowed by its width while it is open
  // (overlay.reserveRight), when the page keeps DOCK_MIN_PAGE beside it; in a narrower
  // window it opens within its row's room (fitInRow), as a card of no list does (roomOf).
  // Otherwise below its chip when it fits there, else on the side of the chip (below or
  // above) with more room,
  // scrolling within it. Never wider than the window, never past an edge (a chip in a row's
  // first cell would otherwise push a right-aligned card off the left of the screen).
  function fitCard(host) {
    if (!host.hasAttribute("open")) return;
    const card = host.shadowRoot.querySelector(".card");
    const chip = host.shadowRoot.querySelector(".chip").getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const width = Math.min(CARD_WIDTH, vw - 2 * MARGIN);
    card.style.width = `${width}px`;
    const left = Math.max(MARGIN, Math.min(chip.right - width, vw - MARGIN - width));
    const natural = card.scrollHeight + card.offsetHeight - card.clientHeight;
    const list = lists.get(host)?.getBoundingClientRect();
    const row = rows.get(host);
    const pushed = iprdesk.overlay.pushedBelow(host);  // the list is that much longer for it
    const belowList = list && list.bottom >= chip.bottom ? vh - list.bottom + pushed - GAP - MARGIN : -1;
    const below = vh - chip.bottom - GAP - MARGIN;
    const above = chip.top - GAP - MARGIN;
    const under = natural <= below || below >= above;
    let room = Math.max(MIN_ROOM, under ? below : above);
    let top = under ? chip.bottom + GAP : chip.top - GAP - Math.min(natural, room);
    let x = left;
    const narrow = vw - width - 2 * MARGIN < DOCK_MIN_PAGE;
    const dock = list && belowList < Math.min(natural, BELOW_LIST) && !narrow;
    // Too narrow to dock, a card cut short below its list (its steps and deadline out of
    // sight, behind its own scroll) opens within its row where that shows more of it.
    const cut = narrow && list && row && belowList < natural && rowRoom(host, row) > belowList;
    const was = openedAt.get(host);
    openedAt.delete(host);
    // Once within its row's room it stays there while open (below the list's last row, the
    // room it takes and the window's scroll would otherwise send it back and forth).
    if (!dock && !pushed && !cut && belowList >= Math.min(natural, BELOW_LIST)) {
      [room, top] = [belowList, list.bottom + GAP];
    } else if (!dock && row && fitInRow(host, card, list ? row : roomOf(row), was)) {
      iprdesk.overlay.reserveRight(host, 0);
      markDocked(host, false);
      return;
    }
    host.removeAttribute("data-in-row");
    iprdesk.overlay.pushBelow(host, null, 0);
    const frame = card.offsetParent.getBoundingClientRect();  // what left/top count from
    iprdesk.overlay.reserveRight(host, dock ? width + 2 * MARGIN : 0);
    if (dock) {
      // Narrowed, the page reflowed: the row is scrolled back to where the seller clicked it.
      const moved = row ? row.getBoundingClientRect().top - (was ?? NaN) : 0;
      if (Math.abs(moved) >= 1) window.scrollBy(0, moved);
      const level = row ? row.getBoundingClientRect().top : chip.top;
      room = vh - 2 * MARGIN;
      top = Math.max(MARGIN, Math.min(level, vh - MARGIN - Math.min(natural, room)));
      x = vw - MARGIN - width;
    }
    markDocked(host, dock);
    card.style.maxHeight = `${room}px`;
    card.style.left = `${Math.round(x - frame.left)}px`;
    card.style.top = `${Math.round(top - frame.top)}px`;
  }
  document.addEventListener("click", closeAll);
  // A docked card stays level with its chip in the window as the page scrolls.
  window.addEventListener("scroll", () => {
    const open = document.querySelector("iprdesk-overlay[open]");
    if (open) fitCard(open);
  }, { passive: true });
  document.addEventListener("keydown", (e) => e.key === "Escape" && closeAll());

  // Create (or refresh) the annotation `id` next to `anchor`. With `chipShort`, the chip
  // shrinks to that where its full text would cover the page (see overlay.placeInCells);
  // with `list` (the element of the list the anchor is a row of), the open card keeps clear
  // of the list where it can; `rowName` names the row as the Panel shows it (its IDs), the
  // first line of a card docked away from it.
  function attach(anchor, id, { chipText, chipShort, state, title, place, list, rowName }) {
    const root = iprdesk.overlay.anchored(anchor, id, { css, place, placed: fitCard, contained: true });
    const host = root.host;
    if (list) lists.set(host, list);
    else lists.delete(host);
    if (rowName) rowNames.set(host, rowName);
    else rowNames.delete(host);
    rows.set(host, anchor);
    let chip = root.querySelector(".chip");
    if (!chip) {
      const wrap = document.createElement("div");
      wrap.style.position = "relative";
      chip = document.createElement("button");
      chip.className = "chip";
      chip.type = "button";
      const card = document.createElement("div");
      card.className = "card";
      card.setAttribute("role", "dialog");
      const mark = el("div", { className: "row-mark" }, [0, 1, 2, 3].map(() => el("div")));
      wrap.append(chip, card, mark);
      root.append(wrap);
      chip.addEventListener("click", (e) => {
        e.stopPropagation();
        const opening = !host.hasAttribute("open");
        closeAll();
        if (opening) {
          openedAt.set(host, rows.get(host).getBoundingClientRect().top);
          host.setAttribute("open", "");
          host.style.zIndex = "2147483647"; // above the other chips and our pills
          fitCard(host);
        }
      });
      card.addEventListener("click", (e) => e.stopPropagation());
      // Its content changes (a form opens, a case is created, a capture's news comes): it
      // may need another place; within its row's room, the window scrolls to what it grew
      // by, as when it opened.
      const refit = () => {
        if (host.hasAttribute("open")) openedAt.set(host, rows.get(host).getBoundingClientRect().top);
        fitCard(host);
      };
      new ResizeObserver(refit).observe(card);
      // Held at its height (max-height), the card scrolls rather than grows as content comes,
      // and no resize is observed: placed again at once, in a microtask of the change, so no
      // frame is painted with it cut short or over its row.
      new MutationObserver(refit).observe(card, { childList: true, subtree: true, characterData: true });
    }
    if (chipShort) {
      chip.replaceChildren(el("span", { className: "full" }, chipText),
                           el("span", { className: "short" }, chipShort));
      host.setAttribute("data-compactable", "");
    } else {
      chip.textContent = chipText;
      host.removeAttribute("data-compactable");
    }
    chip.dataset.state = state;
    chip.title = title || "";
    chip.setAttribute("aria-label", title || chipText);
    host.dataset.state = state;
    iprdesk.overlay.repositionSoon();  // its size has just changed (once for all rows)
    return { root, host, chip, card: root.querySelector(".card") };
  }

  const list = (items, tag = "ul") => el(tag, {}, (items || []).map((text) => el("li", {}, text)));

  function status(card, text, kind = "") {
    const line = card.querySelector(".status") || card.appendChild(el("div", { className: "status" }));
    line.className = `status ${kind}`;
    line.textContent = text;
    card.scrollTop = card.scrollHeight;  // in view below the buttons, in a card that scrolls
  }

  return { attach, el, list, status };
})();
