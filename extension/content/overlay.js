// Overlays live in shadow roots: the Panel's styles cannot reach them and theirs cannot leak
// into the Panel. Hosts are positioned so they never shift the page's own controls; only an
// open card with no room beside the page's text narrows the page while it is open
// (`reserveRight`), or, in a window too narrow for that, makes its row taller (`pushBelow`),
// as an open card of no list (a banner's, an explanation's) does its anchor at any width.
// Injected twice in a frame (the upload guard loads this file too): define it once.
iprdesk.overlay ??= (() => {
  const anchoredHosts = new Map();
  let layoutWatch = null;  // AbortController of the watch on the page's layout
  // Room at the window's right that open overlays take (a docked card, annotation.js): the
  // page's own content is narrowed by it (the <html> element's right margin) while such a
  // host is there, and given its width back after. host -> px.
  const reserved = new Map();
  let marginBefore = null;  // the page's own inline margin-right, while ours is set
  // Room in the page's flow below a row that an open card lies in (a window too narrow to
  // dock it, annotation.js): the row's boxes (its cells, or the row itself where its display
  // lets it grow) get that much more bottom padding, so the rows below move down and the
  // row's own text stays where it was. host -> { row, px, boxes: [[element, inline value,
  // its priority, computed padding before, whether it had a style attribute]] }, given back
  // as the card closes or its host leaves.
  const pushed = new Map();
  // A reposition is due in a microtask: a list's rows each attach their chip in one pass of
  // its module, and placing every chip at each attach cost ~2 forced layouts per chip per
  // row (2,500 on 50 rows); placed once after the pass, before the page is painted or read.
  let repositionQueued = false;
  let repositioning = false;  // within reposition's `placed` calls (an open card laid out)

  function unpush(host) {
    const push = pushed.get(host);
    if (!push) return;
    pushed.delete(host);
    for (const [box, value, priority, , styled] of push.boxes) {
      if (value) box.style.setProperty("padding-bottom", value, priority);
      else box.style.removeProperty("padding-bottom");
      if (!styled && !box.style.length) box.removeAttribute("style");  // as the Panel drew it
    }
  }

  // The px of bottom padding `element` has from a push (placeInCells centres a chip in the rest).
  function pushedIn(element) {
    for (const push of pushed.values()) {
      if (push.boxes.some(([box]) => box === element)) return push.px;
    }
    return 0;
  }

  function applyReserved() {
    for (const host of pushed.keys()) if (!host.isConnected) unpush(host);
    for (const host of reserved.keys()) if (!host.isConnected) reserved.delete(host);
    const px = Math.max(0, ...reserved.values());
    const style = document.documentElement.style;
    if (px) {
      marginBefore ??= style.marginRight;
      if (style.marginRight !== `${px}px`) style.marginRight = `${px}px`;
    } else if (marginBefore !== null) {
      style.marginRight = marginBefore;
      marginBefore = null;
    }
  }

  // `update` once a frame however often asked (`soon()`: a list's rows each move their chip
  // in turn), as the window resizes, the page's layout changes and, with `scroll`, anything
  // scrolls (capturing: a scrolling part of the page moves text too), until aborted.
  function watchPage(update, { scroll = false } = {}) {
    const watch = new AbortController();
    const { signal } = watch;
    let frame = 0;
    watch.soon = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => update());
    };
    if (scroll) window.addEventListener("scroll", watch.soon, { signal, capture: true, passive: true });
    window.addEventListener("resize", watch.soon, { signal });
    const resized = new ResizeObserver(watch.soon);
    resized.observe(document.documentElement);
    signal.addEventListener("abort", () => {
      resized.disconnect();
      cancelAnimationFrame(frame);
    }, { once: true });
    return watch;
  }

  // While anything is anchored, the page's layout moving moves it too; with nothing anchored
  // (the seller left the page), nothing watches.
  function watchLayout() {
    layoutWatch ??= watchPage(() => iprdesk.overlay.reposition());
  }

  function unwatchLayout() {
    if (anchoredHosts.size) return;
    layoutWatch?.abort();
    layoutWatch = null;
  }

  // Floating hosts, fixed in the window (the "page recognised" pill, toasts, notices, the
  // teach panel): each covers none of the page's text nor another of our overlays, and stays
  // inside the window. A long list scrolls under any fixed corner, so where they go is looked
  // at again as the page scrolls or resizes, our other overlays move, or a host's own content
  // changes its size. host -> { compact }.
  const clearHosts = new Map();
  let clearWatch = null;  // the watch that places them again (watchPage)
  let placing = false;    // within placeClear (whose own reserveRight must not start another)
  let placeQueued = false;  // a placeClear is due in a microtask (reserveRight)
  // A floating host's size changed (a toast came or went), or an anchored one's (a card
  // opened): placed before the window is painted again.
  const clearSized = new ResizeObserver(() => iprdesk.overlay.placeClear());
  const CLEAR_MARGIN = 16;  // px from the window's edges
  const CLEAR_STEP = 8;     // px between the points looked at (text lines are taller)
  // The page's fields count as its text, and so do its frames, whole (an upload widget's,
  // its label and file input; another origin's cannot be read line by line).
  const FIELDS = ["input", "textarea", "select", "iframe"];

  // What a placing pass tests its spots against, gathered once (on a list of hundreds of
  // rows, a grid of hit tests over each spot cost seconds): the lines of the page's text and
  // its fields meeting the window, each with its element, and the boxes of our anchored
  // overlays there. Dropped when the pass ends or the page's width changes (reserveRight).
  let scene = null;
  // Annotation hosts (anchored with `contained`): nothing of theirs is outside their box
  // unless open, so a closed one outside the window is not measured.
  const contained = new WeakSet();

  // The lines of the page's text in page coordinates, by LINE_BAND px of height: what a chip
  // with no blank of its own is placed against (placeInCells), gathered once a reposition
  // and only when one needs them (rows that wrap in a narrow window).
  let lines = null;
  const LINE_BAND = 64;
  function linesNear(top, bottom) {
    const band = (y) => Math.floor(y / LINE_BAND);
    if (!lines) {
      lines = new Map();
      const range = document.createRange();
      const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim()) continue;
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
          if (!r.width || !r.height) continue;
          const b = { left: r.left + window.scrollX, top: r.top + window.scrollY,
                      right: r.right + window.scrollX, bottom: r.bottom + window.scrollY };
          for (let k = band(b.top); k <= band(b.bottom); k++) {
            if (!lines.has(k)) lines.set(k, []);
            lines.get(k).push(b);
          }
        }
      }
    }
    const near = [];
    for (let k = band(top); k <= band(bottom); k++) near.push(...(lines.get(k) || []));
    return near;
  }

  // The boxes of what `host` draws (its shadow root's elements: an open card overflows it).
  function boxesOf(host) {
    return [host, ...host.shadowRoot.querySelectorAll("*")].map((e) => e.getBoundingClientRect())
      .filter((b) => b.width && b.height);
  }

  // The page's elements that may be drawn outside their parent's box and its overflow: a
  // pass skips the parts of the page wholly outside the window, and looks at these apart.
  // Found by their computed style once a pass needs them, then again only where the page
  // changed (observed while anything floats; a style added anywhere: all again).
  let strays = null;  // Set of elements, null: not known
  const strayed = (element) => {
    const s = getComputedStyle(element);
    const moved = s.position === "relative" &&
      ["top", "left", "bottom", "right"].some((side) => parseFloat(s[side]));
    return (s.position !== "static" && s.position !== "relative") || moved ||
      s.transform !== "none" || s.translate !== "none" || s.rotate !== "none" || s.scale !== "none" ||
      parseFloat(s.marginTop) < 0 || parseFloat(s.marginLeft) < 0;
  };
  function findStrays(root, deep = true) {
    const elements = deep ? [root, ...root.getElementsByTagName("*")] : [root];
    for (const element of elements) {
      if (element.localName === "iprdesk-overlay") continue;
      if (strayed(element)) strays.add(element);
      else strays.delete(element);
    }
  }
  const pageChanges = new MutationObserver((records) => noteChanges(records));
  function noteChanges(records) {
    if (!strays) return;
    for (const { type, target, attributeName, addedNodes, removedNodes } of records) {
      if (target.localName === "iprdesk-overlay" || !target.isConnected) continue;
      const styles = [...addedNodes, ...removedNodes].some((n) => n.localName === "style" || n.localName === "link");
      if (styles) {
        strays = null;  // any element may have another style now
        return;
      }
      if (type === "childList") {
        for (const node of addedNodes) if (node.nodeType === Node.ELEMENT_NODE) findStrays(node);
      } else if (type === "attributes") {
        // Its own style: itself (position, transform and margins are not inherited); a class
        // or another attribute may restyle what is inside it too.
        findStrays(target, attributeName !== "style");
      }
    }
  }

  function sceneNow() {
    if (scene) return scene;
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const inWindow = (b) => b.width && b.height && b.right > 0 && b.bottom > 0 && b.left < vw && b.top < vh;
    noteChanges(pageChanges.takeRecords());
    if (!strays) {
      strays = new Set();
      findStrays(document.documentElement);
    }
    const texts = [];
    const range = document.createRange();
    const looked = new Set();  // the strays the walk reached
    // An element wholly outside the window, with its overflow, holds no text in it but
    // through its strays (looked at apart); one without a box (display: contents) may. Its
    // overflow goes right and down: read only for a box above or left of the window.
    const near = (element) => {
      const b = element.getBoundingClientRect();
      if (FIELDS.includes(element.localName) && inWindow(b)) texts.push([b, element]);
      if (!b.width && !b.height) return true;
      if (b.left >= vw || b.top >= vh) return false;
      if (b.right > 0 && b.bottom > 0) return true;
      const right = Math.max(b.right, b.left + element.clientLeft + element.scrollWidth);
      const bottom = Math.max(b.bottom, b.top + element.clientTop + element.scrollHeight);
      return right > 0 && bottom > 0;
    };
    const walk = (root) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
        acceptNode(node) {
          if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
          if (node.localName === "iprdesk-overlay") return NodeFilter.FILTER_REJECT;
          if (strays.has(node)) looked.add(node);
          return near(node) ? NodeFilter.FILTER_SKIP : NodeFilter.FILTER_REJECT;
        },
      });
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim() || !node.parentElement) continue;
        range.selectNodeContents(node);
        for (const b of range.getClientRects()) if (inWindow(b)) texts.push([b, node.parentElement]);
      }
    };
    const body = document.body || document.documentElement;
    if (near(body)) walk(body);
    for (const stray of strays) {
      if (!stray.isConnected) strays.delete(stray);  // the page removed it
      if (looked.has(stray) || !stray.isConnected || !body.contains(stray) || stray === body ||
          stray.closest("iprdesk-overlay")) continue;
      looked.add(stray);
      if (near(stray)) walk(stray);
    }
    const ours = [];
    for (const host of document.querySelectorAll("iprdesk-overlay")) {
      if (clearHosts.has(host) || !host.shadowRoot) continue;
      if (contained.has(host) && !host.hasAttribute("open") && !inWindow(host.getBoundingClientRect())) continue;
      ours.push([host, boxesOf(host)]);
    }
    scene = { texts, ours, vw, vh };
    return scene;
  }

  // Whether the window's rectangle `r` (grown by CLEAR_STEP: a line just beside it counts)
  // has another of our overlays or, with `text`, the page's text or fields. A line or field
  // that meets it counts where it is shown there: the element is hit at the middle of what
  // meets (not clipped by a scrolling part of the page, nor made untouchable).
  function taken(r, self, text = true) {
    const box = { left: r.left - CLEAR_STEP, top: r.top - CLEAR_STEP,
                  right: r.right + CLEAR_STEP, bottom: r.bottom + CLEAR_STEP };
    const meets = (b) => b.left < box.right && box.left < b.right && b.top < box.bottom && box.top < b.bottom;
    const { texts, ours, vw, vh } = sceneNow();
    for (const other of clearHosts.keys()) {
      if (other !== self && other.isConnected && other.style.visibility !== "hidden" &&
          boxesOf(other).some(meets)) return true;
    }
    if (ours.some(([host, boxes]) => host !== self && boxes.some(meets))) return true;
    if (!text) return false;
    for (const [b, element] of texts) {
      if (!meets(b)) continue;
      const x = (Math.max(b.left, box.left, 0) + Math.min(b.right, box.right, vw - 1)) / 2;
      const y = (Math.max(b.top, box.top, 0) + Math.min(b.bottom, box.bottom, vh - 1)) / 2;
      if (document.elementsFromPoint(x, y).includes(element)) return true;
    }
    return false;
  }

  // The first of the window's corners (bottom right, bottom left, top right, top left), else
  // of the middles of its bottom and top edges, else of the places beside our other floating
  // hosts, where the host, as it is now, covers nothing (with `text` false: none of our
  // overlays); true once it is there.
  function toFreeSpot(host, text = true) {
    const { vw, vh } = sceneNow();  // the window as the pass measured it (once a pass)
    // Measured where it has the window's width to take (not squeezed at a left spot).
    host.style.right = host.style.bottom = `${CLEAR_MARGIN}px`;
    const { width, height } = host.getBoundingClientRect();
    const [right, bottom] = [vw - CLEAR_MARGIN - width, vh - CLEAR_MARGIN - height];
    const middle = (vw - width) / 2;
    const spots = [[right, bottom], [CLEAR_MARGIN, bottom], [right, CLEAR_MARGIN],
                   [CLEAR_MARGIN, CLEAR_MARGIN], [middle, bottom], [middle, CLEAR_MARGIN]];
    // Above or below another floating host, at its right edge (two notices in the room at
    // the window's right), inside the window; further than `taken` looks around a spot.
    const gap = CLEAR_STEP + 2;
    for (const other of clearHosts.keys()) {
      const r = other.getBoundingClientRect();
      if (other === host || !r.width || getComputedStyle(other).visibility === "hidden") continue;
      spots.push([r.right - width, r.top - gap - height], [r.right - width, r.bottom + gap]);
    }
    for (const [left, top] of spots) {
      if (left < CLEAR_MARGIN || top < CLEAR_MARGIN || left + width > vw - CLEAR_MARGIN + 1 ||
          top + height > vh - CLEAR_MARGIN + 1) continue;
      if (!taken({ left, top, right: left + width, bottom: top + height }, host, text)) {
        host.style.right = `${Math.round(vw - left - width)}px`;
        host.style.bottom = `${Math.round(vh - top - height)}px`;
        return true;
      }
    }
    return false;
  }

  // A free spot for the host in its full form; else, with `compact`, for its compact form
  // (data-compact, a dot), else hidden until scrolling or the layout frees a corner. A host
  // that must be read (a notice, a dialog) takes room at the window's right instead, the page
  // narrowed while it shows (reserveRight; kept until it empties, so the page does not
  // widen and narrow again as it is placed anew). Where that leaves no free spot either (an
  // open card filling a narrow window), the page keeps its width and the host covers the
  // page's text rather than our overlays (that card's buttons stay usable), else it goes to
  // the bottom right.
  function placeClear(host, { compact }) {
    host.style.visibility = "";
    host.toggleAttribute("data-compact", false);
    host.style.right = host.style.bottom = `${CLEAR_MARGIN}px`;
    const { width } = host.getBoundingClientRect();
    if (!width) {  // nothing in it now (its toasts left): no room kept for it
      if (reserved.has(host)) iprdesk.overlay.reserveRight(host, 0);
      return;
    }
    if (toFreeSpot(host)) return;
    if (compact) {
      host.toggleAttribute("data-compact", true);
      if (!toFreeSpot(host)) host.style.visibility = "hidden";
      return;
    }
    iprdesk.overlay.reserveRight(host, Math.ceil(width) + 2 * CLEAR_MARGIN);
    if (toFreeSpot(host)) return;
    // The page narrowed in vain (a narrow window, where its top bar and tables spill into
    // the room): its width given back rather than squeezed for nothing.
    iprdesk.overlay.reserveRight(host, 0);
    if (!toFreeSpot(host, false)) {
      host.style.right = host.style.bottom = `${CLEAR_MARGIN}px`;
    }
  }

  // The page reflowed under our room (reserveRight, pushBelow): the floating hosts look again
  // once the card that took it is laid out, before the window is painted (a microtask). With
  // `moved` (the room changed), the anchored hosts too: the rows below a row made taller moved
  // with it, and placed by the watch on the layout (a ResizeObserver, which runs after this
  // frame's animation callbacks) their chips would be painted a frame late, over text or the
  // card. Not from within a reposition (a card laid out there), which that watch follows.
  function reflowed(moved = true) {
    scene = null;
    if (moved && !repositioning) iprdesk.overlay.repositionSoon();
    if (placing || placeQueued || !clearHosts.size) return;
    placeQueued = true;
    queueMicrotask(() => {
      placeQueued = false;
      iprdesk.overlay.placeClear();
    });
  }

  function watchClear() {
    if (!clearWatch) {
      clearWatch = watchPage(() => iprdesk.overlay.placeClear(), { scroll: true });
      pageChanges.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
    }
    clearWatch.soon();
  }

  function unwatchClear() {
    clearWatch?.abort();
    clearWatch = null;
    pageChanges.disconnect();
    strays = null;  // unobserved from now on
  }

  return {
    // A shadow root attached to a new host element placed by `place(host)`; `css` is scoped.
    create(place, { css = "", className = "" } = {}) {
      const host = document.createElement("iprdesk-overlay");
      if (className) host.className = className;
      host.setAttribute("data-iprdesk", "");
      const root = host.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = iprdesk.overlay.baseCss + css;
      root.append(style);
      place(host);
      return root;
    },

    // A host fixed in the window, outside the page's flow, where it covers none of the page's
    // text (see placeClear) for as long as it shows: the one way our toasts, notices and
    // pills float. `compact`: it has a compact form (data-compact) and may hide, rather than
    // narrow the page, when not even that fits. Its first place is found before the frame
    // that shows it is painted (clearSized).
    floating(id, css = "", { compact = false } = {}) {
      const existing = document.querySelector(`iprdesk-overlay[data-iprdesk-id="${id}"]`);
      if (existing) return existing.shadowRoot;
      return iprdesk.overlay.create((host) => {
        host.dataset.iprdeskId = id;
        host.style.cssText = `position:fixed;right:${CLEAR_MARGIN}px;bottom:${CLEAR_MARGIN}px;` +
          `z-index:2147483646;max-width:calc(100vw - ${2 * CLEAR_MARGIN}px);`;
        document.documentElement.append(host);
        clearHosts.set(host, { compact });
        clearSized.observe(host);
        watchClear();
      }, { css });
    },

    // Whether the floating host may hide (see floating's `compact`) from now on: a prompt
    // may while nothing is free of the page's text, the steps it leads to must be read.
    mayHide(host, compact) {
      if (clearHosts.get(host)?.compact === compact) return;
      clearHosts.set(host, { compact });
      watchClear();
    },

    // Place the floating hosts again (their content or the page changed).
    placeClear() {
      // Each placed anew against the page, our other overlays and the floating hosts placed
      // before it in this pass (not where the others were: no host chases another). What
      // must be read first, the hosts with a compact form after.
      const hosts = [...clearHosts].sort(([, a], [, b]) => a.compact - b.compact);
      placing = true;
      scene = null;
      try {
        for (const [host] of hosts) host.style.visibility = "hidden";
        for (const [host, how] of hosts) {
          if (host.isConnected) {
            placeClear(host, how);
          } else {
            clearHosts.delete(host);
            clearSized.unobserve(host);
            if (reserved.has(host)) iprdesk.overlay.reserveRight(host, 0);
          }
        }
      } finally {
        placing = false;
        scene = null;
      }
      if (!clearHosts.size) unwatchClear();
    },

    // A host next to `anchor` in a layer above the page: absolutely positioned in document
    // coordinates, so it takes no space in the page's layout and scrolls with the page.
    // `place(rect, box, host)` returns {left, top} from the anchor's and the host's page rects
    // (or a function of the boxes of the chips placed before it returning them, see reposition);
    // `placed(host)`, if given, runs after each move (to lay out what depends on it).
    // `contained`: it draws nothing outside its box while it is not open (see `contained`).
    anchored(anchor, id, { css = "", place = iprdesk.overlay.placeEnd, placed, contained: inBox } = {}) {
      const existing = document.querySelector(`iprdesk-overlay[data-iprdesk-id="${CSS.escape(id)}"]`);
      if (existing) {
        anchoredHosts.set(existing, { anchor, place, placed });
        watchLayout();
        iprdesk.overlay.repositionSoon();
        return existing.shadowRoot;
      }
      const root = iprdesk.overlay.create((host) => {
        host.dataset.iprdeskId = id;
        host.style.cssText = "position:absolute;left:0;top:0;z-index:2147483000;";
        document.documentElement.append(host);
        anchoredHosts.set(host, { anchor, place, placed });
        clearSized.observe(host);  // a card that grows may meet a floating host
        if (inBox) contained.add(host);
      }, { css });
      watchLayout();
      iprdesk.overlay.repositionSoon();
      return root;
    },

    // At the anchor's end, vertically centred: outside it when the page has room, else inside
    // its last few pixels (over the page's own blank cell space).
    placeEnd(rect, box) {
      const outside = rect.right + 8;
      const room = document.documentElement.clientWidth + window.scrollX - outside;
      const left = room >= box.width + 4 ? outside : rect.right - box.width - 6;
      return { left, top: rect.top + (rect.height - box.height) / 2 };
    },

    // In the blank space after the text of one of `cells` (the first with room for the host),
    // else below the text of one (a narrow window's tall rows, whose cells wrap: beside the
    // text there is none, under it a line or more), so nothing of the page is covered. A host
    // that has a compact form (data-compact, e.g. a chip reduced to its mark) takes it when
    // only that fits: in its full form, null asks `reposition` to measure it again compact (it
    // only reads, so all rows' chips are measured in one layout). When nothing fits, astride
    // the anchor's top border (else its bottom one) where it covers none of the page's text
    // (the row above's included) nor our chips, nearest the anchor's end; higher where that
    // padding is thinner than half the chip (a grid's row with its text at its top, a
    // banner's or a paragraph's prose), clear of the anchor's first line. Never past the
    // window's right edge (a list wider than a narrow window: the seller would have to scroll
    // sideways to the chip).
    placeInCells(cells) {
      const edge = () => document.documentElement.clientWidth - 4;
      const inBlank = (box) => {
        const measured = cells.filter((cell) => cell?.isConnected).map((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return [cell, range.getBoundingClientRect(), cell.getBoundingClientRect(), getComputedStyle(cell)];
        });
        for (const [cell, text, c, style] of measured) {
          const padding = parseFloat(style.paddingRight) || 0;
          const start = (text.width ? text.right : c.left + padding) + 10;
          if (Math.min(c.right - padding, edge()) - start >= box.width) {
            const height = c.height - pushedIn(cell);  // level with the row's text, not its card's room
            return { left: start + window.scrollX, top: c.top + window.scrollY + (height - box.height) / 2 };
          }
        }
        for (const [, text, c, style] of measured) {
          if (!text.height) continue;
          // The cell's content box (a push's room is in its bottom padding), 4 px off its text.
          const bottom = c.bottom - (parseFloat(style.paddingBottom) || 0);
          const right = Math.min(c.right - (parseFloat(style.paddingRight) || 0), edge());
          const left = c.left + (parseFloat(style.paddingLeft) || 0);
          if (bottom - text.bottom - 4 >= box.height && right - left >= box.width) {
            return { left: right - box.width + window.scrollX,
                     top: (text.bottom + 4 + bottom - box.height) / 2 + window.scrollY };
          }
        }
        return null;
      };
      return (rect, box, host) => {
        const place = inBlank(box);
        if (place) return place;
        if (host?.hasAttribute("data-compactable") && !host.hasAttribute("data-compact")) return null;
        let [above, below] = [Infinity, -Infinity];
        const anchor = host && anchoredHosts.get(host)?.anchor;
        if (anchor) {
          const range = document.createRange();
          range.selectNodeContents(anchor);
          const text = range.getBoundingClientRect();
          if (text.height) {
            above = text.top + window.scrollY - box.height - 2;
            below = text.bottom + window.scrollY + 2;
          }
        }
        const end = Math.min(rect.right, edge() + window.scrollX) - box.width - 4;
        const start = Math.max(rect.left, window.scrollX) + 4;
        const tops = [Math.min(rect.top - box.height / 2, above),
                      Math.max(rect.bottom - box.height / 2, below)];
        // Placed once the chips with room of their own are (reposition), against them: along
        // the anchor's top border, else its bottom one, from its end leftwards, the first spot
        // where it covers none of the page's text nor those chips; else at the top one's end.
        return (planned) => {
          for (const top of tops) {
            const bottom = top + box.height;
            const near = [...linesNear(top, bottom), ...planned];
            for (let left = end; left >= start; left -= CLEAR_STEP / 2) {
              const right = left + box.width;
              if (!near.some((b) => b.left < right + 1 && left - 1 < b.right &&
                                    b.top < bottom + 1 && top - 1 < b.bottom)) return { left, top };
            }
          }
          return { left: end, top: tops[0] };
        };
      };
    },

    // Take `px` of room at the window's right for `host` (0: give it back); see `reserved`.
    // An open card (annotation.js) lays itself out through here, each time it opens, grows or
    // moves (its host's own size stays its chip's): the floating hosts look again once it is
    // laid out, before the window is painted (a microtask).
    reserveRight(host, px) {
      const before = reserved.get(host) || 0;
      if (px) reserved.set(host, px);
      else reserved.delete(host);
      applyReserved();
      reflowed(before !== (px || 0));
    },

    // Make `row` `px` taller for `host`'s open card, in the page's flow (0, or another row:
    // give the room back); see `pushed`. False, nothing changed, where the row does not grow
    // by it (a row of fixed height): the card must go elsewhere.
    pushBelow(host, row, px) {
      const push = pushed.get(host);
      if (push && (push.row !== row || !px)) unpush(host);
      if (!px || !row) {
        if (push) reflowed();
        return !px;
      }
      if (pushed.get(host)?.px === px) return true;
      const display = getComputedStyle(row).display;
      const boxes = display === "table-row" || display === "contents"
        ? [...row.children].filter((c) => c.localName !== "iprdesk-overlay") : [row];
      const entry = pushed.get(host) || { row, px: 0, boxes: boxes.map((box) => [
        box, box.style.getPropertyValue("padding-bottom"), box.style.getPropertyPriority("padding-bottom"),
        parseFloat(getComputedStyle(box).paddingBottom) || 0, box.hasAttribute("style")]) };
      const before = row.getBoundingClientRect().height - entry.px;
      for (const [box, , , base] of entry.boxes) {
        box.style.setProperty("padding-bottom", `${base + px}px`, "important");
      }
      pushed.set(host, { ...entry, px });
      reflowed();
      if (Math.abs(row.getBoundingClientRect().height - before - px) <= 1) return true;
      unpush(host);
      return false;
    },

    // How many px `host`'s push makes its row taller (0 when none).
    pushedBelow(host) {
      return pushed.get(host)?.px || 0;
    },

    // How far above the window's line `y` (a row's bottom edge) our anchored overlays other
    // than `host` whose anchors start at or below it reach, between `left` and `right`: a
    // row's chip astride its top border (placeInCells) reaches into the room of the row
    // above. Where each will be once placed again: moved by as much as its anchor moved since
    // it was placed (a push above it, pushBelow, moves the anchor at once, the host a frame
    // later).
    reachAbove(y, left, right, host) {
      let reach = 0;
      for (const [other, { anchor, at }] of anchoredHosts) {
        if (other === host || at === undefined || !other.isConnected) continue;
        const a = anchor.getBoundingClientRect();
        if (a.top < y - 1) continue;
        const moved = a.top + window.scrollY - at;
        for (const b of boxesOf(other)) {
          if (b.right > left && b.left < right) reach = Math.max(reach, y - b.top - moved);
        }
      }
      return reach;
    },

    // `reposition` once the current task's synchronous work is done (see repositionQueued).
    repositionSoon() {
      if (repositionQueued) return;
      repositionQueued = true;
      queueMicrotask(() => {
        repositionQueued = false;
        iprdesk.overlay.reposition();
      });
    },

    // Keep anchored hosts next to their anchors; drop those whose anchor left the page. All
    // hosts are measured, then all moved (a list's hundreds of rows: reads and writes taking
    // turns would force a layout per row); those that fit only compact take that form, are
    // measured again together, and placed in it.
    reposition() {
      const live = [];
      for (const [host, how] of anchoredHosts) {
        if (!host.isConnected || !how.anchor.isConnected) {
          host.remove();
          anchoredHosts.delete(host);
          clearSized.unobserve(host);
        } else {
          live.push([host, how]);
          if (host.hasAttribute("data-compactable")) host.removeAttribute("data-compact");
        }
      }
      const sizes = new Map();
      const placeOf = ([host, how]) => {
        const r = how.anchor.getBoundingClientRect();
        const rect = { left: r.left + window.scrollX, top: r.top + window.scrollY,
                       right: r.right + window.scrollX, bottom: r.bottom + window.scrollY,
                       width: r.width, height: r.height };
        how.at = rect.top;  // see reachAbove
        const box = host.getBoundingClientRect();
        sizes.set(host, box);
        return how.place(rect, box, host);
      };
      const places = live.map(placeOf);
      const compact = live.filter((_, i) => !places[i]);
      for (const [host] of compact) host.setAttribute("data-compact", "");
      const again = new Map(compact.map((entry) => [entry[0], placeOf(entry)]));
      // A place may be a function of the chips' boxes placed before it (page coordinates):
      // placed after all the others, in turn.
      const at = live.map(([host], i) => places[i] || again.get(host));
      const planned = [];
      const plan = (host, { left, top }) => {
        const { width, height } = sizes.get(host);
        if (contained.has(host)) planned.push({ left, top, right: left + width, bottom: top + height });
      };
      live.forEach(([host], i) => typeof at[i] !== "function" && plan(host, at[i]));
      live.forEach(([host], i) => {
        if (typeof at[i] !== "function") return;
        at[i] = at[i](planned);
        plan(host, at[i]);
      });
      lines = null;  // gathered for this pass
      live.forEach(([host], i) => {
        const { left, top } = at[i];
        host.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
      });
      repositioning = true;
      try {
        for (const [host, { placed }] of live) placed?.(host);
      } finally {
        repositioning = false;
      }
      applyReserved();  // a host that reserved room may have left with its anchor
      unwatchLayout();
      if (clearHosts.size) clearWatch?.soon();  // our overlays moved: still clear?
    },

    remove(id) {
      const host = document.querySelector(`iprdesk-overlay[data-iprdesk-id="${CSS.escape(id)}"]`);
      host?.remove();
      if (host && clearHosts.has(host)) iprdesk.overlay.placeClear();  // the room it took
    },

    removeAll() {
      for (const host of document.querySelectorAll("iprdesk-overlay")) host.remove();
      anchoredHosts.clear();
      clearHosts.clear();
      clearSized.disconnect();
      for (const host of [...pushed.keys()]) unpush(host);
      applyReserved();
      unwatchLayout();
      unwatchClear();
    },

    baseCss: `
      :host { all: initial; font: 13px/1.4 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; }
      .pill { background: #1d1d1f; color: #fff; border-radius: 999px; padding: 6px 12px;
              box-shadow: 0 2px 8px rgba(0,0,0,.25); opacity: .92; }
      /* Its compact form, where only a dot covers nothing: its words in its title. */
      :host([data-compact]) .pill { padding: 0; width: 12px; height: 12px; border: 2px solid #fff; }
      :host([data-compact]) .pill > * { display: none; }
    `,
  };
})();
