// What the vault allows now: resolves true when it is unlocked; otherwise draws, in `box`, the
// way to open it (with `form`, the password field; else a pointer to the one above, or the desk
// where the vault is created) and resolves false. Unlocking draws the page again.
import { el } from "../lib/dom.js";
import { ask, t } from "../lib/page-common.js";
import { say } from "./drop.js";

export async function vaultGate(box, { signal, refresh }, { form: withForm = false } = {}) {
  const state = await ask("vault.status");
  if (signal.aborted || state.unlocked) return state.unlocked && !signal.aborted;
  if (!state.initialised) {
    const open = el("button", { type: "button", className: "open-desk", textContent: t("caseCreateVault") });
    open.addEventListener("click", () => ask("ui.openDesk", { section: "vault" }).catch(
      () => chrome.tabs.create({ url: chrome.runtime.getURL("desk/desk.html#vault") })), { signal });
    box.append(el("p", { className: "note vault-missing", textContent: t("caseVaultMissing") }), open);
    return false;
  }
  if (!withForm) {
    box.append(el("p", { className: "note vault-locked", textContent: t("caseVaultLockedAbove") }));
    return false;
  }
  const passphrase = el("input", { type: "password", autocomplete: "current-password",
                                   placeholder: t("vaultPassphrase"), name: "passphrase" });
  const message = el("span", { className: "message", role: "status" });
  const form = el("form", { className: "row unlock" }, passphrase,
                  el("button", { type: "submit", textContent: t("vaultUnlock") }), message);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await ask("vault.unlock", { passphrase: passphrase.value });
      await refresh();
    } catch (err) {
      say(message, err.message, "error");
    }
  }, { signal });
  box.append(el("p", { className: "note vault-locked", textContent: t("caseVaultLocked") }), form);
  return false;
}
