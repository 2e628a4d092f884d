// The evidence vault in the browser: create it (a passphrase with feedback on its strength and
// the plain warning that nobody can recover it), unlock, lock and change the passphrase. The
// passphrase goes to the agent in a message body and is never kept here.
import { el } from "../../lib/dom.js";
import { ask, t, tn } from "../../lib/page-common.js";
import { duration } from "../../lib/time.js";
import { unlockForm } from "../../lib/unlock-form.js";
import { language } from "../../lib/words.js";
import { passphraseStrength } from "../passphrase-strength.js";

// Said once after the section draws again (the vault just created).
let news = null;

const STRENGTH_WORDS = { weak: "strengthWeak", fair: "strengthFair", good: "strengthGood",
                         strong: "strengthStrong" };

function say(box, text, kind = "") {
  box.className = `message ${kind}`;
  box.textContent = text;
}

// `form` sent once at a time: its button off and `busy` said while `work` runs; an error is
// said in `message` and the button is on again. `work` checks `signal` after it awaits.
function submits(form, { button, message, busy, signal, ready = () => true }, work) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!ready()) return;
    button.disabled = true;
    say(message, busy);
    try {
      await work();
    } catch (err) {
      if (signal.aborted) return;
      say(message, err.message, "error");
      button.disabled = false;
    }
  }, { signal });
}

function field(id, labelText, autocomplete) {
  const input = el("input", { type: "password", id, autocomplete, spellcheck: false });
  return [input, el("label", { htmlFor: id, textContent: labelText }), input];
}

// A new passphrase typed twice, with the strength of the first; `ready()` says if both agree
// and the vault's rule (its length) is met. `onChange` runs on each keystroke.
function newPassphrase(minimum, signal, onChange) {
  const [first, ...firstField] = field("new-passphrase", t("vaultNewPassphrase"), "new-password");
  const [second, ...secondField] = field("repeat-passphrase", t("vaultRepeatPassphrase"), "new-password");
  const meter = el("meter", { id: "strength-meter", min: 0, max: 4, low: 2, high: 3, optimum: 4, value: 0 });
  const words = el("span", { id: "strength-words", className: "strength-words" });
  const mismatch = el("div", { id: "passphrase-mismatch", className: "message error" });
  const strength = el("div", { className: "strength", dataset: { level: "short" } },
                      el("span", { className: "note", textContent: t("strengthLabel") }), meter, words);
  const show = (changed = true) => {
    const { level, score } = passphraseStrength(first.value, minimum);
    strength.dataset.level = level;
    meter.value = score;
    words.textContent = level === "short" ? t("strengthShort", String(minimum)) : t(STRENGTH_WORDS[level]);
    mismatch.textContent = second.value && second.value !== first.value ? t("vaultMismatch") : "";
    if (changed) onChange();
  };
  for (const input of [first, second]) input.addEventListener("input", () => show(), { signal });
  show(false);
  return {
    nodes: [...firstField, strength, ...secondField, mismatch],
    value: () => first.value,
    ready: () => [...first.value].length >= minimum && first.value === second.value,
  };
}

function createForm(status, { signal, redraw }) {
  const agree = el("input", { type: "checkbox", id: "no-recovery-agree" });
  const button = el("button", { type: "submit", id: "create-vault", className: "primary",
                                textContent: t("vaultCreate"), disabled: true });
  const message = el("div", { id: "vault-message", className: "message", role: "status" });
  const chosen = newPassphrase(status.min_passphrase, signal, () => {
    button.disabled = !(chosen.ready() && agree.checked);
  });
  agree.addEventListener("change", () => { button.disabled = !(chosen.ready() && agree.checked); }, { signal });
  const form = el("form", { id: "create-vault-form", className: "vault-form" },
    el("p", { textContent: t("vaultCreateExplain") }),
    ...chosen.nodes,
    el("p", { id: "no-recovery", className: "warning", role: "note", textContent: t("vaultNoRecovery") }),
    el("label", { className: "check" }, agree, el("span", { textContent: t("vaultNoRecoveryAgree") })),
    el("div", { className: "buttons" }, button), message);
  submits(form, { button, message, busy: t("vaultCreating"), signal,
                  ready: () => chosen.ready() && agree.checked }, async () => {
    await ask("vault.create", { passphrase: chosen.value() });
    if (signal.aborted) return;
    news = t("vaultCreated");
    redraw();
  });
  return form;
}

function changeForm(status, { signal }) {
  const [current, ...currentField] = field("current-passphrase", t("vaultCurrentPassphrase"), "current-password");
  const button = el("button", { type: "submit", id: "change-passphrase", textContent: t("vaultChange"), disabled: true });
  const message = el("div", { id: "change-message", className: "message", role: "status" });
  const chosen = newPassphrase(status.min_passphrase, signal, () => {
    button.disabled = !(chosen.ready() && current.value);
  });
  current.addEventListener("input", () => { button.disabled = !(chosen.ready() && current.value); }, { signal });
  const form = el("form", { id: "change-form", className: "vault-form" }, ...currentField, ...chosen.nodes,
                  el("p", { className: "warning", textContent: t("vaultNoRecovery") }),
                  el("div", { className: "buttons" }, button), message);
  submits(form, { button, message, busy: t("vaultWorking"), signal,
                  ready: () => chosen.ready() && current.value }, async () => {
    await ask("vault.changePassphrase", { passphrase: current.value, newPassphrase: chosen.value() });
    if (signal.aborted) return;
    form.reset();
    for (const input of form.querySelectorAll("input")) input.dispatchEvent(new Event("input"));
    say(message, t("vaultChanged"), "ok");
  });
  return el("details", { id: "change-passphrase-box" },
            el("summary", { textContent: t("vaultChangeTitle") }), form);
}

async function render(container, context) {
  const { status, signal, redraw } = context;
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("deskNeedsAgent") }));
    return;
  }
  const [vault, shared] = await Promise.all([ask("vault.status"), ask("shared.get")]);
  if (signal.aborted) return;
  container.dataset.vault = !vault.initialised ? "missing" : vault.unlocked ? "unlocked" : "locked";
  if (!vault.initialised) {
    container.append(createForm(vault, context));
    return;
  }
  if (!vault.unlocked) {
    container.append(el("p", { id: "vault-state", textContent: tn("vaultLocked", vault.objects) }),
                     unlockForm({ signal, unlocked: redraw }));
    return;
  }
  const lock = el("button", { type: "button", id: "lock", textContent: t("vaultLock") });
  lock.addEventListener("click", async () => {
    lock.disabled = true;
    await ask("vault.lock").catch(() => {});
    if (!signal.aborted) redraw();
  }, { signal });
  const locksIn = vault.locks_in === null ? null : el("p", { className: "note", id: "vault-locks-in",
    textContent: t("vaultLocksIn", duration(vault.locks_in * 1000, shared.messages[language()])) });
  if (news) container.append(el("p", { id: "vault-news", className: "message ok", textContent: news }));
  news = null;
  container.append(...[el("p", { id: "vault-state", textContent: tn("vaultUnlocked", vault.objects) }),
                       locksIn, el("div", { className: "buttons" }, lock), changeForm(vault, context)]
    .filter(Boolean));
}

export default { id: "vault", titleKey: "deskSectionVault", render };
