// Open cases by urgency, as the agent sorted and judged them (casework/deadlines.py): each
// with its complaint ID, complainant, next deadline in local time with its zone and a
// countdown that ticks on from the agent's `ms_left`, and a link to its case page.
import { el } from "../../lib/dom.js";
import { ask, t, tn } from "../../lib/page-common.js";
import { localTime, timeLeft } from "../../lib/time.js";
import { format, language } from "../../lib/words.js";

const TICK_MS = 30_000;

// Old image URLs of the complained images, pasted one a line: the agent keeps them with the
// case and checks them until they are dead (the popup and the case page show the verdicts).
function oldUrlsForm(c, signal) {
  const id = `old-urls-${c.id}`;
  const urls = el("textarea", { id, rows: 3, className: "old-urls", placeholder: "https://img.joomcdn.net/…" });
  const button = el("button", { type: "submit", textContent: t("deskCaseWatchUrls") });
  const message = el("div", { className: "message", role: "status" });
  const count = el("span", { className: "note url-count" });
  const showCount = (n) => { count.textContent = n ? t("deskCaseUrlsCount", String(n)) : t("deskCaseNoUrls"); };
  showCount(c.old_urls?.length);
  const form = el("form", { className: "old-urls-form" },
    el("label", { htmlFor: id, textContent: t("deskCaseOldUrlsLabel") }), urls,
    el("div", { className: "buttons" }, button), message);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const list = urls.value.split(/\s+/).filter(Boolean);
    if (!list.length) return;
    button.disabled = true;
    try {
      const updated = await ask("casepage.addUrls", { caseId: c.id, urls: list });
      if (signal.aborted) return;
      urls.value = "";
      showCount(updated.old_urls.length);
      message.className = "message ok";
      message.textContent = tn("deskCaseUrlsWatched", updated.old_urls.length);
    } catch (err) {
      if (signal.aborted) return;
      message.className = "message error";
      message.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }, { signal });
  return el("details", { className: "old-urls-box" },
            el("summary", {}, t("deskCaseOldUrls"), " ", count), form);
}

function caseRow(c, { cached, arrived, messages, lang, signal }) {
  const next = cached ? null : c.deadlines.find((d) => d.id === c.next_deadline);
  const state = next?.state ?? "none";
  // No state without the agent's judgement: an empty place keeps the rows aligned.
  const badge = el("span", { className: "state-badge", hidden: !next,
                             textContent: next ? messages[`case.state.${next.state}`] : "" });
  const link = el("a", { className: "open-case", href: `../case/case.html?case=${encodeURIComponent(c.id)}`,
                         textContent: t("deskCaseOpen") });
  const who = el("div", { className: "who" },
    el("strong", { className: "complaint-id", textContent: c.complaint_id }),
    el("span", { className: "complainant", textContent: c.complainant }),
    // The Schedule A law-firm hint, the agent's words (case.schedule_a).
    c.schedule_a_firm ? el("div", { className: "note firm",
                                    textContent: format(messages["case.schedule_a"], { firm: c.schedule_a_firm }) }) : null);
  const row = el("li", { className: "case-row", dataset: { case: c.id, state } }, badge, who, link);
  const urls = cached ? null : oldUrlsForm(c, signal);
  if (!next) {
    row.append(...[el("div", { className: "deadline note", textContent: cached ? t("deskCasesUnknownDeadline")
                                                                              : t("deskCaseNoDeadline") }), urls].filter(Boolean));
    return { row, tick: () => {} };
  }
  const left = el("span", { className: "countdown" });
  const due = next.due ? el("span", { className: "due", textContent: t("deskCaseDue", localTime(next.due, messages)) }) : null;
  row.append(el("div", { className: "deadline" },
                el("span", { className: "label", textContent: next.label[lang] }), due, left), urls);
  // The agent's time left, less what has passed on this clock since its answer came.
  const tick = () => {
    if (next.ms_left === null) return;
    left.textContent = timeLeft(next.ms_left - (Date.now() - arrived), messages);
  };
  tick();
  return { row, tick };
}

async function render(container, { status, signal }) {
  let listed;
  try {
    // Without the agent, the cases last fetched (their deadlines unknown), if any.
    listed = await Promise.all([ask("cases.list"), ask("shared.get")]);
  } catch (e) {
    if (status.state === "connected") throw e;
    if (!signal.aborted) container.append(el("p", { className: "note", textContent: t("deskNeedsAgent") }));
    return;
  }
  const [{ cases, cached }, shared] = listed;
  if (signal.aborted) return;
  const arrived = Date.now();
  const lang = language();
  const messages = shared.messages[lang];
  if (cached) container.append(el("p", { className: "note cached", textContent: t("casesCached") }));
  if (!cases.length) {
    container.append(el("p", { className: "note none", id: "cases-none", textContent: t("deskCasesNone") }));
    return;
  }
  // Most urgent first: the agent's order, kept as it came.
  const rows = cases.map((c) => caseRow(c, { cached, arrived, messages, lang, signal }));
  container.append(el("ol", { className: "case-list", id: "case-list" }, rows.map((r) => r.row)));
  const timer = setInterval(() => rows.forEach((r) => r.tick()), TICK_MS);
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}

export default { id: "cases", titleKey: "deskSectionCases", render };
