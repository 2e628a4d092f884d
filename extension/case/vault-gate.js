// What the vault allows now: resolves true when it is unlocked; otherwise draws, in `box`, the
// way to open it (with `form`, the password field; else a pointer to the one above, or the desk
// where the vault is created) and resolves false. Unlocking draws the page again.
import { el } from "../lib/dom.js";
import { ask, t } from "../lib/page-common.js";
import { unlockForm } from "../lib/unlock-form.js";

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
  box.append(el("p", { className: "note vault-locked", textContent: t("caseVaultLocked") }),
             unlockForm({ signal, unlocked: refresh }));
  return false;
}
