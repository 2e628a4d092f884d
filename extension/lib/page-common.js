// Helpers for the extension's own pages (popup, options).
import { el as make } from "./dom.js";
import { DOCTOR_COMMAND, hostError, INSTALL_COMMAND } from "./host-problem.js";
import { language } from "./words.js";

export const t = (key, ...subs) => chrome.i18n.getMessage(key, subs) || key;

// A message whose first placeholder is a count: `{item|items}` in it takes the word that
// agrees with the number (Chinese messages have no plural and carry no such braces).
export const tn = (key, count, ...subs) => t(key, String(count), ...subs)
  .replace(/\{([^{}|]*)\|([^{}|]*)\}/g, (_, one, other) => (count === 1 ? one : other));

// Fill every element carrying data-i18n with its message, in the browser's language.
export function localise(root = document) {
  document.documentElement.lang = language().replace("_", "-");  // the language shown
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}

// Ask the service worker; resolves with the data or throws { code, message } (the agent
// words its messages in the user's language).
export async function ask(type, payload = {}) {
  const reply = await chrome.runtime.sendMessage({ type, ...payload });
  if (!reply || !reply.ok) {
    const err = new Error(reply?.error?.message || "no answer");
    err.code = reply?.error?.code;
    throw err;
  }
  return reply.data;
}

const STATE_TEXT = {
  checking: ["stateChecking", null],
  busy: ["stateBusy", "stateBusyHelp"],
  connected: ["stateConnected", null],
  "host-missing": ["stateHostMissing", "stateHostMissingHelp"],
  "host-broken": ["stateHostBroken", "stateHostBrokenHelp"],
  "not-running": ["stateNotRunning", "stateNotRunningHelp"],
  "not-paired": ["stateNotPaired", "stateNotPairedHelp"],
  error: ["stateError", null],
};

// Render the agent state in plain words into an element with .title and .help children;
// when iprdesk is not installed for this browser or did not start, what the host said (in the
// user's language) and the command that fixes it. An element with `data-doctor` (the options
// page) also points to `iprdesk doctor`, which checks everything, unless that is the command.
function renderState(el, status) {
  const [title, help] = STATE_TEXT[status.state] || STATE_TEXT.error;
  el.dataset.state = status.state;
  el.querySelector(".title").textContent = t(title);
  let helpText = help ? t(help) : "";
  if (status.state === "connected" && status.version) helpText = t("agentVersion", status.version);
  if (status.state === "error" && status.error) helpText = status.error;
  el.querySelector(".command")?.remove();
  el.querySelector(".doctor")?.remove();
  el.title = "";
  if (status.state.startsWith("host-")) {
    const reported = hostError(status.problem);
    if (reported) helpText = reported.text;
    const command = reported?.command || INSTALL_COMMAND;
    el.append(make("code", { className: "command", textContent: command }));
    if ("doctor" in el.dataset && command !== DOCTOR_COMMAND) {
      el.append(make("p", { className: "doctor", textContent: t("stateDoctorHint") }));
    }
    // What Chrome or the host said, in English: for support, not in the page's words.
    el.title = status.problem?.message || "";
  }
  el.querySelector(".help").textContent = helpText;
}

// Ask the agent's state and show it in `el` until it is known: while the agent is too slow to
// answer ("busy") the page says so and asks again. Resolves with the known state. A person
// is looking: a native host that failed a moment ago is tried again at once.
export async function showStatus(el) {
  for (;;) {
    const status = await ask("agent.status", { retry: true });
    renderState(el, status);
    if (status.state !== "busy") return status;
  }
}
