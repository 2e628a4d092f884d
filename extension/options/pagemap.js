// Page map additions (kept by the agent): the pages taught on this computer, each removable;
// export them as a small file for another seller, import such a file or a newer page map.
import { el } from "../lib/dom.js";
import { ask, t } from "../lib/page-common.js";

const $ = (id) => document.getElementById(id);
const list = $("taught-pages");
const message = $("pagemap-message");
const EXPORT_NAME = "iprdesk-pagemap-additions.json";

function say(text, kind) {
  message.textContent = text;
  message.className = `message ${kind}`;
}

// Message keys by rule, as the on-page flow names them: column complaintId is
// fieldComplaintId, page complaint-report is pageComplaintReport.
const camel = (id) => id.replace(/(^|-)(\w)/g, (_m, _d, c) => c.toUpperCase());
const fieldName = (key) => t(`field${camel(key)}`);

function item(taught) {
  const kind = t(`page${camel(taught.page)}`);
  const columns = Object.entries(taught.columns)
    .map(([key, label]) => t("pagemapColumn", label, fieldName(key))).join(" · ");
  const remove = el("button", { type: "button", className: "forget",
                                "aria-label": t("pagemapForgetNamed", taught.path) },
                    t("pagemapForget"));
  remove.addEventListener("click", () => change(() => ask("pagemap.forget", { id: taught.id }),
                                                t("pagemapForgotten")));
  return el("li", { dataset: { taught: taught.id, path: taught.path } },
    el("div", {}, el("div", { className: "what" }, t("pagemapTaughtPage", kind, taught.path)),
       el("div", { className: "columns" }, columns)),
    remove);
}

function render(listing) {
  list.replaceChildren(...(listing.taught.length ? listing.taught.map(item)
    : [el("li", { className: "none" }, t("pagemapNone"))]));
  const { built_in: builtIn, imported, in_use: inUse } = listing.pagemap;
  $("pagemap-version").textContent = imported && inUse === imported
    ? t("pagemapVersionImported", String(imported), String(builtIn))
    : t("pagemapVersionBuiltIn", String(builtIn));
  $("forget-imported-pagemap").hidden = !imported;
  list.dataset.loaded = "";
}

async function refresh() {
  try {
    render(await ask("pagemap.list"));
  } catch (e) {
    list.replaceChildren();
    say(t("pagemapUnavailable", e.message), "error");
  }
}

// The list is up to date by the time the message says what happened.
async function change(action, done) {
  let text;
  let kind = "ok";
  try {
    const result = await action();
    text = typeof done === "function" ? done(result) : done;
  } catch (e) {
    [text, kind] = [t("pagemapFailed", e.message), "error"];
  }
  await refresh();
  say(text, kind);
}

$("export-pagemap").addEventListener("click", async () => {
  try {
    const file = await ask("pagemap.export");
    const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)],
                                             { type: "application/json" }));
    el("a", { href: url, download: EXPORT_NAME }).click();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say(t("pagemapExported", String(file.taught.length), EXPORT_NAME), "ok");
  } catch (e) {
    say(t("pagemapFailed", e.message), "error");
  }
});

$("import-pagemap").addEventListener("click", () => $("import-pagemap-file").click());
$("import-pagemap-file").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  event.target.value = "";
  if (!file) return;
  await change(async () => ask("pagemap.import", { text: await file.text() }),
               (result) => (result.imported ? t("pagemapImportedMap", String(result.imported))
                 : t("pagemapImportedTaught", String(result.added))));
});

$("forget-imported-pagemap").addEventListener("click", () => change(
  () => ask("pagemap.forgetImported"), t("pagemapForgotImported")));

refresh();
