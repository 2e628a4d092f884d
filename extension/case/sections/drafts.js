// The case's drafted letters: a fact is stated only where its check passed, the gaps marked.
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { renderDraft } from "../../lib/draft-view.js";

export default {
  id: "drafts",
  titleKey: "caseDraftsTitle",
  async render(body, { case: c, signal }) {
    const { drafts } = await ask("cases.drafts", { caseId: c.id });
    if (signal.aborted) return;
    body.append(drafts.length ? el("div", { className: "drafts-list" }, drafts.map((d) => renderDraft(d, signal)))
      : el("p", { className: "note none", textContent: t("caseNoDrafts") }));
  },
};
