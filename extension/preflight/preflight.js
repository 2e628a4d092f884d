// The appeal preflight of one case, in the browser's language, from the agent.
import { el } from "../lib/dom.js";
import { ask, localise, t } from "../lib/page-common.js";
import { language } from "../lib/words.js";

const lang = language();
const caseId = new URLSearchParams(location.search).get("case");
const STATUS = { en: { pass: "pass", fail: "fail", unknown: "unknown" },
                 zh_CN: { pass: "通过", fail: "未通过", unknown: "未知" } };

// `command` in a message is shown as code, the rest as plain text.
function withCode(text) {
  return text.split(/(`[^`]+`)/).map((part) => {
    if (!part.startsWith("`")) return document.createTextNode(part);
    const code = document.createElement("code");
    code.textContent = part.slice(1, -1);
    return code;
  });
}

async function run() {
  const error = document.getElementById("error");
  error.textContent = "";
  if (!caseId) {
    error.textContent = t("preflightNoCase");
    return;
  }
  try {
    const c = await ask("cases.get", { caseId });
    document.getElementById("case").textContent = t("preflightCase", c.id, c.complaint_id, c.store_id);
    const report = await ask("cases.preflight", { caseId, lang });
    const summary = document.getElementById("summary");
    summary.dataset.ready = String(report.ready);
    summary.textContent = report.summary;
    const body = document.querySelector("#checks tbody");
    body.replaceChildren(...report.checks.map((check) => {
      const row = document.createElement("tr");
      row.dataset.status = check.status;
      row.dataset.check = check.id;
      // What the check asks and why, in the user's language; the id stays in the data only.
      const title = el("th", { scope: "row", className: "title" }, check.title,
                       el("div", { className: "about" }, check.about));
      const status = el("td", { className: "status" }, STATUS[lang][check.status]);
      const message = el("td", { className: "message" }, ...withCode(check.message));
      row.append(title, status, message);
      return row;
    }));
  } catch (e) {
    error.textContent = e.message;
  }
}

localise();
document.getElementById("again").addEventListener("click", run);
run();
