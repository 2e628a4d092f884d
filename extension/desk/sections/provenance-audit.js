// The catalogue audited by provenance (POST/GET /v1/provenance/audit): every image of the
// seller's catalogue folders, or of their stores' products on Joom (the Merchant API, one
// access token a store, kept by the agent: /v1/seller/stores), without a provenance record,
// or whose licence fails the check, with a progress bar while the agent reads them; each
// listed image opens its record in the provenance section. With several stores, the images
// alike across two of them (the same designer's work reused) are listed too.
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
        editRecord(image.image, fileName(image.path ?? image.url));
        refresh("provenance");
        document.getElementById("provenance")?.scrollIntoView();
      }, { signal });
      const where = image.path !== null ? el("code", { className: "path", textContent: image.path })
        : el("span", { className: "path" }, el("span", { className: "where",
            textContent: t("deskAuditWhere", image.store, image.product) }), " ",
          el("code", { className: "url", textContent: image.url }));
      return el("li", { dataset: { verdict: image.verdict, image: image.image || "", store: image.store || "" } },
        where,
        el("span", { className: "verdict", textContent: t(VERDICTS[image.verdict]) }), open);
    })));
  }
  const alike = job.alike_across_stores || [];
  if (alike.length) {
    const where = (image) => el("span", { className: "path" },
      el("span", { className: "where", textContent: t("deskAuditWhere", image.store, image.product) }), " ",
      el("code", { className: "url", textContent: image.url }));
    done.append(el("div", { id: "audit-alike", className: "audit-alike" },
      el("h4", { textContent: tn("deskAuditAlikeTitle", alike.length) }),
      el("p", { className: "note", textContent: t("deskAuditAlikeExplain") }),
      el("ul", { className: "audit-images" }, alike.map((pair) =>
        el("li", { dataset: { verdict: pair.verdict } }, where(pair.images[0]),
           el("span", { className: "alike-mark", textContent: "≈" }), where(pair.images[1]))))));
  }
  return done;
}

// The stores whose Merchant API catalogue can be audited: their names, a form to keep one
// more (its token goes to the agent and is never shown again), and the audit's button.
function storesPart(stores, { start, message, signal, refresh }) {
  const name = el("input", { type: "text", id: "store-name", maxLength: 80, required: true, autocomplete: "off" });
  const token = el("input", { type: "password", id: "store-token", required: true, autocomplete: "off", spellcheck: false });
  const fail = (err) => {
    if (signal.aborted) return;
    message.className = "message error";
    message.textContent = err.message;
  };
  const list = stores.length ? el("ul", { id: "audit-stores", className: "audit-stores" }, stores.map((store) => {
    const forget = el("button", { type: "button", className: "forget", textContent: t("deskStoreForget") });
    forget.addEventListener("click", async () => {
      try {
        await ask("seller.forgetStore", { name: store });
        refresh("provenance-audit");
      } catch (err) { fail(err); }
    }, { signal });
    return el("li", { dataset: { store } }, el("span", { className: "store-name", textContent: store }), forget);
  })) : el("p", { id: "audit-stores", className: "note", textContent: t("deskStoresNone") });
  const keep = el("form", { id: "store-form", className: "store-form" },
    el("label", {}, el("span", { textContent: t("deskStoreName") }), name),
    el("label", {}, el("span", { textContent: t("deskStoreToken") }), token),
    el("button", { type: "submit", textContent: t("deskStoreKeep") }));
  keep.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await ask("seller.keepStore", { name: name.value.trim(), token: token.value.trim() });
      token.value = "";
      refresh("provenance-audit");
    } catch (err) { fail(err); }
  }, { signal });
  return el("div", { id: "audit-catalogue-part", className: "audit-catalogue" },
    el("h3", { textContent: t("deskAuditCatalogueTitle") }),
    el("p", { className: "note", textContent: t("deskAuditCatalogueExplain") }),
    list, keep, stores.length ? el("div", { className: "buttons" }, start) : null, message);
}

async function render(container, { status, signal, refresh }) {
  container.append(el("p", { className: "note", textContent: t("deskAuditExplain") }));
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("deskNeedsAgent") }));
    return;
  }
  const [job, shared, { stores }] = await Promise.all([ask("provenance.audit"), ask("shared.get"), ask("seller.stores")]);
  if (signal.aborted) return;
  const messages = shared.messages[language()];
  const folders = el("textarea", { id: "audit-folders", rows: 3, spellcheck: false,
                                   value: (job.folders || job.watched_folders).join("\n") });
  const start = el("button", { type: "submit", id: "audit-start", className: "primary", textContent: t("deskAuditStart") });
  const startCatalogue = el("button", { type: "button", id: "audit-catalogue", className: "primary",
                                        textContent: t("deskAuditCatalogueStart") });
  const message = el("div", { className: "message", role: "status" });
  const shown = el("div", { className: "audit-shown" });
  const form = el("form", { id: "audit-form" },
    el("label", { htmlFor: folders.id, textContent: t("deskAuditFolders") }), folders,
    el("div", { className: "buttons" }, start), message);
  const catalogueMessage = el("div", { className: "message", role: "status" });
  container.append(form, storesPart(stores, { start: startCatalogue, message: catalogueMessage, signal, refresh }), shown);

  // While the agent reads the folders, the bar follows it; once done, what it found.
  const follow = (current) => {
    start.disabled = startCatalogue.disabled = running(current);
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
  // An error says itself beside the button that started it.
  const begin = async (what, said) => {
    for (const m of [message, catalogueMessage]) {
      m.textContent = "";
      m.className = "message";
    }
    start.disabled = startCatalogue.disabled = true;
    try {
      follow(await ask("provenance.startAudit", what));
    } catch (err) {
      if (signal.aborted) return;
      start.disabled = startCatalogue.disabled = false;
      said.className = "message error";
      said.textContent = err.message;
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    begin({ folders: folders.value.split("\n").map((f) => f.trim()).filter(Boolean) }, message);
  }, { signal });
  startCatalogue.addEventListener("click", () => begin({ catalogue: true }, catalogueMessage), { signal });
  follow(job);
}

export default { id: "provenance-audit", titleKey: "deskSectionProvenanceAudit", render };
