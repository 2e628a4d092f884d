// The appeal bundle: the case's evidence and report in one zip, saved where the browser saves
// downloads.
import { fromBase64 } from "../../lib/bytes.js";
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { language } from "../../lib/words.js";
import { say } from "../drop.js";
import { vaultGate } from "../vault-gate.js";

export default {
  id: "bundle",
  titleKey: "caseBundle",
  async render(body, ctx) {
    const { case: c, signal } = ctx;
    body.append(el("p", { className: "note", textContent: t("caseBundleAbout") }));
    if (!await vaultGate(body, ctx)) return;
    const message = el("span", { className: "message", role: "status" });
    // Off by default: an original keeps the camera data and GPS location its public copy lost.
    const provenance = el("input", { type: "checkbox", name: "provenance" });
    const button = el("button", { type: "button", className: "primary export", textContent: t("caseExport") });
    button.addEventListener("click", async () => {
      button.disabled = true;
      say(message, t("caseExporting"), "");
      try {
        const { data } = await ask("vault.export", { caseId: c.id, lang: language(),
                                                     provenance: provenance.checked });
        const url = URL.createObjectURL(new Blob([fromBase64(data)], { type: "application/zip" }));
        const name = `appeal-${c.complaint_id.replace(/[^A-Za-z0-9._-]+/g, "_")}.zip`;
        el("a", { href: url, download: name }).click();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        say(message, t("caseExported", name));
      } catch (e) {
        say(message, e.message, "error");
      } finally {
        button.disabled = false;
      }
    }, { signal });
    body.append(el("label", { className: "provenance" }, provenance, t("caseBundleProvenance")),
      el("div", { className: "row" }, button, message));
  },
};
