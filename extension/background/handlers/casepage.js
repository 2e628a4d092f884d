// The case page's requests (extension/case/): a case by id or complaint ID, its watched URLs,
// new images cleaned and sealed, a document's kind, old URLs added, events, the preflight in
// the browser's wording. Only the extension's own pages may ask: they reach the vault.
import { fromBase64, sha256Hex } from "../../lib/bytes.js";
import * as agent from "../agent-client.js";
import { fetchImage, onCdn, productImages } from "../product-page.js";
import { requireExtensionPage } from "../senders.js";

const path = (ref) => `/v1/cases/${encodeURIComponent(String(ref ?? ""))}`;

// The case page of a case (its id or complaint ID), opened at one of its sections.
export const caseUrl = (ref, section = "") =>
  chrome.runtime.getURL(`case/case.html?case=${encodeURIComponent(ref)}${section ? `#${section}` : ""}`);


// What each product page of the case shows now, one product at a time: a background tab each.
async function caseProductImages(caseId) {
  const found = await agent.request(path(caseId));
  const products = [];
  for (const product of found.products) products.push(await productImages(product));
  return products;
}

export const handlers = {
  "ui.openCase": ({ ref, section }) =>
    chrome.tabs.create({ url: caseUrl(String(ref ?? ""), section) }).then(() => ({ opened: true })),
  "casepage.case": ({ ref }, sender) => {
    requireExtensionPage(sender);
    return agent.request(path(ref));
  },
  "casepage.watched": ({ caseId }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`/v1/urls/watch?case=${encodeURIComponent(caseId)}`);
  },
  // In the page's language and zone, worded for the browser (the fix is on the page).
  "casepage.preflight": ({ caseId, lang }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`${path(caseId)}/preflight`,
                         { method: "POST", json: { lang, for: "browser", zone: agent.browserZone() } });
  },
  "casepage.event": ({ caseId, event }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`${path(caseId)}/events`, { method: "POST", json: { event } });
  },
  "casepage.addUrls": ({ caseId, urls }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`${path(caseId)}/urls`, { method: "POST", json: { urls } });
  },
  "casepage.setLawFirm": ({ caseId, lawFirm }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`${path(caseId)}/law-firm`, { method: "PUT", json: { law_firm: lawFirm || null } });
  },
  "casepage.setKind": ({ itemId, kind }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`/v1/vault/items/${encodeURIComponent(itemId)}/kind`,
                         { method: "POST", json: { kind } });
  },
  // New product images: each cleaned of metadata by the agent first, then sealed as a product
  // photo of the case (what is sealed is what the seller uploads).
  "casepage.addNewImages": async ({ caseId, files }, sender) => {
    requireExtensionPage(sender);
    return sealNewImages(caseId, files.map((f) => ({ name: f.name, bytes: fromBase64(f.data) })));
  },
  // The case's pictures with their thumbnails (the new images' only while the vault is
  // unlocked; `withNew: false` leaves them out).
  "casepage.images": ({ caseId, withNew = true }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`${path(caseId)}/images${withNew ? "" : "?new=0"}`);
  },
  // Complained images the seller has as files, kept with the case one by one.
  "casepage.addComplained": async ({ caseId, files }, sender) => {
    requireExtensionPage(sender);
    const kept = [];
    for (const f of files) {
      kept.push(await agent.request(`${path(caseId)}/complained`, {
        method: "POST", body: fromBase64(f.data), timeoutMs: 60000,
        headers: { "Content-Type": "application/octet-stream", "X-Filename": encodeURIComponent(f.name) } }));
    }
    return { items: kept };
  },
  // The seller took a copy they had uploaded anyway off the product: the agent checks it
  // against what the case's product pages show now (casework/case_images.py).
  "casepage.copyRemoved": async ({ caseId, caughtId }, sender) => {
    requireExtensionPage(sender);
    const pages = await caseProductImages(caseId);
    return agent.request(`${path(caseId)}/caught/${encodeURIComponent(caughtId)}/removed`,
                         { method: "POST", json: { pages }, timeoutMs: 120000 });
  },
  // The images each product page of the case shows now (product-page.js).
  "casepage.productImages": async ({ caseId }, sender) => {
    requireExtensionPage(sender);
    return { products: await caseProductImages(caseId) };
  },
  // New images picked from the product page: loaded from the CDN as the Panel shows them,
  // then cleaned and sealed as those dropped are.
  "casepage.addNewImagesFromPage": async ({ caseId, urls }, sender) => {
    requireExtensionPage(sender);
    const wanted = await onCdn(Array.isArray(urls) ? urls.map(String) : []);
    const files = await Promise.all(wanted.map(async (url) => ({
      name: new URL(url).pathname.split("/").pop(), bytes: await fetchImage(url), url })));
    const missing = files.find((f) => !f.bytes.length);
    if (missing) {
      const e = new Error(chrome.i18n.getMessage("casePageImageNotLoaded", [missing.url]));
      e.code = "image_not_loaded";
      throw e;
    }
    return sealNewImages(caseId, files);
  },
};

async function sealNewImages(caseId, files) {
  const cleaned = await Promise.all(files.map(async (f) => {
    const { blob, mime } = await agent.stripImage(f.bytes, f.name);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    return { name: f.name, type: mime, bytes, meta: { kind: "photo", sha256: await sha256Hex(bytes) } };
  }));
  return agent.addEvidence(cleaned, { case: caseId, captured_at: new Date().toISOString() });
}
