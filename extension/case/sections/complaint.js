// The complaint and who made it, with the Schedule A hint when the complainant is a law firm
// known for mass lawsuits (the agent's shared/lawfirms.json).
import { el } from "../../lib/dom.js";
import { t } from "../../lib/page-common.js";
import { format } from "../../lib/words.js";
import { localTime } from "../../lib/time.js";

export default {
  id: "complaint",
  titleKey: "caseComplaint",
  render(body, { case: c, messages, shared, lang }) {
    const type = shared.hints[lang]?.[`type.${c.type}.label`] || c.type;
    const facts = [
      ["caseComplaintId", c.complaint_id], ["caseType", type], ["caseComplainant", c.complainant],
      ["caseStore", c.store_id], ["caseProducts", c.products.join(", ")],
      ["caseReceived", localTime(c.received, messages)],
      c.court_case ? ["caseCourt", c.court_case] : null,
      ["caseStatus", t(c.status === "open" ? "caseOpen" : "caseClosed")],
    ].filter(Boolean);
    body.append(el("dl", { className: "facts" },
      facts.flatMap(([key, value]) => [el("dt", { textContent: t(key) }),
                                       el("dd", { textContent: value, dataset: { fact: key } })])));
    if (c.schedule_a_firm) {
      body.append(el("p", { className: "hint schedule-a" },
                     format(messages["case.schedule_a"], { firm: c.schedule_a_firm })));
    }
  },
};
