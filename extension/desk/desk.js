// The desk: the seller's whole appeal in one page (vault, cases by urgency, a case from the
// notice, the penalty ladder). Each feature is a module in sections/ that renders into its own
// <section> and ties what it starts (listeners, timers) to the AbortSignal it is given: a
// section drawn again first aborts its last drawing, so nothing of it runs on.
import { el } from "../lib/dom.js";
import { localise, showStatus, t } from "../lib/page-common.js";
import { sections } from "./sections/index.js";

const drawn = new Map();  // section id -> { draw() }

function mount(section, status) {
  const body = el("div", { className: "body" });
  const box = el("section", { id: section.id, className: "desk-section" },
                 el("h2", { textContent: t(section.titleKey) }), body);
  document.getElementById("sections").append(box);
  let controller = null;
  const draw = () => {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    body.replaceChildren();
    // One broken section must not take the desk down with it.
    Promise.resolve().then(() => section.render(body, { status, signal, redraw, refresh }))
      .catch((e) => {
        if (!signal.aborted) body.replaceChildren(el("p", { className: "message error", textContent: e.message }));
      });
  };
  const redraw = () => draw();
  drawn.set(section.id, { draw });
  draw();
}

// Another section's news (a case created, the vault unlocked): those named draw again.
function refresh(...ids) {
  for (const id of ids) drawn.get(id)?.draw();
}

localise();
// A file dropped beside a drop zone must not replace the desk with the file.
for (const type of ["dragover", "drop"]) document.addEventListener(type, (e) => e.preventDefault());
const nav = document.getElementById("desk-nav");
nav.append(...sections.map((s) => el("a", { href: `#${s.id}`, textContent: t(s.titleKey) })));
showStatus(document.getElementById("state")).then((status) => {
  for (const section of sections) mount(section, status);
  // Opened at a section (desk.html#vault): show it once it is there.
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
});
