// Why native messaging gave no session (background/native.js's `problem`), in the user's
// words: what happened and the command that fixes it. The worker (agent errors, the upload
// guard's toasts through them) and the popup and options page all word it here.
//
// The native host's own errors come keyed (agent/iprdesk/native/host.py sends `code`, `key`,
// plain `params` and the English `message`, which stays for support only): each key the host
// can send has a message below, whose placeholders are the listed params in order;
// tests/test_native_errors.py keeps this table and the host's keys in step.

export const INSTALL_COMMAND = "iprdesk install";
export const DOCTOR_COMMAND = "iprdesk doctor";

const HOLD = ["hostErrorHold", []];
const CONFIG = ["hostErrorConfig", ["path"]];
const PROTOCOL = ["hostErrorProtocol", []];
// host message key -> [extension message, the host's params it shows]. Each message says
// what to do; the command that helps with all of them is DOCTOR_COMMAND, which names the
// problem in detail (reinstalling would not mend a damaged data folder or settings file).
export const HOST_ERRORS = {
  "error.home.unusable": ["hostErrorDataDir", ["home"]],
  "error.config.not_json": CONFIG,
  "error.config.not_object": CONFIG,
  "error.config.unknown_settings": CONFIG,
  "error.native.forbidden_origin": ["hostErrorForbidden", []],
  "error.agent.stopped_while_starting": ["hostErrorAgentStopped", ["code", "log"]],
  "error.agent.start_timeout": ["hostErrorAgentSlow", ["timeout", "log"]],
  "error.native.hold_refused": HOLD,
  "error.native.hold_unconfirmed": HOLD,
  "error.native.agent_silent": HOLD,
  "error.native.header_cut": PROTOCOL,
  "error.native.too_large": PROTOCOL,
  "error.native.body_cut": PROTOCOL,
  "error.native.not_json": PROTOCOL,
  "error.native.not_object": PROTOCOL,
  "error.native.unknown_message": PROTOCOL,
};
// A key this extension does not know yet (a newer iprdesk): the doctor says what it is.
const OTHER = ["hostErrorOther", []];

// { text, command } for a problem the host itself reported, else null (iprdesk missing, or
// a host that ended without a word: the pages' own state texts say those).
export function hostError(problem) {
  if (!problem?.hostCode) return null;
  const [message, names] = HOST_ERRORS[problem.hostKey] || OTHER;
  const params = problem.hostParams || {};
  return { text: chrome.i18n.getMessage(message, names.map((n) => String(params[n] ?? ""))),
           command: DOCTOR_COMMAND };
}

// One sentence for a message or a toast: what happened and what to do about it.
export function hostProblemText(problem) {
  return hostError(problem)?.text || chrome.i18n.getMessage("hostDownFix");
}
