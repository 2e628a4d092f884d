// The extension's small DOM builder, once for every context: el("p", { className: "x",
// dataset: {...} }, "text", child...). Properties the element has are set as properties,
// others as attributes; null, undefined and false children are left out.
// A classic script (content scripts load no modules): the manifest lists it for the content
// scripts, which call iprdesk.el; the extension pages import it through lib/dom.js.
globalThis.iprdesk = globalThis.iprdesk || {};
globalThis.iprdesk.el = function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
};
