// Overlays live in shadow roots: the Panel's styles cannot reach them and theirs cannot leak
// into the Panel. Hosts are positioned so they never shift the page's own controls.
iprdesk.overlay = {
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

  // A floating pill in the bottom-right corner, outside the page's flow.
  floating(id, css = "") {
    const existing = document.querySelector(`iprdesk-overlay[data-iprdesk-id="${id}"]`);
    if (existing) return existing.shadowRoot;
    return iprdesk.overlay.create((host) => {
      host.dataset.iprdeskId = id;
      host.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483646;";
      document.documentElement.append(host);
    }, { css });
  },

  removeAll() {
    for (const host of document.querySelectorAll("iprdesk-overlay")) host.remove();
  },

  baseCss: `
    :host { all: initial; font: 13px/1.4 system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; }
    .pill { background: #1d1d1f; color: #fff; border-radius: 999px; padding: 6px 12px;
            box-shadow: 0 2px 8px rgba(0,0,0,.25); opacity: .92; }
  `,
};
