// The complaint and who made it, with the law firm acting for the complainant (the seller may
// correct it: the letters are written to it) and the Schedule A hint when a firm is one known
// for mass lawsuits (the agent's shared/lawfirms.json).
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { format } from "../../lib/words.js";
import { localTime } from "../../lib/time.js";

// The law firm's value, and a form to correct it in place.
function lawFirm(c, { signal, refresh }) {
  const shown = el("span", { className: c.law_firm ? "value" : "value none",
                             textContent: c.law_firm || t("caseLawFirmNone") });
  const edit = el("button", { type: "button", className: "edit-law-firm", textContent: t("caseLawFirmEdit") });
  const input = el("input", { type: "text", name: "law_firm", maxLength: 200, value: c.law_firm || "",
                              ariaLabel: t("caseLawFirm") });
  const message = el("span", { className: "message", role: "status" });
  const cancel = el("button", { type: "button", className: "cancel", textContent: t("caseLawFirmCancel") });
  const form = el("form", { className: "law-firm", hidden: true }, input,
                  el("button", { type: "submit", textContent: t("caseLawFirmSave") }), cancel, message);
  const line = el("span", { className: "law-firm-line" }, shown, " ", edit);
  edit.addEventListener("click", () => {
    line.hidden = true;
    form.hidden = false;
    input.focus();
  }, { signal });
  cancel.addEventListener("click", () => {
    form.hidden = true;
    line.hidden = false;
  }, { signal });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await ask("casepage.setLawFirm", { caseId: c.id, lawFirm: input.value.trim() });
      await refresh("complaint", "drafts");
    } catch (err) {
      message.className = "message error";
      message.textContent = err.message;
    }
  }, { signal });
  return [line, form];
}

export default {
  id: "complaint",
  titleKey: "caseComplaint",
  render(body, { case: c, messages, shared, lang, signal, refresh }) {
    const type = shared.hints[lang]?.[`type.${c.type}.label`] || c.type;
    const facts = [
      ["caseComplaintId", c.complaint_id], ["caseType", type], ["caseComplainant", c.complainant],
      ["caseLawFirm", lawFirm(c, { signal, refresh })],
      ["caseStore", c.store_id], ["caseProducts", c.products.join(", ")],
      ["caseReceived", localTime(c.received, messages)],
      c.court_case ? ["caseCourt", c.court_case] : null,
      ["caseStatus", t(c.status === "open" ? "caseOpen" : "caseClosed")],
    ].filter(Boolean);
    body.append(el("dl", { className: "facts" },
      facts.flatMap(([key, value]) => [el("dt", { textContent: t(key) }),
                                       el("dd", { dataset: { fact: key } }, value)])));
    if (c.schedule_a_firm) {
      body.append(el("p", { className: "hint schedule-a" },
                     format(messages["case.schedule_a"], { firm: c.schedule_a_firm })));
    }
  },
};
