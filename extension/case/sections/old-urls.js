// Every old image URL of the case with its last verdict and when it was checked, each
// removable (the agent stops watching it and takes it off the case); more URLs are pasted
// here and checked at once.
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { sizesOf, watchedRow } from "../../lib/watched-urls.js";
import { AFTER, checkNowButton, oldUrlsFix } from "../fixes.js";

export default {
  id: "old-urls",
  titleKey: "caseOldUrls",
  async render(body, ctx) {
    const { case: c, shared, messages, signal, refresh } = ctx;
    const { urls } = await ask("casepage.watched", { caseId: c.id });
    if (signal.aborted) return;
    const shown = urls.filter((w) => !w.variant_of);
    if (shown.length) {
      const words = { verdicts: shared.verdicts, messages };
      const remove = { signal, onRemoved: () => refresh(...AFTER) };
      body.append(el("ul", { className: "plain old-urls watched-urls" }, shown.map((w) =>
        watchedRow(w, words, { sizes: sizesOf(w, urls).length, remove }))),
        el("div", { className: "row" }, checkNowButton(ctx)));
    } else {
      body.append(el("p", { className: "note none", textContent: t("caseNoOldUrls") }));
    }
    body.append(oldUrlsFix(ctx));
  },
};
