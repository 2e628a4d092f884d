// The case page: everything about one case (case.html?case=<case id or complaint ID>). Each part
// is a module in sections/ that draws into its own <section> with what `load` read, and ties
// what it starts (listeners, timers) to the AbortSignal it is given: a section drawn again
// first aborts its last drawing, so nothing of it runs on.
import { el } from "../lib/dom.js";
import { ask, localise, showStatus, t } from "../lib/page-common.js";
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
  const body = el("div", { className: "body" });
  const box = el("section", { id: section.id, className: "case-section" },
                 el("h2", { textContent: t(section.titleKey) }), body);
  document.getElementById("sections").append(box);
  let controller = null;
  const draw = () => {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    body.replaceChildren();
    // One broken section must not take the page down with it.
    Promise.resolve().then(() => section.render(body, { ...view, signal, refresh }))
      .catch((e) => {
        if (!signal.aborted) body.replaceChildren(el("p", { className: "message error", textContent: e.message }));
      });
  };
  drawn.set(section.id, draw);
  draw();
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
