// The vault's unlock form, one for the desk, the case page and the popup: the passphrase goes
// to the agent in a message body and is never kept here. While the agent works (Argon2id takes
// about half a second on purpose) the button is off and the form says so; a wrong passphrase
// is said beside it in the user's language and selected for typing again; once unlocked,
// `unlocked()` draws the page anew. Its listeners end with `signal`.
import { el } from "./dom.js";
import { ask, t } from "./page-common.js";

function say(box, text, kind = "") {
  box.className = `message ${kind}`;
  box.textContent = text;
}

export function unlockForm({ signal, unlocked }) {
  const passphrase = el("input", { type: "password", id: "passphrase", name: "passphrase",
                                   autocomplete: "current-password", spellcheck: false });
  const button = el("button", { type: "submit", id: "unlock", className: "primary",
                                textContent: t("vaultUnlock") });
  const message = el("div", { id: "vault-message", className: "message", role: "status" });
  const form = el("form", { id: "unlock-form", className: "unlock-form" },
                  el("label", { htmlFor: "passphrase", textContent: t("vaultPassphrase") }),
                  el("div", { className: "unlock-row" }, passphrase, button), message);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    button.disabled = true;
    say(message, t("vaultWorking"));
    try {
      await ask("vault.unlock", { passphrase: passphrase.value });
    } catch (err) {
      if (signal?.aborted) return;
      say(message, err.message, "error");
      button.disabled = false;
      passphrase.select();
      return;
    }
    passphrase.value = "";
    if (!signal?.aborted) await unlocked();
  }, { signal });
  return form;
}
