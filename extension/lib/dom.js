// The extension pages' small DOM builder: el("p", { className: "x", dataset: {...} }, "text",
// child...). Properties the element has are set as properties, others as attributes;
// null, undefined and false children are left out.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}
