// The case page: everything about one case (case.html?case=<case id or complaint ID>). Each part
// is a module in sections/, mounted by lib/sections.js, that draws what `load` read.
import { el } from "../lib/dom.js";
import { ask, localise, showStatus, t } from "../lib/page-common.js";
import { mountSection } from "../lib/sections.js";
import { language } from "../lib/words.js";
import { sections } from "./sections/index.js";

const ref = new URLSearchParams(location.search).get("case") || "";
const drawn = new Map();  // section id -> draw()
let view = null;          // what the sections read: see load()

// The case as the agent has it now (deadline states on the agent's clock, `arrived` the
// moment the answer came, for the countdowns), and the shared texts in the user's language.
async function load() {
  const [found, shared] = await Promise.all([ask("casepage.case", { ref }), ask("shared.get")]);
  const lang = language();
  view = { case: found, arrived: Date.now(), shared, lang, messages: shared.messages[lang] };
  document.title = `${found.complaint_id} · ${t("caseTitle")}`;
  document.getElementById("heading").textContent = t("caseHeading", found.complaint_id);
}

// Mounts the section; resolves once its first drawing is done.
function mount(section) {
  const { draw, first } = mountSection(document.getElementById("sections"), section,
                                       "case-section", () => ({ ...view, refresh }));
  drawn.set(section.id, draw);
  return first;
}

// Something changed (a document added, URLs checked): read the case again and draw the named
// sections (all when none is named). While sections are being drawn the page says so
// (`data-drawing` on <body>): a click then may land on a control about to be replaced.
let drawing = 0;
async function whileDrawing(work) {
  document.body.dataset.drawing = String(++drawing);
  try {
    await work();
  } finally {
    if (--drawing === 0) delete document.body.dataset.drawing;
    else document.body.dataset.drawing = String(drawing);
  }
}

function refresh(...ids) {
  return whileDrawing(async () => {
    await load();
    await Promise.all([...drawn].filter(([id]) => !ids.length || ids.includes(id))
      .map(([, draw]) => draw()));
  });
}

// An unknown case: the open ones to choose from, each a link to its page.
async function offerOpenCases() {
  const { cases } = await ask("cases.list");
  document.getElementById("error").after(el("ul", { className: "plain open-cases" }, cases.map((c) =>
    el("li", {}, el("a", { href: `?case=${encodeURIComponent(c.id)}`, textContent: c.complaint_id }),
       ` · ${c.complainant}`))));
}

localise();
showStatus(document.getElementById("state")).then(async (status) => {
  const error = document.getElementById("error");
  if (!ref) {
    error.textContent = t("caseNoCase");
    return;
  }
  if (status.state !== "connected") return;  // the state box says what to do
  try {
    await load();
  } catch (e) {
    error.textContent = e.message;  // an unknown case names the open ones
    if (e.code === "unknown_case") await offerOpenCases().catch(() => {});
    return;
  }
  document.getElementById("case-nav").append(
    ...sections.map((s) => el("a", { href: `#${s.id}`, textContent: t(s.titleKey) })));
  await whileDrawing(() => Promise.all(sections.map(mount)));
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
});
