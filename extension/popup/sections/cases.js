// Open cases by urgency, each with its next deadline, a preflight link and its drafts
// (English text to copy, the explanation in the user's language).
import { el } from "../../lib/dom.js";
import { ask, lang, t } from "../../lib/page-common.js";

const RUNNING = ["ok", "warning", "urgent", "overdue", "due"];


const D = globalThis.iprdesk.deadlines;

// The earliest running deadline, judged on the extension's clock.
function nextDeadline(c, now) {
  return c.deadlines.filter((d) => d.due && RUNNING.includes(d.state))
    .map((d) => ({ ...d, left: Date.parse(d.due) - now }))
    .sort((a, b) => a.left - b.left)[0] || null;
}

function countdown(d, messages) {
  const time = D.duration(d.left, messages);
  return D.format(messages[d.left <= 0 ? "time.ago" : "time.in"], { duration: time });
}

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
  const l = lang();
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

function renderCase(c, now, shared) {
  const next = nextDeadline(c, now);
  const state = next ? D.state(D.rule(shared, next.id), next.left) : "none";
  const item = el("li", { className: "case", dataset: { case: c.id, state } },
    el("div", { className: "head" },
      el("strong", { textContent: c.complaint_id }), " ",
      el("span", { className: "note", textContent: c.complainant })));
  if (next) {
    const messages = shared.messages[lang()];
    const words = D.format(messages["case.deadline_line"], {
      label: next.label[lang()], state: messages[`case.state.${state}`], when: countdown(next, messages) });
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
    if (status.state !== "connected" && status.state !== "not-running") return;
    container.append(el("h2", { textContent: t("casesTitle") }));
    const [{ cases, cached, now }, shared] = await Promise.all([ask("cases.list"), ask("shared.get")]);
    if (cached) container.append(el("p", { className: "note cached", textContent: t("casesCached") }));
    if (!cases.length) {
      container.append(el("p", { className: "note none", textContent: t("casesNone") }));
      return;
    }
    const sorted = [...cases].sort((a, b) => (nextDeadline(a, now)?.left ?? Infinity)
                                           - (nextDeadline(b, now)?.left ?? Infinity));
    container.append(el("ol", { className: "cases" }, sorted.map((c) => renderCase(c, now, shared))));
  },
};
