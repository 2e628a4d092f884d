// Open cases by urgency, each with its next deadline, a preflight link and its drafts
// (English text to copy, the explanation in the user's language). The order, the next
// deadline and its state are the agent's (casework/deadlines.py).
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { countdown } from "../../lib/time.js";
import { format, language } from "../../lib/words.js";

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (no focus): the classic way still works from a click.
    const area = el("textarea", { value: text });
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.textContent = t("copied");
  button.dataset.copied = "true";
}

// The body with each gap (a fact iprdesk could not confirm) marked, so none is sent unseen.
function markedBody(draft) {
  const parts = [];
  let rest = draft.body;
  for (const gap of draft.gaps) {
    const at = rest.indexOf(gap.text);
    if (at < 0) continue;
    parts.push(rest.slice(0, at), el("mark", { className: "gap", textContent: gap.text }));
    rest = rest.slice(at + gap.text.length);
  }
  return el("pre", { className: "body" }, ...parts, rest);
}

function renderDraft(draft) {
  const l = language();
  const text = `${draft.subject}\n\n${draft.body}`;
  const button = el("button", { className: "copy", type: "button", textContent: t("copyDraft") });
  button.addEventListener("click", () => copy(text, button));
  const gaps = draft.gaps.length
    ? el("div", { className: "gaps" }, t("draftGaps"),
      el("ul", {}, draft.gaps.map((gap) => el("li", { textContent: gap.explain[l] }))))
    : null;
  return el("details", { className: "draft", dataset: { draft: draft.id, complete: String(draft.complete) } },
    el("summary", {}, draft.title[l]),
    el("p", { className: "note" }, draft.to[l]),
    el("p", { className: "subject", textContent: t("draftSubject", draft.subject) }),
    gaps,
    markedBody(draft),
    button,
    el("h4", { textContent: t("draftExplain") }),
    el("ol", {}, draft.paragraphs.map((p) => el("li", { textContent: p.explain[l] }))),
    el("h4", { textContent: t("draftTerms") }),
    el("dl", {}, draft.terms.flatMap((term) => [el("dt", { textContent: term.term }),
                                                el("dd", { textContent: term.explain[l] })])),
  );
}

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
    drafts.replaceChildren(...list.map(renderDraft));
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
