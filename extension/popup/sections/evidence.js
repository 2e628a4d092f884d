// The popup's evidence section: capture the current tab, add documents (file picker or
// drag-and-drop), and, once the vault is unlocked, list the evidence and export a bundle.
// Capturing and adding work while the vault is locked.
import { fromBase64, toBase64 } from "../../lib/bytes.js";
import { el } from "../../lib/dom.js";
import { dropZone } from "../../lib/drop-zone.js";
import { ask, t, tn } from "../../lib/page-common.js";
import { unlockForm } from "../../lib/unlock-form.js";
import { language } from "../../lib/words.js";

const SHOWN_ITEMS = 30;  // the newest captures the popup lists


function say(box, text, kind = "ok") {
  box.className = `message ${kind}`;
  box.textContent = text;
}

async function currentTab() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

// The page archive is read here: a Blob from pageCapture cannot be read in the service worker.
async function pageArchive(tabId) {
  try {
    const blob = await chrome.pageCapture.saveAsMHTML({ tabId });
    return toBase64(new Uint8Array(await blob.arrayBuffer()));
  } catch {
    return null;  // e.g. the browser's own pages: the screenshot alone is kept
  }
}

function render(container, status) {
  container.append(el("h2", { textContent: t("evidenceTitle") }));
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("evidenceNeedsAgent") }));
    return;
  }
  const caseInput = el("input", { type: "text", id: "evidence-case",
                                  placeholder: t("evidenceCasePlaceholder") });
  const message = el("div", { id: "evidence-message", className: "message", role: "status" });
  const caseId = () => caseInput.value.trim() || undefined;

  const capture = el("button", { id: "capture-page", className: "primary", type: "button",
                                 textContent: t("evidenceCapturePage") });
  capture.addEventListener("click", async () => {
    capture.disabled = true;
    say(message, t("evidenceSaving"), "");
    try {
      const tab = await currentTab();
      const saved = await ask("evidence.capture", { tabId: tab.id, mhtml: await pageArchive(tab.id),
                                                    case: caseId() });
      say(message, t("evidenceSaved", t("kind_screenshot"), saved.sha256.slice(0, 12)));
      refreshVault();
    } catch (e) {
      say(message, t("evidenceCaptureFailed", e.message), "error");
    } finally {
      capture.disabled = false;
    }
  });

  // "Detect from content" first; then the kinds a seller may give a file (shared data).
  const kind = el("select", { id: "doc-kind" }, el("option", { value: "", textContent: t("kindDetect") }));
  const kindLabels = {};
  // A copy cached from an older agent lacks the kinds: fetched afresh then.
  const kindsReady = ask("shared.get").then((shared) => (shared.evidence_kinds ? shared
    : ask("shared.get", { refresh: true }))).then(({ evidence_kinds: data }) => {
    for (const k of data?.kinds || []) {
      kindLabels[k.id] = k.label[language()];
      if (k.document) kind.append(el("option", { value: k.id, textContent: kindLabels[k.id] }));
    }
  }).catch(() => {});
  const note = el("input", { type: "text", id: "doc-note" });

  async function addFiles(payload) {
    say(message, t("evidenceSaving"), "");
    try {
      const { items } = await ask("evidence.add", {
        files: payload, meta: { kind: kind.value || undefined, case: caseId(), note: note.value.trim() || undefined } });
      say(message, items.map((i) => t("evidenceSavedAs", i.original_name, kindLabels[i.kind] || i.kind,
                                      i.sha256.slice(0, 12))).join("\n"));
      refreshVault();
    } catch (e) {
      say(message, t("evidenceCaptureFailed", e.message), "error");
    }
  }
  // The case page's drop zone: "Choose files" in the popup's language, not the browser's.
  const drop = dropZone({ hint: t("evidenceDropHint"), id: "drop-zone", pickerId: "doc-files",
                          onFiles: addFiles,
                          onError: (e) => say(message, t("evidenceCaptureFailed", e.message), "error") });

  const vault = el("div", { id: "vault" });
  container.append(
    capture,
    el("label", { htmlFor: "evidence-case", textContent: t("evidenceCaseLabel") }), caseInput,
    el("label", { htmlFor: "doc-kind", textContent: t("evidenceDocumentsLabel") }), kind,
    el("label", { htmlFor: "doc-note", textContent: t("evidenceNoteLabel") }), note,
    drop, message, vault);

  function refreshVault() {
    showVault().catch((e) => {
      vault.replaceChildren(el("p", { className: "message error", textContent: e.message }));
    });
  }

  async function showVault() {
    const state = await ask("vault.status");
    if (!state.initialised) {
      const create = el("button", { id: "create-vault", type: "button", className: "primary",
                                    textContent: t("vaultCreateInDesk") });
      create.addEventListener("click", () => ask("ui.openDesk", { section: "vault" }).then(() => window.close()));
      vault.replaceChildren(el("p", { id: "vault-state", className: "note", textContent: t("vaultMissing") }),
                            create);
      return;
    }
    if (!state.unlocked) {
      vault.replaceChildren(el("p", { id: "vault-state", textContent: tn("vaultLocked", state.objects) }),
                            unlockForm({ unlocked: refreshVault }));
      return;
    }
    // Only the newest items are shown: only they come from the agent (a vault holds thousands).
    const { items, total } = await ask("vault.items", { caseId: caseId(), limit: SHOWN_ITEMS });
    await kindsReady;
    const list = el("ol", { id: "vault-items", className: "evidence-list" },
                    ...items.slice().reverse().map((i) => el("li", { dataset: { id: i.id } },
                      el("span", { className: "kind", textContent: kindLabels[i.kind] || i.kind }), " ",
                      el("span", { textContent: i.original_name || i.page_title || i.id }), " ",
                      el("code", { textContent: i.sha256.slice(0, 12) }))));
    const exportButton = el("button", { id: "export", type: "button", textContent: t("vaultExport") });
    const exportMessage = el("div", { className: "message" });
    exportButton.disabled = !total;
    exportButton.addEventListener("click", async () => {
      try {
        const { data } = await ask("vault.export", { caseId: caseId(), lang: language() });
        const name = `appeal-${caseId() || "all"}.zip`;
        const blob = new Blob([fromBase64(data)], { type: "application/zip" });
        const link = el("a", { href: URL.createObjectURL(blob), download: name });
        link.click();
        say(exportMessage, t("vaultExported", name));
      } catch (e) {
        say(exportMessage, e.message, "error");
      }
    });
    const lock = el("button", { id: "lock", type: "button", textContent: t("vaultLock") });
    lock.addEventListener("click", async () => { await ask("vault.lock"); refreshVault(); });
    vault.replaceChildren(
      el("p", { id: "vault-state", textContent: tn("vaultUnlocked", state.objects) }),
      total ? list : el("p", { className: "note", textContent: t("vaultEmpty") }),
      el("div", { className: "buttons" }, exportButton, lock), exportMessage);
  }
  caseInput.addEventListener("change", refreshVault);
  refreshVault();
}

export default { id: "evidence", render };
