// Overlays live in shadow roots: the Panel's styles cannot reach them and theirs cannot leak
// into the Panel. Hosts are positioned so they never shift the page's own controls; only an
// open card with no room beside the page's text narrows the page while it is open
// (`reserveRight`).
// Injected twice in a frame (the upload guard loads this file too): define it once.
iprdesk.overlay ??= (() => {
  const anchoredHosts = new Map();
  let layoutWatch = null;  // AbortController of the watch on the page's layout
  // Room at the window's right that open overlays take (a docked card, annotation.js): the
  // page's own content is narrowed by it (the <html> element's right margin) while such a
  // host is there, and given its width back after. host -> px.
  const reserved = new Map();
  let marginBefore = null;  // the page's own inline margin-right, while ours is set

  function applyReserved() {
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

  // Floating hosts that must cover none of the page's text (the "page recognised" pill): a
  // long list scrolls under any fixed corner, so where they go is looked at again as the page
  // scrolls, resizes or our other overlays move.
  const clearHosts = new Set();
  let clearWatch = null;  // the watch that places them again (watchPage)
  const CLEAR_MARGIN = 16;  // px from the window's edges
  const CLEAR_STEP = 8;     // px between the points looked at (text lines are taller)

  // Whether the window's rectangle `r` (grown by CLEAR_STEP, so a text line meeting `r` by
  // more than a pixel holds one of the points) has the page's text or another of our overlays.
  function taken(r, self) {
    const box = { left: r.left - CLEAR_STEP, top: r.top - CLEAR_STEP,
                  right: r.right + CLEAR_STEP, bottom: r.bottom + CLEAR_STEP };
    const meets = (b) => b.left < box.right && box.left < b.right && b.top < box.bottom && box.top < b.bottom;
    const seen = new Set();
    const along = (from, to) => {
      const points = [];
      for (let v = from; v < to; v += CLEAR_STEP) points.push(v);
      return [...points, to];
    };
    const range = document.createRange();
    for (const y of along(box.top, box.bottom)) {
      for (const x of along(box.left, box.right)) {
        for (const element of document.elementsFromPoint(x, y)) {
          if (element === self || seen.has(element)) continue;
          seen.add(element);
          if (element.localName === "iprdesk-overlay") return true;
          for (const node of element.childNodes) {
            if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
            range.selectNodeContents(node);
            if ([...range.getClientRects()].some(meets)) return true;
          }
        }
      }
    }
    return false;
  }

  // The first of the window's corners (bottom right, bottom left, top right, top left) where
  // the host in its full form covers nothing; else where its compact form (data-compact, a
  // dot) does; else hidden until scrolling or the layout frees a corner.
  function placeClear(host) {
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    for (const compact of [false, true]) {
      host.toggleAttribute("data-compact", compact);
      host.style.visibility = "";
      // Measured where it has the window's width to take (not squeezed at a left spot).
      host.style.right = host.style.bottom = `${CLEAR_MARGIN}px`;
      const { width, height } = host.getBoundingClientRect();
      const spots = [[vw - CLEAR_MARGIN - width, vh - CLEAR_MARGIN - height],
                     [CLEAR_MARGIN, vh - CLEAR_MARGIN - height],
                     [vw - CLEAR_MARGIN - width, CLEAR_MARGIN], [CLEAR_MARGIN, CLEAR_MARGIN]];
      for (const [left, top] of spots) {
        if (!taken({ left, top, right: left + width, bottom: top + height }, host)) {
          host.style.right = `${Math.round(vw - left - width)}px`;
          host.style.bottom = `${Math.round(vh - top - height)}px`;
          return;
        }
      }
    }
    host.style.visibility = "hidden";
  }

  function watchClear() {
    clearWatch ??= watchPage(() => iprdesk.overlay.placeClear(), { scroll: true });
    clearWatch.soon();
  }

  function unwatchClear() {
    clearWatch?.abort();
    clearWatch = null;
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

    // A floating pill in the bottom-right corner, outside the page's flow. With `clear`, it
    // stays where it covers none of the page's text (see placeClear), for as long as it shows.
    floating(id, css = "", { clear = false } = {}) {
      const existing = document.querySelector(`iprdesk-overlay[data-iprdesk-id="${id}"]`);
      if (existing) return existing.shadowRoot;
      return iprdesk.overlay.create((host) => {
        host.dataset.iprdeskId = id;
        host.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483646;";
        document.documentElement.append(host);
        if (clear) {
          clearHosts.add(host);
          watchClear();
        }
      }, { css });
    },

    // Place the `clear` floating hosts again (their content or the page changed).
    placeClear() {
      for (const host of clearHosts) {
        if (host.isConnected) placeClear(host);
        else clearHosts.delete(host);
      }
      if (!clearHosts.size) unwatchClear();
    },

    // A host next to `anchor` in a layer above the page: absolutely positioned in document
    // coordinates, so it takes no space in the page's layout and scrolls with the page.
    // `place(rect, box, host)` returns {left, top} from the anchor's and the host's page rects;
    // `placed(host)`, if given, runs after each move (to lay out what depends on it).
    anchored(anchor, id, { css = "", place = iprdesk.overlay.placeEnd, placed } = {}) {
      const existing = document.querySelector(`iprdesk-overlay[data-iprdesk-id="${CSS.escape(id)}"]`);
      if (existing) {
        anchoredHosts.set(existing, { anchor, place, placed });
        watchLayout();
        iprdesk.overlay.reposition();
        return existing.shadowRoot;
      }
      const root = iprdesk.overlay.create((host) => {
        host.dataset.iprdeskId = id;
        host.style.cssText = "position:absolute;left:0;top:0;z-index:2147483000;";
        document.documentElement.append(host);
        anchoredHosts.set(host, { anchor, place, placed });
      }, { css });
      watchLayout();
      iprdesk.overlay.reposition();
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
    // so nothing of the page is covered. A host that has a compact form (data-compact, e.g. a
    // chip reduced to its mark) takes it when only that fits. When nothing fits, astride the
    // anchor's top border at its end, over padding rather than text.
    placeInCells(cells) {
      const inBlank = (box) => {
        for (const cell of cells) {
          if (!cell?.isConnected) continue;
          const range = document.createRange();
          range.selectNodeContents(cell);
          const text = range.getBoundingClientRect();
          const c = cell.getBoundingClientRect();
          const padding = parseFloat(getComputedStyle(cell).paddingRight) || 0;
          const start = (text.width ? text.right : c.left + padding) + 10;
          if (c.right - padding - start >= box.width) {
            return { left: start + window.scrollX, top: c.top + window.scrollY + (c.height - box.height) / 2 };
          }
        }
        return null;
      };
      return (rect, box, host) => {
        const compactable = host?.hasAttribute("data-compactable");
        if (compactable) {
          host.removeAttribute("data-compact");
          box = host.getBoundingClientRect();
        }
        let place = inBlank(box);
        if (!place && compactable) {
          host.setAttribute("data-compact", "");
          box = host.getBoundingClientRect();
          place = inBlank(box);
        }
        return place || { left: rect.right - box.width - 4, top: rect.top - box.height / 2 };
      };
    },

    // Take `px` of room at the window's right for `host` (0: give it back); see `reserved`.
    reserveRight(host, px) {
      if (px) reserved.set(host, px);
      else reserved.delete(host);
      applyReserved();
    },

    // At the anchor's top-right corner, inside it.
    placeCorner(rect, box) {
      return { left: rect.right - box.width - 8, top: rect.top + 8 };
    },

    // Keep anchored hosts next to their anchors; drop those whose anchor left the page.
    reposition() {
      for (const [host, { anchor, place, placed }] of anchoredHosts) {
        if (!host.isConnected || !anchor.isConnected) {
          host.remove();
          anchoredHosts.delete(host);
          continue;
        }
        const r = anchor.getBoundingClientRect();
        const rect = { left: r.left + window.scrollX, top: r.top + window.scrollY,
                       right: r.right + window.scrollX, bottom: r.bottom + window.scrollY,
                       width: r.width, height: r.height };
        const box = host.getBoundingClientRect();
        const { left, top } = place(rect, box, host);
        host.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
        placed?.(host);
      }
      applyReserved();  // a host that reserved room may have left with its anchor
      unwatchLayout();
      if (clearHosts.size) clearWatch?.soon();  // our overlays moved: still clear?
    },

    remove(id) {
      document.querySelector(`iprdesk-overlay[data-iprdesk-id="${CSS.escape(id)}"]`)?.remove();
    },

    removeAll() {
      for (const host of document.querySelectorAll("iprdesk-overlay")) host.remove();
      anchoredHosts.clear();
      clearHosts.clear();
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
