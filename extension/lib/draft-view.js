// One drafted letter as the popup and the case page show it: the English text to copy with each
// gap (a fact iprdesk could not confirm) marked, the explanation in the user's language.
import { el } from "./dom.js";
import { t } from "./page-common.js";
import { language } from "./words.js";

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

export function renderDraft(draft, signal) {
  const l = language();
  const text = `${draft.subject}\n\n${draft.body}`;
  const button = el("button", { className: "copy", type: "button", textContent: t("copyDraft") });
  button.addEventListener("click", () => copy(text, button), { signal });
  // What sending it risks (a counter-notice's odds and consequences), before the letter.
  const cautions = draft.cautions?.length
    ? el("div", { className: "cautions" }, t("draftCautions"),
      el("ul", {}, draft.cautions.map((caution) => el("li", { textContent: caution[l] }))))
    : null;
  const gaps = draft.gaps.length
    ? el("div", { className: "gaps" }, t("draftGaps"),
      el("ul", {}, draft.gaps.map((gap) => el("li", { textContent: gap.explain[l] }))))
    : null;
  return el("details", { className: "draft", dataset: { draft: draft.id, complete: String(draft.complete) } },
    el("summary", {}, draft.title[l]),
    el("p", { className: "note" }, draft.to[l]),
    el("p", { className: "subject", textContent: t("draftSubject", draft.subject) }),
    cautions,
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
