// A page made of sections (the desk, the case page): each feature module renders into its own
// <section> and ties what it starts (listeners, timers) to the AbortSignal it is given. A
// section drawn again first aborts its last drawing, so nothing of it runs on.
import { el } from "./dom.js";
import { t } from "./page-common.js";

// Appends the section to `parent`, draws it, and returns { draw, first }: draw() draws it again
// and, like `first` (the first drawing), resolves once that drawing is done (or failed).
// `context()` gives what the section reads, asked anew at each drawing (the case page reloads
// its case between drawings).
export function mountSection(parent, section, className, context) {
  const body = el("div", { className: "body" });
  parent.append(el("section", { id: section.id, className },
                   el("h2", { textContent: t(section.titleKey) }), body));
  let controller = null;
  const draw = () => {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    body.replaceChildren();
    // One broken section must not take the page down with it.
    return Promise.resolve().then(() => section.render(body, { ...context(), signal }))
      .catch((e) => {
        if (!signal.aborted) body.replaceChildren(el("p", { className: "message error", textContent: e.message }));
      });
  };
  return { draw, first: draw() };
}
