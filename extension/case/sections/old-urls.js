// Every old image URL of the case with its last verdict and when it was checked; more URLs
// are pasted here and checked at once.
import { el } from "../../lib/dom.js";
import { ask, t, verdictClass } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";
import { checkNowButton, oldUrlsFix } from "../fixes.js";

export default {
  id: "old-urls",
  titleKey: "caseOldUrls",
  async render(body, ctx) {
    const { case: c, shared, messages, signal } = ctx;
    const { urls } = await ask("casepage.watched", { caseId: c.id });
    if (signal.aborted) return;
    const shown = urls.filter((w) => !w.variant_of);
    if (shown.length) {
      body.append(el("ul", { className: "plain old-urls" }, shown.map((w) => el("li",
        { dataset: { url: w.url, state: w.state } },
        el("span", { className: `verdict ${verdictClass(w.state, shared.verdicts)}`,
                     textContent: t(`urlState_${w.state.replace("-", "_")}`) }),
        el("span", { className: "url", textContent: w.url }),
        el("div", { className: "note last-check", textContent: w.last
          ? t("urlLastCheck", localTime(w.last.checked_at, messages)) : t("urlNotCheckedYet") })))),
        el("div", { className: "row" }, checkNowButton(ctx)));
    } else {
      body.append(el("p", { className: "note none", textContent: t("caseNoOldUrls") }));
    }
    body.append(oldUrlsFix(ctx));
  },
};
