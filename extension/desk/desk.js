// The desk: the seller's whole appeal in one page (vault, cases by urgency, a case from the
// notice, the penalty ladder). Each feature is a module in sections/, mounted by lib/sections.js.
import { el } from "../lib/dom.js";
import { localise, showStatus, t } from "../lib/page-common.js";
import { mountSection } from "../lib/sections.js";
import { sections } from "./sections/index.js";

const drawn = new Map();  // section id -> { draw() }

function mount(section, status) {
  const redraw = () => draw();
  const { draw } = mountSection(document.getElementById("sections"), section, "desk-section",
                                () => ({ status, redraw, refresh }));
  drawn.set(section.id, { draw });
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
