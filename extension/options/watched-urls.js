// Every watched old image URL, by case (its complaint ID, a link to the case page), with its
// last verdict and local check time, each removable: once the agent confirmed, the list is
// read again (the URL and its other CDN sizes are gone from it).
import { el } from "../lib/dom.js";
import { ask, t } from "../lib/page-common.js";
import { byCase, sizesOf, watchedRow } from "../lib/watched-urls.js";
import { language } from "../lib/words.js";

const list = document.getElementById("watched-urls-list");
const message = document.getElementById("watched-urls-message");
let drawing = null;  // the last drawing's AbortController: a new one ends its listeners
let asked = 0;       // drawings asked for: only the latest draws

function caseBlock(caseId, watched, named, words, remove) {
  const urls = new Set(watched.map((w) => w.url));
  // Sizes are counted under their old URL (one left whose URL went shows as a row of its own).
  const rows = watched.filter((w) => !w.variant_of || !urls.has(w.variant_of))
    .map((w) => watchedRow(w, words, { sizes: sizesOf(w, watched).length, remove }));
  const page = `../case/case.html?case=${encodeURIComponent(caseId)}#old-urls`;
  return el("div", { className: "watched-case", dataset: { case: caseId } },
    el("h3", {}, el("a", { href: page, target: "_blank",
                           textContent: t("urlCase", named.get(caseId) || caseId) })),
    el("ul", { className: "watched-urls" }, rows));
}

// Drawn once at first; again once a URL was removed, when a failure is thrown to the row that
// asked (the rows drawn before stay, their listeners too, so its "refresh" can ask again).
async function draw() {
  const mine = ++asked;
  let urls;
  let shared;
  let cases;
  try {
    // Open cases name themselves by complaint ID; a closed one keeps its case id.
    [{ urls }, shared, { cases }] = await Promise.all([
      ask("urls.watched"), ask("shared.get"), ask("cases.list").catch(() => ({ cases: [] }))]);
  } catch (e) {
    if (mine !== asked) return;
    if ("loaded" in list.dataset) throw e;
    list.replaceChildren();
    message.className = "message error";
    message.textContent = t("watchedUrlsUnavailable", e.message);
    return;
  }
  if (mine !== asked) return;
  drawing?.abort();
  drawing = new AbortController();
  const { signal } = drawing;
  message.className = "message";
  message.textContent = "";
  const named = new Map(cases.map((c) => [c.id, c.complaint_id]));
  const words = { verdicts: shared.verdicts, messages: shared.messages[language()] };
  const remove = { signal, onRemoved: draw };
  list.replaceChildren(...(urls.length
    ? [...byCase(urls)].map(([caseId, watched]) => caseBlock(caseId, watched, named, words, remove))
    : [el("p", { className: "note none", textContent: t("oldUrlsNone") })]));
  list.dataset.loaded = "";
}

draw();
