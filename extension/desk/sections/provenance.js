// Where each product image came from (agent/iprdesk/provenance): its origin, the documents
// behind it (original, licence, contract, invoice) with their hashes, editable here. A
// licence attached is checked at once from the same bytes (pass / fail / unknown, with the
// sentence that decided each), and again from the vault later; what no check can verify
// offline is listed to check by hand. The desk opened at an image (desk.html?image=<sha256>
// &name=<file>#provenance, from the product page's overlay) opens that image's editor.
import { el } from "../../lib/dom.js";
import { sha256Hex, toBase64 } from "../../lib/bytes.js";
import { ask, t } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";
import { format, language } from "../../lib/words.js";

const ORIGINS = ["own_photo", "own_design", "stock", "commissioned", "supplier"];
const ROLES = ["original", "licence", "contract", "invoice"];
const MARKS = { pass: "✓", fail: "✗", unknown: "?" };
const STATUS_WORDS = { pass: "deskLicencePass", fail: "deskLicenceFail", unknown: "deskLicenceUnknown" };
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;  // the agent's limit for a licence or contract

// Licence checks shown so far, by image: they stay in sight when the section is drawn again.
const checks = new Map();
// Images picked here (or named by the address) that have no record yet.
const added = new Map();  // sha256 -> file name
// What the next drawing shows: the image being edited, news of the last change, and whether
// the image the address names was opened already.
const view = { editing: null, news: null, opened: false };

function short(sha) {
  return sha ? `${sha.slice(0, 12)}…` : "-";
}

function say(node, text, kind) {
  node.textContent = text;
  node.className = `message ${kind}`;
}

// One licence check as the agent answered it, in the reader's language.
export function licenceCheckView(check, messages) {
  return el("div", { className: "licence-check", dataset: { status: check.status } },
    el("p", { className: "verdict", textContent: messages[`licence.verdict.${check.status}`] }),
    check.read_problem ? el("p", { className: "read-problem warning", textContent: check.read_problem }) : null,
    el("ul", { className: "findings" }, check.findings.map((f) =>
      el("li", { dataset: { finding: f.id, status: f.status } },
         el("span", { className: "mark", title: t(STATUS_WORDS[f.status]), textContent: MARKS[f.status] }),
         el("div", { className: "finding" },
            el("strong", { className: "title", textContent: f.title }), " ",
            el("span", { className: "status-word", textContent: t(STATUS_WORDS[f.status]) }),
            el("div", { className: "finding-message", textContent: f.message }),
            f.sentence ? el("q", { className: "sentence", textContent: f.sentence }) : null)))),
    el("h4", { textContent: messages["licence.by_hand"] }),
    el("ul", { className: "by-hand" }, check.check_by_hand.map((line) => el("li", { textContent: line }))));
}

function documentsView(record, messages) {
  const docs = ROLES.flatMap((role) => (record.documents[role] || []).map((d) => ({ role, ...d })));
  if (!docs.length) return el("p", { className: "note no-documents", textContent: t("deskProvenanceNoDocuments") });
  return el("ul", { className: "documents" }, docs.map((d) =>
    el("li", { dataset: { role: d.role, item: d.item } },
       el("span", { className: "role", textContent: messages[`provenance.role.${d.role}`] }), " ",
       el("span", { className: "doc-name", textContent: d.name || d.item }), " ",
       el("code", { className: "hash", title: d.sha256 || "", textContent: t("deskProvenanceHash", short(d.sha256)) }),
       d.sealed_at ? el("span", { className: "note sealed",
                                  textContent: t("deskProvenanceSealed", localTime(d.sealed_at, messages)) }) : null)));
}

function editor(record, { messages, signal, done }) {
  const id = (what) => `prov-${what}-${record.image.slice(0, 12)}`;
  const origin = el("select", { id: id("origin"), className: "origin-select" },
    el("option", { value: "", textContent: messages["provenance.origin.unset"] }),
    ORIGINS.map((o) => el("option", { value: o, textContent: messages[`provenance.origin.${o}`],
                                       selected: record.origin === o })));
  const field = (what, label, value) => {
    const input = el("input", { type: "text", id: id(what), className: `field-${what}`, value: value || "", maxLength: 500 });
    return [el("label", { htmlFor: input.id, textContent: label }), input];
  };
  const [nameLabel, name] = field("name", t("deskProvenanceName"), record.name);
  const [productLabel, product] = field("product", messages["provenance.field.product"], record.product);
  const [noteLabel, note] = field("note", messages["provenance.field.note"], record.note);
  const message = el("div", { className: "message", role: "status" });
  const save = el("button", { type: "submit", className: "primary save", textContent: t("deskProvenanceSave") });
  const cancel = el("button", { type: "button", className: "cancel", textContent: t("deskProvenanceCancel") });
  const form = el("form", { className: "prov-editor" },
    el("label", { htmlFor: origin.id, textContent: messages["provenance.field.origin"] }), origin,
    nameLabel, name, productLabel, product, noteLabel, note,
    el("div", { className: "buttons" }, save, cancel), message);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      await ask("provenance.set", { sha256: record.image, changes: {
        origin: origin.value, name: name.value, product: product.value, note: note.value } });
      if (signal.aborted) return;
      added.delete(record.image);
      done(t("deskProvenanceSaved"));
    } catch (err) {
      if (!signal.aborted) say(message, err.message, "error");
    } finally {
      save.disabled = false;
    }
  }, { signal });
  cancel.addEventListener("click", () => {
    added.delete(record.image);
    done(null);
  }, { signal });
  return form;
}

// Attach a document: pick its kind, then the file; sealed into the vault (works locked).
function attachForm(record, { messages, signal, done }) {
  const id = `prov-role-${record.image.slice(0, 12)}`;
  const role = el("select", { id, className: "role-select" },
    ROLES.map((r) => el("option", { value: r, textContent: messages[`provenance.role.${r}`],
                                     selected: r === "licence" })));
  const input = el("input", { type: "file", id: `prov-file-${record.image.slice(0, 12)}`,
                              className: "visually-hidden document-file" });
  const message = el("div", { className: "message", role: "status" });
  input.addEventListener("change", async () => {
    const [file] = input.files;
    input.value = "";
    if (!file) return;
    if (file.size > MAX_DOCUMENT_BYTES) {
      say(message, t("deskProvenanceTooBig", file.name, String(MAX_DOCUMENT_BYTES / 1024 / 1024)), "error");
      return;
    }
    say(message, t("deskProvenanceAttaching", file.name), "");
    try {
      const data = toBase64(new Uint8Array(await file.arrayBuffer()));
      const { check } = await ask("provenance.attach", { sha256: record.image, role: role.value,
                                                          name: file.name, data });
      if (signal.aborted) return;
      if (check) checks.set(record.image, { check, name: file.name });
      added.delete(record.image);
      done(t("deskProvenanceAttached", file.name));
    } catch (err) {
      if (!signal.aborted) say(message, err.message, "error");
    }
  }, { signal });
  return el("div", { className: "attach" },
    el("label", { htmlFor: id, textContent: t("deskProvenanceDocumentKind") }), role,
    el("label", { htmlFor: input.id, className: "button", textContent: t("deskProvenanceAttach") }), input,
    message);
}

// Another section (the audit) opens an image's editor: the section is then drawn again.
export function editRecord(sha256, name) {
  added.set(sha256, name);
  Object.assign(view, { editing: sha256, news: null });
}

function row(record, { messages, signal, redraw, editing }) {
  const item = el("li", { className: "prov-row", id: `prov-${record.image}`,
                          dataset: { image: record.image, origin: record.origin || "" } });
  const news = el("div", { className: "message", role: "status" });
  const rerender = (text) => {
    Object.assign(view, { editing: null, news: text ? { image: record.image, text } : null });
    redraw();
  };
  const hasLicence = (record.documents.licence || []).length > 0;
  const edit = el("button", { type: "button", className: "edit", textContent: t("deskProvenanceEdit") });
  const checkButton = hasLicence
    ? el("button", { type: "button", className: "check-licence", textContent: t("deskProvenanceCheckLicence") }) : null;
  const shown = checks.get(record.image);
  const checkBox = el("div", { className: "licence-box" },
    shown ? [el("h4", { textContent: t("deskProvenanceLicenceOf", shown.name) }), licenceCheckView(shown.check, messages)] : []);
  item.append(...[
    el("div", { className: "prov-head" },
       el("strong", { className: "prov-name", textContent: record.name || short(record.image) }),
       el("span", { className: "origin-badge", textContent: messages[`provenance.origin.${record.origin || "unset"}`] })),
    el("div", { className: "prov-facts" },
       record.product ? el("span", { className: "product", textContent: format(messages["ui.field"], {
         label: messages["provenance.field.product"], value: record.product }) }) : null,
       el("code", { className: "hash image-hash", title: record.image, textContent: t("deskProvenanceHash", short(record.image)) }),
       record.note ? el("span", { className: "note prov-note", textContent: record.note }) : null),
    documentsView(record, messages),
    el("div", { className: "buttons" }, editing ? null : edit, checkButton),
    editing ? editor(record, { messages, signal, done: rerender }) : null,
    attachForm(record, { messages, signal, done: rerender }),
    checkBox, news].filter(Boolean));
  edit.addEventListener("click", () => {
    Object.assign(view, { editing: record.image, news: null });
    redraw();
  }, { signal });
  checkButton?.addEventListener("click", async () => {
    checkButton.disabled = true;
    say(news, t("deskProvenanceChecking"), "");
    try {
      const check = await ask("provenance.checkLicence", { sha256: record.image });
      if (signal.aborted) return;
      const name = record.documents.licence.at(-1).name || record.documents.licence.at(-1).item;
      checks.set(record.image, { check, name });
      checkBox.replaceChildren(el("h4", { textContent: t("deskProvenanceLicenceOf", name) }),
                               licenceCheckView(check, messages));
      say(news, "", "");
    } catch (err) {
      if (!signal.aborted) say(news, err.message, "error");
    } finally {
      checkButton.disabled = false;
    }
  }, { signal });
  return item;
}

// Pick image files: their SHA-256 is taken here (the record's key), the file goes nowhere.
function addImages(redraw, signal) {
  const input = el("input", { type: "file", id: "prov-add-image", accept: "image/*", multiple: true,
                              className: "visually-hidden" });
  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    let last = null;
    for (const file of files) {
      last = await sha256Hex(new Uint8Array(await file.arrayBuffer()));
      added.set(last, file.name);
    }
    if (signal.aborted || !last) return;
    Object.assign(view, { editing: last, news: null });
    redraw();
  }, { signal });
  return el("div", { className: "buttons" },
    el("label", { htmlFor: input.id, className: "button", textContent: t("deskProvenanceAddImage") }), input);
}

async function render(container, { status, signal, redraw }) {
  container.append(el("p", { className: "note", textContent: t("deskProvenanceExplain") }));
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("deskNeedsAgent") }));
    return;
  }
  const [{ records }, shared] = await Promise.all([ask("provenance.list"), ask("shared.get")]);
  if (signal.aborted) return;
  const messages = shared.messages[language()];
  // The desk opened at an image from the product page: its editor, once.
  const params = new URLSearchParams(location.search);
  const wanted = params.get("image");
  if (wanted && /^[0-9a-f]{64}$/.test(wanted) && !view.opened) {
    view.editing = wanted;
    if (!records.some((r) => r.image === wanted)) added.set(wanted, params.get("name") || "");
  }
  view.opened = true;
  const { editing, news } = view;
  const known = new Set(records.map((r) => r.image));
  const fresh = [...added].filter(([sha]) => !known.has(sha))
    .map(([image, name]) => ({ image, name, origin: null, documents: {} }));
  const all = [...fresh, ...records];
  container.append(addImages(redraw, signal));
  if (!all.length) {
    container.append(el("p", { className: "note", id: "provenance-none", textContent: t("deskProvenanceNone") }));
    return;
  }
  const list = el("ul", { id: "provenance-records", className: "prov-list" },
    all.map((r) => row(r, { messages, signal, redraw, editing: r.image === editing })));
  container.append(list);
  if (news) {
    const target = list.querySelector(`[data-image="${news.image}"] > .message[role="status"]`);
    if (target) say(target, news.text, "ok");
  }
  if (editing) list.querySelector(`[data-image="${editing}"]`)?.scrollIntoView({ block: "center" });
}

export default { id: "provenance", titleKey: "deskSectionProvenance", render };
