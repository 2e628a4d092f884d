// Cases and drafts for the overlays, the popup, the desk and the case page (the preflight is
// the case page's own: handlers/casepage.js).
import { fromBase64 } from "../../lib/bytes.js";
import * as agent from "../agent-client.js";
import { getSharedDataWith } from "../shared-data.js";
import { checkDeadlines } from "../deadlines.js";
import { openCases } from "../open-cases.js";
import { caseUrl } from "./casepage.js";
import { requireExtensionPage } from "../senders.js";

const STORE_ID_KEY = "lastStoreId";
const CASE_ID = /^c-[0-9a-f]{8}$/;

function caseId(id) {
  if (!CASE_ID.test(String(id))) throw new agent.AgentError("bad_input", "not a case id");
  return id;
}

export const handlers = {
  "cases.list": () => openCases(),
  "cases.get": ({ caseId: id }) => agent.request(`/v1/cases/${caseId(id)}`),
  "cases.open": async ({ facts }) => {
    const created = await agent.request("/v1/cases", { method: "POST", json: facts });
    await chrome.storage.local.set({ [STORE_ID_KEY]: created.store_id });
    await checkDeadlines();
    return created;
  },
  // The case a complaint notice proposes (pasted text, or a .eml / PDF file as base64), each
  // field with where it was read; the desk shows them to confirm before "cases.open".
  "cases.importNotice": ({ text, data }, sender) => {
    requireExtensionPage(sender);
    const body = typeof data === "string" ? fromBase64(data) : new TextEncoder().encode(String(text ?? ""));
    return agent.request("/v1/cases/import", { method: "POST", body, timeoutMs: 120000,
                                               headers: { "Content-Type": "application/octet-stream" } });
  },
  "cases.storeId": async () => {
    const { [STORE_ID_KEY]: storeId } = await chrome.storage.local.get(STORE_ID_KEY);
    return { storeId: storeId || "" };
  },
  // Worded for the browser: a gap says where on the page to fill it in, never a command; its
  // dates and times in the browser's zone.
  "cases.drafts": ({ caseId: id }) => agent.request(
    `/v1/cases/${caseId(id)}/drafts?${new URLSearchParams({ for: "browser", zone: agent.browserZone() })}`),
  // Who signs the letters (name, company, store name), read and set on the case page.
  "seller.get": () => agent.request("/v1/seller"),
  "seller.set": ({ seller }, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/seller", { method: "POST", json: seller });
  },
  // "Check images" on a complaint row: re-check the case's watched old image URLs now.
  "cases.checkImages": async ({ caseId: id }) => {
    const { urls } = await agent.request("/v1/urls/watch/check", {
      method: "POST", json: { case: caseId(id) }, timeoutMs: 120000 });
    const { verdicts: names } = await getSharedDataWith("verdicts");
    const verdicts = urls.map((u) => u.last?.verdict);
    const gone = verdicts.filter((v) => names.gone.includes(v)).length;
    const stillPublic = verdicts.filter((v) => names.still_public.includes(v)).length;
    return { gone, public: stillPublic, unclear: verdicts.length - gone - stillPublic };
  },
  // The preflight lives on the case page, each check with its fix.
  "ui.openPreflight": ({ caseId: id }) =>
    chrome.tabs.create({ url: caseUrl(caseId(id), "preflight") }).then(() => ({ opened: true })),
};
