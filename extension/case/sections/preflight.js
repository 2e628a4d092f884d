// The appeal preflight of the case, run by the agent in the user's language with the browser's
// wording (no commands to type), each check that did not pass with its fix right under it.
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { fixesFor } from "../fixes.js";
import { vaultGate } from "../vault-gate.js";

export default {
  id: "preflight",
  titleKey: "preflightTitle",
  async render(body, ctx) {
    const { case: c, lang, signal } = ctx;
    const gate = el("div", { className: "gate" });
    body.append(gate);
    const unlocked = await vaultGate(gate, ctx, { form: true });
    if (signal.aborted) return;
    const report = await ask("casepage.preflight", { caseId: c.id, lang });
    if (signal.aborted) return;
    const again = el("button", { type: "button", className: "again", textContent: t("preflightRun") });
    again.addEventListener("click", () => ctx.refresh("preflight"), { signal });
    const hasNewImages = report.checks.find((k) => k.id === "images.clean")?.status !== "unknown";
    // Each fix (the agreement's drop zone, the new images'...) once, under the first check
    // that needs it.
    const offered = new Set();
    const fixes = (check) => (check.status === "pass" ? null
      : fixesFor(check, { ...ctx, hasNewImages, unlocked }).filter((fix) => {
        const seen = offered.has(fix.dataset.fix);
        offered.add(fix.dataset.fix);
        return !seen;
      }));
    body.append(
      el("p", { className: "verdict-summary", dataset: { ready: String(report.ready) }, textContent: report.summary }),
      el("ul", { className: "plain checks" }, report.checks.map((check) => el("li",
        { dataset: { check: check.id, status: check.status } },
        el("div", { className: "head" }, el("span", { className: "title", textContent: check.title }),
           el("span", { className: "status", textContent: ctx.messages[`preflight.status.${check.status}`] })),
        el("div", { className: "about", textContent: check.about }),
        el("div", { className: "said", textContent: check.message }),
        fixes(check)))),
      el("div", { className: "row" }, again));
  },
};
