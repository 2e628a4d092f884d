// The case's drafted letters: a fact is stated only where its check passed, the gaps marked.
// Above them, who signs them (the seller's name, company and store name) and the address and
// phone a counter-notice gives, set right here.
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { renderDraft } from "../../lib/draft-view.js";

const SIGNER = [["name", "caseSignerName"], ["company", "caseSignerCompany"], ["store", "caseSignerStore"],
  ["address", "caseSignerAddress", "wide"], ["phone", "caseSignerPhone"]];

function signerForm(seller, { signal, refresh }) {
  const inputs = Object.fromEntries(SIGNER.map(([key, label, size = ""]) => [key, el("input", {
    type: key === "phone" ? "tel" : "text", name: key, value: seller[key] || "", maxLength: 200,
    ariaLabel: t(label), className: size })]));
  const message = el("span", { className: "message", role: "status" });
  const form = el("form", { className: "signer" },
    el("div", { className: "what", textContent: t("caseSignedBy") }),
    el("p", { className: "note", textContent: t("caseSignerAbout") }),
    el("div", { className: "fields" }, SIGNER.map(([key, label]) =>
      el("label", {}, el("span", { textContent: t(label) }), inputs[key]))),
    el("div", { className: "row" }, el("button", { type: "submit", textContent: t("caseSignerSave") }), message));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await ask("seller.set", { seller: Object.fromEntries(
        SIGNER.map(([key]) => [key, inputs[key].value.trim()])) });
      await refresh("drafts");
    } catch (err) {
      message.className = "message error";
      message.textContent = err.message;
    }
  }, { signal });
  return form;
}

export default {
  id: "drafts",
  titleKey: "caseDraftsTitle",
  async render(body, { case: c, signal, refresh }) {
    const [{ drafts }, seller] = await Promise.all([ask("cases.drafts", { caseId: c.id }), ask("seller.get")]);
    if (signal.aborted) return;
    body.append(signerForm(seller, { signal, refresh }));
    body.append(drafts.length ? el("div", { className: "drafts-list" }, drafts.map((d) => renderDraft(d, signal)))
      : el("p", { className: "note none", textContent: t("caseNoDrafts") }));
  },
};
