// The popup's old-URL section: every watched old image URL of each case with its verdict and
// last check (the agent re-checks hourly and after moderation), and "check now" per case.
import { actionButton } from "../../lib/action-button.js";
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { byCase, sizesOf, watchedRow } from "../../lib/watched-urls.js";
import { language } from "../../lib/words.js";

const CSS = `
  .watched-case ul { list-style: none; padding: 0; margin: 4px 0 8px; }
  .watched-url { margin: 0 0 6px; }
  .watched-url .url { font-size: 12px; word-break: break-all; }
`;

function caseBlock(caseId, watched, words, rerender) {
  const message = el("div", { className: "message", role: "status" });
  const button = el("button", { type: "button", className: "check-now",
                                textContent: t("urlCheckNow") });
  actionButton(button, message, async () => {
    await ask("urls.checkNow", { case: caseId });
    await rerender();
  });
  // Other CDN sizes of an old URL are counted under it, and listed only while still public.
  const rows = watched.filter((w) => !w.variant_of || words.verdicts.still_public.includes(w.state))
    .map((w) => watchedRow(w, words, { sizes: w.variant_of ? 0 : sizesOf(w, watched).length }));
  const block = el("div", { className: "watched-case" },
    el("h3", { textContent: t("urlCase", caseId) }), el("ul", {}, ...rows), button, message);
  block.dataset.case = caseId;
  return block;
}

async function render(container, status) {
  container.replaceChildren(el("style", { textContent: CSS }),
                            el("h2", { textContent: t("oldUrlsTitle") }));
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("oldUrlsNeedAgent") }));
    return;
  }
  const { urls } = await ask("urls.watched");
  if (!urls.length) {
    // Added in the desk, on each case (no terminal).
    const add = el("button", { type: "button", id: "add-old-urls", textContent: t("oldUrlsAdd") });
    add.addEventListener("click", () => ask("ui.openDesk", { section: "cases" }).then(() => window.close()));
    container.append(el("p", { className: "note", textContent: t("oldUrlsNone") }), add);
    return;
  }
  const shared = await ask("shared.get", { refresh: true });
  const words = { verdicts: shared.verdicts, messages: shared.messages[language()] };
  for (const [caseId, watched] of byCase(urls)) {
    container.append(caseBlock(caseId, watched, words, () => render(container, status)));
  }
}

export default { id: "old-urls", render };
