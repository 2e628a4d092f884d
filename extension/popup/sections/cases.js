// Open cases by urgency, each with its next deadline, a preflight link and its drafts
// (English text to copy, the explanation in the user's language). The order, the next
// deadline and its state are the agent's (casework/deadlines.py).
import { el } from "../../lib/dom.js";
import { renderDraft } from "../../lib/draft-view.js";
import { ask, t } from "../../lib/page-common.js";
import { countdown } from "../../lib/time.js";
import { format, language } from "../../lib/words.js";

// The case's next deadline in words ("Respond to the complaint: urgent (in 5 h)"), as the
// agent judged it; a cached case (agent not running) shows none: its state would be a guess.
function renderCase(c, cached, arrived, shared) {
  const next = cached ? null : c.deadlines.find((d) => d.id === c.next_deadline);
  const item = el("li", { className: "case", dataset: { case: c.id, state: next?.state ?? "none" } },
    el("div", { className: "head" },
      el("strong", { textContent: c.complaint_id }), " ",
      el("span", { className: "note", textContent: c.complainant })));
  if (next) {
    const messages = shared.messages[language()];
    const words = format(messages["case.deadline_line"], {
      label: next.label[language()], state: messages[`case.state.${next.state}`],
      when: countdown(next.ms_left - (Date.now() - arrived), messages) });
    item.append(el("div", { className: "deadline", textContent: words }));
  }
  const preflight = el("button", { type: "button", className: "preflight", textContent: t("casePreflight") });
  preflight.addEventListener("click", () => ask("ui.openPreflight", { caseId: c.id }));
  const draftsButton = el("button", { type: "button", className: "drafts", textContent: t("caseDrafts") });
  const drafts = el("div", { className: "drafts-list" });
  draftsButton.addEventListener("click", async () => {
    if (drafts.childElementCount) return drafts.replaceChildren();
    const { drafts: list } = await ask("cases.drafts", { caseId: c.id });
    drafts.replaceChildren(...list.map((draft) => renderDraft(draft)));
  });
  item.append(el("div", { className: "buttons" }, preflight, draftsButton), drafts);
  return item;
}

export default {
  id: "cases",
  async render(container, status) {
    // Without the agent (stopped, or iprdesk not installed here): the cached cases, if any.
    const offline = status.state === "not-running" || status.state.startsWith("host-");
    if (status.state !== "connected" && !offline) return;
    const answers = await Promise.all([ask("cases.list"), ask("shared.get")])
      .catch((e) => { if (!offline) throw e; });
    if (!answers) return;  // nothing cached: the agent's state above says all there is
    const [{ cases, cached }, shared] = answers;
    container.append(el("h2", { textContent: t("casesTitle") }));
    const arrived = Date.now();
    if (cached) container.append(el("p", { className: "note cached", textContent: t("casesCached") }));
    if (!cases.length) {
      container.append(el("p", { className: "note none", textContent: t("casesNone") }));
      return;
    }
    // Most urgent first, as the agent sorted them.
    container.append(el("ol", { className: "cases" }, cases.map((c) => renderCase(c, cached, arrived, shared))));
  },
};
