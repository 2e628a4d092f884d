// The only code in the extension that talks HTTP to the local agent, with the session token
// native messaging handed over (background/native.js) or, opted into, a paired one.
// Everything else (content scripts, popup, options) asks the service worker, which calls here.

import { fromBase64 } from "../lib/bytes.js";
import { hostProblemText } from "../lib/host-problem.js";
import * as native from "./native.js";

export const DEFAULT_AGENT_URL = "http://127.0.0.1:17321";
const REQUEST_TIMEOUT_MS = 15000;
// The status check's wait for an answer. An agent on a busy computer can take longer: past
// this the status is "busy" (the pages ask again), never "not running".
const STATUS_TIMEOUT_MS = 5000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
// A busy agent (503, code busy) says in Retry-After when to come back: a few tries, each
// delay capped, then the caller gets the agent's `busy` error.
const BUSY_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 10000;

export class AgentError extends Error {
  constructor(code, message, status = 0) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

// The agent holds the seller's evidence: only ever send the token to this computer.
export function normaliseAgentUrl(raw) {
  let url;
  try {
    url = new URL(String(raw).trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" || !LOOPBACK_HOSTS.has(url.hostname)) return null;
  return `${url.protocol}//${url.host}`;
}

// Where the agent is and the token to show it, and how they came:
//   via "native": the session the native host handed over (background/native.js), the normal way;
//   via "paired": the opt-in for scripts and setups without native messaging: a token from a
//     pairing code (`iprdesk pair`) and the address set on the options page;
//   no token: `problem` says why native messaging gave none ({ code, message }), and
//     `addressSet` whether the user chose the paired way.
// The one place that reads the token; the upload frame (upload/frame.js) comes here too.
// `retry`: try the host again now even if it failed a moment ago (the user asked);
// `timeoutMs`: how long to wait for a host that is starting.
export async function settings({ retry = false, timeoutMs } = {}) {
  let session = await native.sessionFromStorage();
  let problem = null;
  if (!session) {
    const answer = await native.ready({ retry, timeoutMs });
    session = answer.state === "connected" ? await native.sessionFromStorage() : null;
    problem = answer.state === "connecting" ? { code: "host_starting", message: "" } : answer.problem;
  }
  const agentUrl = session && normaliseAgentUrl(session.agentUrl);
  if (agentUrl) {
    return { agentUrl, token: session.token, via: "native",
             agentVersion: session.agentVersion, hostVersion: session.hostVersion };
  }
  const paired = await chrome.storage.local.get(["agentUrl", "token"]);
  return { agentUrl: paired.agentUrl || DEFAULT_AGENT_URL, token: paired.token || null,
           via: paired.token ? "paired" : null, addressSet: !!paired.agentUrl,
           problem: problem || { code: "host_failed", message: "" } };
}

export async function setAgentUrl(raw) {
  const agentUrl = normaliseAgentUrl(raw);
  if (!agentUrl) throw new AgentError("bad_address", "not a loopback address");
  await chrome.storage.local.set({ agentUrl });
  return agentUrl;
}

// The Retry-After delay (seconds), capped, plus up to a second so that the uploads the agent
// turned away together do not all come back at the same instant.
function busyDelayMs(response) {
  const seconds = Number.parseInt(response.headers.get("Retry-After"), 10);
  const ms = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
  return Math.min(ms, MAX_RETRY_AFTER_MS) + Math.random() * 1000;
}

// One call to the agent. `json` is sent as a JSON body; `body` as is (bytes, FormData).
// Resolves with the parsed JSON (or the raw Response when `raw` is set); throws AgentError.
export async function request(path, options = {}) {
  const { auth = true } = options;
  const where = await settings();
  if (auth && !where.token) {
    if (where.addressSet) throw new AgentError("not_paired", "not paired");
    // In the user's words, with what to do (status() keeps what Chrome or the host said).
    throw new AgentError(where.problem.code, hostProblemText(where.problem));
  }
  try {
    return await send(where, path, options);
  } catch (e) {
    // A native session ends with its port (the host gone, the worker restarted): get a new one.
    if (e.status !== 401 || where.via !== "native") throw e;
    await native.ready({ stale: where.token });
    return send(await settings(), path, options);
  }
}

async function send({ agentUrl, token, via }, path, { method = "GET", json, body, headers = {},
                                                     raw = false, auth = true,
                                                     timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  // The agent words its errors in the language the extension shows.
  const h = { "Accept-Language": chrome.i18n.getUILanguage(), ...headers };
  if (auth) {
    if (!token) throw new AgentError("not_paired", "not paired");
    h.Authorization = `Bearer ${token}`;
  }
  if (json !== undefined) {
    h["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let response;
  for (let tries = 0; ; tries++) {
    try {
      response = await fetch(agentUrl + path, {
        method, headers: h, body, cache: "no-store", credentials: "omit",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const error = new AgentError("agent_unreachable", `the agent at ${agentUrl} did not answer`);
      // Refused: nothing listens there. Timed out: something took the call and was too slow.
      error.timedOut = e?.name === "TimeoutError";
      throw error;
    }
    if (response.status !== 503 || tries >= BUSY_RETRIES) break;
    await new Promise((resolve) => setTimeout(resolve, busyDelayMs(response)));
  }
  if (response.ok && raw) return response;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const err = payload && payload.error ? payload.error : {};
    if (response.status === 401 && via === "paired") await chrome.storage.local.remove("token");
    // err.message is in the extension's language (the Accept-Language sent above).
    throw new AgentError(err.code || `http_${response.status}`,
                         err.message || response.statusText, response.status);
  }
  return payload;
}

// The agent's state in the words the popup and options page show:
//   connected | busy | host-missing | host-broken | not-paired | not-running | error.
// "busy": the agent (or the host starting it) did not answer in time, as on a loaded
// computer. host-*: native messaging cannot be used (`problem` says what Chrome or the host
// said); not-paired / not-running only for the opted-in paired way (an address was set).
const HOST_STATES = { host_missing: "host-missing", host_forbidden: "host-missing",
                      host_failed: "host-broken", host_starting: "busy" };
const unreachable = (e) => (e.timedOut ? "busy" : "not-running");

export async function status({ retry = false } = {}) {
  const where = await settings({ retry, timeoutMs: STATUS_TIMEOUT_MS });
  const { agentUrl, via } = where;
  if (!where.token) {
    if (!where.addressSet) {
      return { state: HOST_STATES[where.problem.code] || "host-broken", agentUrl, via: null,
               problem: where.problem };
    }
    // Tell "not running" from "not paired": the health route answers without a token.
    const state = await send(where, "/v1/health", { auth: false, timeoutMs: STATUS_TIMEOUT_MS })
      .then(() => "not-paired",
            (e) => (e.code === "agent_unreachable" ? unreachable(e) : "not-paired"));
    return { state, agentUrl, via };
  }
  try {
    const health = await request("/v1/health", { timeoutMs: STATUS_TIMEOUT_MS });
    return { state: "connected", agentUrl, via, version: health.version,
             hostVersion: where.hostVersion || null };
  } catch (e) {
    if (e.code === "agent_unreachable" && via === "native") {
      // The session's agent is gone: a new port starts one again (the pages ask again).
      if (!e.timedOut) await native.ready({ stale: where.token, timeoutMs: STATUS_TIMEOUT_MS });
      return { state: "busy", agentUrl, via };
    }
    if (e.code === "agent_unreachable") return { state: unreachable(e), agentUrl, via };
    if (e.status === 401) return { state: "not-paired", agentUrl, via };
    return { state: "error", agentUrl, via, error: e.message };
  }
}

export async function pair(code) {
  const { token } = await request("/v1/pair", { method: "POST", json: { code }, auth: false });
  await chrome.storage.local.set({ token });
}

export async function unpair() {
  await chrome.storage.local.remove("token");
}

export async function sharedData() {
  return request("/v1/shared");
}

// Clean one image (POST /v1/strip): { report, mime, blob }. `body`: the image, as a Blob
// (a File straight from the page: never copied into script) or bytes. HEIC photos come back
// as JPEG (the Panel refuses HEIC). The report travels in a header, base64 of its UTF-8 JSON.
// `page`: the Panel page's address; on a product of an open case the report's `case_check`
// says whether the image looks like a complained one.
export async function stripImage(body, name, page) {
  const query = page ? `&page=${encodeURIComponent(page)}` : "";
  const response = await request(`/v1/strip?heic_to_jpeg=1${query}`, {
    method: "POST", body, timeoutMs: 60000, raw: true,
    headers: { "Content-Type": "application/octet-stream", "X-Filename": encodeURIComponent(name) },
  });
  const report = JSON.parse(new TextDecoder().decode(
    fromBase64(response.headers.get("X-Iprdesk-Report"))));
  return { report, mime: response.headers.get("Content-Type"), blob: await response.blob() };
}

// Seal files into the evidence vault (POST /v1/evidence); works while the vault is locked.
// files: [{ name, type, bytes, meta }] where meta holds per-file fields (kind, sha256...);
// `meta` holds what they share (case, source_url, captured_at...).
export async function addEvidence(files, meta) {
  const form = new FormData();
  const shared = { ...meta, files: files.map((f) => f.meta || {}) };
  form.append("meta", new Blob([JSON.stringify(shared)], { type: "application/json" }));
  for (const f of files) form.append("file", new Blob([f.bytes], { type: f.type }), f.name);
  return request("/v1/evidence", { method: "POST", body: form, timeoutMs: 60000 });
}

export const vaultStatus = () => request("/v1/vault");

// Argon2id takes about half a second on purpose; the passphrase travels only in the body.
export const unlockVault = (passphrase) =>
  request("/v1/vault/unlock", { method: "POST", json: { passphrase }, timeoutMs: 30000 });

// A new vault (Argon2id calibrated, about a second in all), left unlocked.
export const createVault = (passphrase) =>
  request("/v1/vault/init", { method: "POST", json: { passphrase }, timeoutMs: 60000 });

export const changePassphrase = (passphrase, newPassphrase) =>
  request("/v1/vault/passphrase", { method: "POST", timeoutMs: 60000,
                                    json: { passphrase, new_passphrase: newPassphrase } });

export const lockVault = () => request("/v1/vault/lock", { method: "POST" });

// The evidence of a case (all of it without `caseId`); with `limit`, only the newest that many
// items, and `total` says how many there are.
export function listEvidence(caseId, limit) {
  const query = new URLSearchParams();
  if (caseId) query.set("case", caseId);
  if (limit) query.set("limit", String(limit));
  return request(`/v1/vault/items${query.size ? `?${query}` : ""}`);
}

// This browser's time zone (IANA name): the agent shows the times it words for the browser in
// it, not the computer's.
export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

// The appeal bundle (zip) of one case, as bytes; its report's case summary in `lang`, worded
// for the browser (no command) and its times in this browser's zone; with `provenance`, the
// originals and licences behind its images' provenance records too.
export async function exportBundle(caseId, lang, provenance = false) {
  const response = await request("/v1/vault/export", {
    method: "POST", json: { ...(caseId ? { case: caseId } : {}), ...(lang ? { lang } : {}),
                            ...(provenance ? { provenance } : {}), for: "browser",
                            zone: browserZone() },
    raw: true, timeoutMs: 120000 });
  return new Uint8Array(await response.arrayBuffer());
}

// The product page badge for one image (POST /v1/images/assess). `bytes` may be empty when
// the image could not be loaded: its URL alone still says whether it is a live old URL.
export async function assessImage(bytes, url) {
  return request(`/v1/images/assess?url=${encodeURIComponent(url)}`, {
    method: "POST", body: bytes, timeoutMs: 60000,
    headers: { "Content-Type": "application/octet-stream" },
  });
}

// Page map additions (agent/iprdesk/pagemap_local.py): taught pages and an imported map.
export const pagemapAdditions = () => request("/v1/pagemap");
export const teachPage = (taught) => request("/v1/pagemap/taught", { method: "POST", json: taught });
export const forgetTaughtPage = (id) =>
  request(`/v1/pagemap/taught/${encodeURIComponent(id)}`, { method: "DELETE" });
export const forgetImportedPagemap = () => request("/v1/pagemap/imported", { method: "DELETE" });
export const exportPagemap = () => request("/v1/pagemap/export");
// The file's text as it is: the agent checks it.
export const importPagemap = (text) => request("/v1/pagemap/import", {
  method: "POST", body: text, headers: { "Content-Type": "application/json" } });

// A backup of the data directory (POST /v1/backup): the zip's bytes.
export async function makeBackup() {
  const response = await request("/v1/backup", { method: "POST", raw: true, timeoutMs: 300000 });
  return new Uint8Array(await response.arrayBuffer());
}

// Restore a backup (POST /v1/restore); `force` replaces a different vault or newer data
// (the agent moves it aside). Refused with other_vault / restore_would_replace otherwise.
export async function restoreBackup(bytes, force) {
  return request(`/v1/restore${force ? "?force=1" : ""}`, {
    method: "POST", body: bytes, timeoutMs: 300000,
    headers: { "Content-Type": "application/zip" },
  });
}
