// The native messaging channel (CONTRIBUTING "Native messaging"): Chrome starts iprdesk's host
// `com.iprdesk.agent` for this extension alone (the host manifest's allowed_origins), the host
// starts or reuses the agent and hands over a session: the agent's loopback address and a
// token valid while this port stays open. The worker holds the port; the session lives in
// chrome.storage.session, which only the extension's pages and the worker can read.
// `background/agent-client.js` is the one reader of the token (`sessionFromStorage` below).
//
// In the worker `ready()` connects (or waits for the connection under way); an extension page
// asks the worker the same over runtime messaging ("native.ready").
import { requireExtensionPage } from "./senders.js";

export const HOST_NAME = "com.iprdesk.agent";
export const SESSION_KEY = "nativeSession";
// Set once a host has handed over a session: iprdesk is installed here, so the upload guard's
// "block when unavailable" becomes the default (background/upload-clean.js).
export const SEEN_WORKING_KEY = "nativeSeenWorking";

// Reconnecting after a failure: 1 s, doubling, at most 30 s. After a working port drops (the
// agent went away, the host ended) the first try is at once.
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30000;
// A caller that finds no session tries again by itself no more often than this (a broken host
// costs a process start each time); `retry` (the user asked: "check again") always does.
const ON_DEMAND_MS = 2000;
// How long a caller waits for a connection under way: the host may be starting the agent.
const READY_TIMEOUT_MS = 15000;

const IN_WORKER = typeof ServiceWorkerGlobalScope !== "undefined" &&
  globalThis instanceof ServiceWorkerGlobalScope;

// What Chrome says when it cannot run the host (chrome.runtime.lastError), in our codes. Anything
// else (the host exited, wrote garbage, could not start) is host_failed.
const CHROME_ERRORS = [
  [/not found/i, "host_missing"],
  [/forbidden/i, "host_forbidden"],
];

let port = null;
let session = null;       // the session of `port`, once it came
// { code, message, hostCode?, hostKey?, hostParams? } of the last failure, until a session
// comes; host* when the host itself said what went wrong.
let problem = null;
let lastAttempt = 0;
let retryMs = FIRST_RETRY_MS;
let retryTimer = null;
let waiters = [];
let onSession = () => {};
const chunks = new Map();  // chunk id -> pieces of a message larger than 1 MB

// The stored session, or null: { agentUrl, token, agentVersion, hostVersion, protocol }.
export async function sessionFromStorage() {
  const { [SESSION_KEY]: stored } = await chrome.storage.session.get(SESSION_KEY);
  return stored || null;
}

function outcome() {
  if (session) return { state: "connected" };
  if (port) return { state: "connecting" };
  return { state: "failed", problem };
}

function settle() {
  const answer = outcome();
  for (const resolve of waiters) resolve(answer);
  waiters = [];
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(connect, retryMs);
  retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
}

async function accept(message) {
  session = {
    agentUrl: String(message.agent_url), token: String(message.token),
    agentVersion: message.agent_version || null, hostVersion: message.host_version || null,
    protocol: message.protocol ?? null,
  };
  problem = null;
  retryMs = FIRST_RETRY_MS;
  await chrome.storage.session.set({ [SESSION_KEY]: session });
  await chrome.storage.local.set({ [SEEN_WORKING_KEY]: true });
  onSession();
}

// A message larger than Chrome's 1 MB comes as chunks whose `data`, joined in order, is its JSON.
function reassemble({ id, index, count, data }) {
  const pieces = chunks.get(id) || [];
  pieces[index] = String(data);
  chunks.set(id, pieces);
  if (pieces.filter((p) => p !== undefined).length < count) return null;
  chunks.delete(id);
  return JSON.parse(pieces.join(""));
}

async function receive(from, message) {
  if (from !== port || !message) return;
  if (message.type === "chunk") {
    const whole = reassemble(message);
    if (whole) await receive(from, whole);
    return;
  }
  if (message.type === "session") {
    await accept(message);
    settle();
  } else if (message.type === "error") {
    // The host refused or could not start the agent; it ends after saying so. Its key and
    // plain params are worded in the user's language by lib/host-problem.js; its English
    // message is kept for support.
    const params = message.params && typeof message.params === "object" ? message.params : {};
    problem = { code: "host_failed", message: String(message.message || message.code || ""),
                hostCode: String(message.code || "error"),
                hostKey: typeof message.key === "string" ? message.key : null,
                hostParams: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) };
  } else if (message.type === "agent_lost") {
    // The host ends and the token with it: the next port starts an agent again.
    await forget();
  }
}

async function forget() {
  session = null;
  await chrome.storage.session.remove(SESSION_KEY);
}

async function dropped(from) {
  if (from !== port) return;
  const chromeError = chrome.runtime.lastError?.message || "";
  const wasWorking = session !== null;
  port = null;
  chunks.clear();
  await forget();
  if (wasWorking) {
    retryMs = FIRST_RETRY_MS;
    problem = null;
    connect();  // the agent went away or the host ended: a new port starts them again
    return;
  }
  if (!problem) {
    const [, code] = CHROME_ERRORS.find(([re]) => re.test(chromeError)) || [null, "host_failed"];
    problem = { code, message: chromeError };
  }
  settle();
  scheduleRetry();
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = null;
  if (port) return;
  lastAttempt = Date.now();
  let opened;
  try {
    opened = chrome.runtime.connectNative(HOST_NAME);
  } catch (e) {  // no nativeMessaging permission, or no such API
    problem = { code: "host_failed", message: String(e.message || e) };
    settle();
    scheduleRetry();
    return;
  }
  port = opened;
  opened.onMessage.addListener((message) => {
    receive(opened, message).catch((e) => {
      problem = { code: "host_failed", message: String(e.message || e) };
      opened.disconnect();
      dropped(opened);
    });
  });
  opened.onDisconnect.addListener(() => dropped(opened));
}

// { state: "connected" } once a session is stored; { state: "connecting" } if none came within
// `timeoutMs`; { state: "failed", problem: { code, message } } when the host cannot be used.
// `retry`: connect now even if the last try failed a moment ago. `stale`: a token the agent
// refused: that session is over, get another.
export async function ready({ retry = false, stale = null, timeoutMs = READY_TIMEOUT_MS } = {}) {
  if (!IN_WORKER) {
    const reply = await chrome.runtime.sendMessage({ type: "native.ready", retry, stale, timeoutMs });
    if (!reply?.ok) return { state: "failed", problem: reply?.error || null };
    return reply.data;
  }
  // A fresh session the agent refuses is not made better by another at once (and a refresh
  // that each new session starts must not loop): at most one per ON_DEMAND_MS.
  if (stale && session?.token === stale && port && Date.now() - lastAttempt >= ON_DEMAND_MS) {
    const old = port;
    old.disconnect();  // Chrome fires no onDisconnect for our own disconnect()
    await dropped(old);  // a working port: connects again at once
  }
  if (session) return outcome();
  if (retry) retryMs = FIRST_RETRY_MS;  // someone looks: a fix they just made shows soon
  if (!port && (retry || Date.now() - lastAttempt >= ON_DEMAND_MS)) connect();
  if (!port) return outcome();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiters = waiters.filter((w) => w !== done);
      resolve(outcome());
    }, timeoutMs);
    const done = (answer) => {
      clearTimeout(timer);
      resolve(answer);
    };
    waiters.push(done);
  });
}

// The worker's start: a session from an earlier life of the worker died with its port.
// `sessionStarted()` runs at each new session (a new agent may have new shared data).
export function start(sessionStarted) {
  onSession = sessionStarted;
  chrome.storage.session.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});
  forget().finally(connect);
}

// From the extension's pages only: a Panel tab has no use for it, and must not make the
// browser start a broken host again and again.
export const handlers = {
  "native.ready": ({ retry, stale, timeoutMs }, sender) => {
    requireExtensionPage(sender);
    return ready({ retry: retry === true, stale: typeof stale === "string" ? stale : null,
                   timeoutMs: Math.min(Number(timeoutMs) || READY_TIMEOUT_MS, READY_TIMEOUT_MS) });
  },
};
