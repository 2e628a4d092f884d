// Provenance of product images (agent routes /v1/provenance*): where each image came from,
// the documents behind it, the licence check, and the setting that seals originals. Records
// are the seller's proof, so only the extension's own pages (the desk, the options page) may
// read or change them; a Panel page's overlay only learns whether an image has a record, and
// sends the seller to the desk to set it.
import { fromBase64 } from "../../lib/bytes.js";
import * as agent from "../agent-client.js";
import { requireExtensionPage } from "../senders.js";

const HASH = /^[0-9a-f]{64}$/;
const image = (sha256) => {
  const text = String(sha256 ?? "");
  if (!HASH.test(text)) throw Object.assign(new Error("not an image's SHA-256"), { code: "bad_image" });
  return `/v1/provenance/${text}`;
};

export const handlers = {
  "provenance.settings": (_m, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/provenance/settings");
  },
  "provenance.saveSettings": ({ sealOriginals }, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/provenance/settings", { method: "PUT",
                                                      json: { seal_originals: sealOriginals === true } });
  },
  "provenance.list": (_m, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/provenance");
  },
  // { sha256, changes: {origin, name, product, note} } -> the record as it now is.
  "provenance.set": ({ sha256, changes }, sender) => {
    requireExtensionPage(sender);
    const { origin, name, product, note } = changes || {};
    return agent.request(image(sha256), { method: "PUT", json: { origin, name, product, note } });
  },
  // A document (base64) sealed for the image, works with the vault locked. A licence is also
  // checked from the same bytes, so its findings show without unlocking.
  "provenance.attach": async ({ sha256, role, name, data }, sender) => {
    requireExtensionPage(sender);
    const bytes = fromBase64(String(data ?? ""));
    const record = await agent.request(`${image(sha256)}/documents/${encodeURIComponent(role)}`, {
      method: "POST", body: bytes, timeoutMs: 60000,
      headers: { "Content-Type": "application/octet-stream", "X-Filename": encodeURIComponent(String(name ?? "")) },
    });
    const check = role !== "licence" ? null : await agent.request("/v1/provenance/licence", {
      method: "POST", body: bytes, timeoutMs: 60000, headers: { "Content-Type": "application/octet-stream" } });
    return { record, check };
  },
  // The check of the record's newest licence, read from the vault (needs it unlocked).
  "provenance.checkLicence": ({ sha256 }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`${image(sha256)}/licence`, { timeoutMs: 60000 });
  },
  // The catalogue audit: its progress and findings; started on the folders given, or with
  // `catalogue` on the Merchant API catalogue of the stores kept.
  "provenance.audit": (_m, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/provenance/audit");
  },
  "provenance.startAudit": ({ folders, catalogue }, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/provenance/audit", { method: "POST",
      json: catalogue === true ? { catalogue: true } : { folders } });
  },
  // The stores whose catalogue the audit reads: names only; a token goes to the agent in the
  // request body and never comes back.
  "seller.stores": (_m, sender) => {
    requireExtensionPage(sender);
    return agent.request("/v1/seller/stores");
  },
  "seller.keepStore": ({ name, token }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`/v1/seller/stores/${encodeURIComponent(String(name ?? ""))}`,
                         { method: "PUT", json: { token: String(token ?? "") } });
  },
  "seller.forgetStore": ({ name }, sender) => {
    requireExtensionPage(sender);
    return agent.request(`/v1/seller/stores/${encodeURIComponent(String(name ?? ""))}`, { method: "DELETE" });
  },
  // For the product page's overlay: which of these images have a record, and their origin.
  "provenance.known": async ({ hashes }) => {
    if (!Array.isArray(hashes)) throw new Error("hashes must be a list");
    const wanted = new Set(hashes.map(String));
    const { records } = await agent.request("/v1/provenance");
    const known = {};
    for (const r of records) {
      const also = (r.documents.original || []).map((d) => d.sha256);
      for (const sha of [r.image, ...also]) if (wanted.has(sha)) known[sha] = { origin: r.origin || null };
    }
    return known;
  },
};
