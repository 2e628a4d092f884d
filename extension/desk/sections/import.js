// Open a case from the complaint notice: paste Joom's e-mail, or drop the .eml or the TRO /
// complaint PDF. The agent reads it (casework/notice.py) and proposes each field with the
// notice's own words it came from; the seller confirms or corrects every one, then the case
// is created. What the notice does not say stays empty: iprdesk fills in nothing it did not read.
import { toBase64 } from "../../lib/bytes.js";
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { isoLocal, zoneName } from "../../lib/time.js";
import { format, language } from "../../lib/words.js";

const MAX_NOTICE_BYTES = 20 * 1024 * 1024;  // the agent's limit (casework/notice.py)
const TYPES = ["copyright", "trademark"];

function say(box, text, kind = "") {
  box.className = `message ${kind}`;
  box.textContent = text;
}

const pad = (n) => String(n).padStart(2, "0");

// An instant as a datetime-local value: the wall clock of this computer's zone.
function localInput(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// Where a value was read, in the agent's words: "stated; from the mail's text: “…”".
function source(found, messages) {
  if (found.problem === "no_zone") {
    return el("div", { className: "source problem", textContent: t("deskImportNoZone", found.source.excerpt) });
  }
  if (found.value === null || found.value === undefined) {
    return el("div", { className: "source empty", textContent: t("deskImportNotInNotice") });
  }
  const { part, excerpt } = found.source;
  const page = part.match(/^pdf_page_(\d+)$/);
  const where = page ? format(messages["notice.part.pdf_page"], { page: page[1] }) : messages[`notice.part.${part}`] || part;
  return el("div", { className: `source ${found.confidence}` },
    el("span", { className: "confidence", textContent: messages[`notice.confidence.${found.confidence}`] }), " ",
    t("deskImportFrom", where), " ", el("q", { textContent: excerpt }));
}

function proposalForm(proposal, { messages, storeId, signal, refresh }) {
  const fields = proposal.fields;
  const value = (name) => fields[name].value;
  const inputs = {
    complaint_id: el("input", { type: "text", value: value("complaint_id") ?? "" }),
    complainant: el("input", { type: "text", value: value("complainant") ?? value("law_firm") ?? "" }),
    // Left empty, the agent takes the Schedule A firm the complainant names, if any.
    law_firm: el("input", { type: "text", value: value("law_firm") ?? "" }),
    products: el("textarea", { rows: 3, value: (value("products") || []).join("\n") }),
    received: el("input", { type: "datetime-local", value: value("received") ? localInput(value("received")) : "" }),
    court_case: el("input", { type: "text", value: value("court_case") ?? "" }),
    type: el("select", {}, el("option", { value: "", textContent: t("deskImportChoose") }),
             TYPES.map((k) => el("option", { value: k, textContent: messages[`case.type.${k}`] }))),
    store_id: el("input", { type: "text", value: value("store_id") ?? storeId ?? "" }),
  };
  inputs.type.value = value("type") ?? "";
  const rows = [];
  for (const name of ["complaint_id", "complainant", "law_firm", "products", "received", "court_case", "type", "store_id"]) {
    const found = fields[name];
    const id = `notice-${name.replace("_", "-")}`;
    const control = inputs[name];
    control.id = id;
    control.name = name;
    let note = source(found, messages);
    if (name === "store_id" && found.value === null && storeId) note = el("div", { className: "source remembered", textContent: t("deskImportStoreRemembered") });
    if (name === "received") {
      const zone = zoneName(-new Date(control.value || Date.now()).getTimezoneOffset());
      note.append(el("div", { className: "note", textContent: t("deskImportYourZone", zone) }));
    }
    rows.push(el("div", { className: "proposed", dataset: { field: name, confidence: found.confidence ?? "none" } },
      el("label", { htmlFor: id, textContent: messages[`notice.field.${name}`] }), control, note));
  }
  const message = el("div", { id: "import-create-message", className: "message", role: "status" });
  const create = el("button", { type: "submit", id: "create-case", className: "primary", textContent: t("deskImportCreate") });
  const form = el("form", { id: "import-proposal", className: "proposal" },
    el("p", { className: "note", textContent: format(messages["notice.heading"],
                                                       { format: messages[`notice.format.${proposal.format}`] }) }),
    proposal.problem ? el("p", { className: "warning", id: "notice-problem",
                                 textContent: messages[`notice.problem.${proposal.problem}`] }) : null,
    ...rows, el("div", { className: "buttons" }, create), message);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    create.disabled = true;
    say(message, t("evidenceSaving"));
    const received = inputs.received.value;
    const facts = {
      complaint_id: inputs.complaint_id.value.trim(), complainant: inputs.complainant.value.trim(),
      products: inputs.products.value.split(/[\s,，、]+/).filter(Boolean),
      received: received ? isoLocal(new Date(received)) : undefined,
      court_case: inputs.court_case.value.trim() || undefined,
      law_firm: inputs.law_firm.value.trim() || undefined,
      type: inputs.type.value, store_id: inputs.store_id.value.trim(),
    };
    try {
      const created = await ask("cases.open", { facts });
      if (signal.aborted) return;
      form.replaceChildren(el("p", { id: "import-created", className: "message ok" },
        t("deskImportCreated", created.complaint_id), " ",
        el("a", { href: `../case/case.html?case=${encodeURIComponent(created.id)}`, textContent: t("deskCaseOpen") })));
      refresh("cases");
    } catch (err) {
      if (signal.aborted) return;
      say(message, err.message, "error");
      create.disabled = false;
    }
  }, { signal });
  return form;
}

async function render(container, { status, signal, refresh }) {
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("deskNeedsAgent") }));
    return;
  }
  const text = el("textarea", { id: "notice-text", rows: 8, placeholder: t("deskImportPastePlaceholder") });
  // The browser's own file button speaks the browser's language, not always the seller's.
  const picker = el("input", { type: "file", id: "notice-file", className: "visually-hidden",
                               accept: ".eml,.pdf,.txt,message/rfc822,application/pdf,text/plain" });
  const fileName = el("span", { id: "notice-file-name", className: "note" });
  const drop = el("div", { id: "notice-drop", className: "drop-zone" },
                  el("span", { textContent: t("deskImportDropHint") }), picker,
                  el("label", { htmlFor: "notice-file", className: "button", textContent: t("deskImportChooseFile") }),
                  fileName);
  const read = el("button", { type: "button", id: "read-notice", className: "primary", textContent: t("deskImportRead") });
  const message = el("div", { id: "import-message", className: "message", role: "status" });
  const result = el("div", { id: "import-result" });
  container.append(el("p", { textContent: t("deskImportExplain") }),
                   el("label", { htmlFor: "notice-text", textContent: t("deskImportPaste") }), text,
                   el("div", { className: "buttons" }, read), drop, message, result);

  // Asked now, awaited by the first proposal: the form takes a file from the first moment.
  const ready = Promise.all([ask("shared.get"), ask("cases.storeId")]);
  ready.catch(() => {});  // said by the proposal that awaits it
  let asked = 0;  // only the last notice given is shown, whichever answer comes last

  async function propose(payload) {
    const mine = ++asked;
    say(message, t("deskImportReading"));
    result.replaceChildren();
    try {
      const [proposal, [shared, { storeId }]] = await Promise.all([ask("cases.importNotice", payload), ready]);
      if (signal.aborted || mine !== asked) return;
      const messages = shared.messages[language()];
      say(message, "");
      result.replaceChildren(proposalForm(proposal, { messages, storeId, signal, refresh }));
    } catch (err) {
      if (!signal.aborted && mine === asked) say(message, err.message, "error");
    }
  }
  async function readFile(file) {
    if (!file) return;
    fileName.textContent = file.name;
    if (file.size > MAX_NOTICE_BYTES) {
      say(message, t("deskImportTooBig", file.name), "error");
      return;
    }
    await propose({ data: toBase64(new Uint8Array(await file.arrayBuffer())) });
  }
  read.addEventListener("click", () => {
    if (text.value.trim()) propose({ text: text.value });
    else say(message, t("deskImportNothing"), "error");
  }, { signal });
  picker.addEventListener("change", () => readFile(picker.files[0]), { signal });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); }, { signal });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"), { signal });
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    readFile(e.dataTransfer.files[0]);
  }, { signal });
}

export default { id: "import", titleKey: "deskSectionImport", render };
