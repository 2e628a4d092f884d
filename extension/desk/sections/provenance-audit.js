// The catalogue audited by provenance (POST/GET /v1/provenance/audit): every image of the
// seller's catalogue folders without a provenance record, or whose licence fails the check,
// with a progress bar while the agent reads them; each listed image opens its record in the
// provenance section.
import { el } from "../../lib/dom.js";
import { ask, t, tn } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";
import { language } from "../../lib/words.js";
import { editRecord } from "./provenance.js";

const POLL_MS = 400;
const VERDICTS = {
  no_record: "deskAuditNoRecord", licence_fail: "deskAuditLicenceFail",
  licence_unknown: "deskAuditLicenceUnknown", licence_locked: "deskAuditLicenceLocked",
  unreadable: "deskAuditUnreadable",
};
const running = (job) => job.state === "listing" || job.state === "checking";

function progress(job) {
  const bar = el("progress", { id: "audit-progress", max: job.total || 1, value: job.done });
  if (job.total === null) bar.removeAttribute("value");  // still listing: no length yet
  return el("div", { className: "audit-progress" }, bar,
    el("span", { id: "audit-progress-text", textContent: job.total === null ? t("deskAuditListing")
      : tn("deskAuditProgress", job.total, String(job.done)) }));
}

function fileName(path) {
  return path.split(/[\\/]/).pop();
}

function results(job, { messages, refresh, signal }) {
  if (job.state === "failed") {
    return el("p", { id: "audit-error", className: "message error", textContent: job.error?.message || "" });
  }
  const done = el("div", { id: "audit-results" },
    el("p", { id: "audit-summary", className: job.failing ? "warning" : "message ok",
              textContent: tn("deskAuditSummary", job.total, String(job.failing)) }),
    el("p", { className: "note", textContent: t("deskAuditWhen", localTime(job.finished_at, messages)) }));
  if (job.images.length) {
    done.append(el("ul", { id: "audit-images", className: "audit-images" }, job.images.map((image) => {
      const open = image.image ? el("button", { type: "button", className: "open-record",
        textContent: t(image.verdict === "no_record" ? "deskAuditRecord" : "deskAuditOpen") }) : null;
      open?.addEventListener("click", () => {
        editRecord(image.image, fileName(image.path));
        refresh("provenance");
        document.getElementById("provenance")?.scrollIntoView();
      }, { signal });
      return el("li", { dataset: { verdict: image.verdict, image: image.image || "" } },
        el("code", { className: "path", textContent: image.path }),
        el("span", { className: "verdict", textContent: t(VERDICTS[image.verdict]) }), open);
    })));
  }
  return done;
}

async function render(container, { status, signal, refresh }) {
  container.append(el("p", { className: "note", textContent: t("deskAuditExplain") }));
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("deskNeedsAgent") }));
    return;
  }
  const [job, shared] = await Promise.all([ask("provenance.audit"), ask("shared.get")]);
  if (signal.aborted) return;
  const messages = shared.messages[language()];
  const folders = el("textarea", { id: "audit-folders", rows: 3, spellcheck: false,
                                   value: (job.folders || job.watched_folders).join("\n") });
  const start = el("button", { type: "submit", id: "audit-start", className: "primary", textContent: t("deskAuditStart") });
  const message = el("div", { className: "message", role: "status" });
  const shown = el("div", { className: "audit-shown" });
  const form = el("form", { id: "audit-form" },
    el("label", { htmlFor: folders.id, textContent: t("deskAuditFolders") }), folders,
    el("div", { className: "buttons" }, start), message);
  container.append(form, shown);

  // While the agent reads the folders, the bar follows it; once done, what it found.
  const follow = (current) => {
    start.disabled = running(current);
    if (current.state === "none") return;
    shown.replaceChildren(running(current) ? progress(current) : results(current, { messages, refresh, signal }));
    if (!running(current)) return;
    const timer = setTimeout(async () => {
      try {
        const next = await ask("provenance.audit");
        if (!signal.aborted) follow(next);
      } catch (e) {
        if (!signal.aborted) message.replaceChildren(el("span", { className: "error", textContent: e.message }));
      }
    }, POLL_MS);
    signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    message.textContent = "";
    message.className = "message";
    start.disabled = true;
    try {
      const list = folders.value.split("\n").map((f) => f.trim()).filter(Boolean);
      follow(await ask("provenance.startAudit", { folders: list }));
    } catch (err) {
      if (signal.aborted) return;
      start.disabled = false;
      message.className = "message error";
      message.textContent = err.message;
    }
  }, { signal });
  follow(job);
}

export default { id: "provenance-audit", titleKey: "deskSectionProvenanceAudit", render };
