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

function mount(section) {
  drawn.set(section.id, mountSection(document.getElementById("sections"), section, "case-section",
                                     () => ({ ...view, refresh })));
}

// Something changed (a document added, URLs checked): read the case again and draw the named
// sections (all when none is named).
async function refresh(...ids) {
  await load();
  for (const [id, draw] of drawn) if (!ids.length || ids.includes(id)) draw();
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
  for (const section of sections) mount(section);
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
});
