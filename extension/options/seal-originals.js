// The agent's setting that seals each image's original into the vault before the upload
// guard or a watched folder cleans it (GET/PUT /v1/provenance/settings, on by default).
import { ask, t } from "../lib/page-common.js";

const box = document.getElementById("seal-originals");
const message = document.getElementById("seal-originals-message");

function say(text, kind) {
  message.textContent = text;
  message.className = `message ${kind}`;
}

ask("provenance.settings").then((settings) => {
  box.checked = settings.seal_originals;
  box.disabled = false;
  box.dataset.loaded = "";
}, (e) => say(t("sealOriginalsUnavailable", e.message), "error"));

box.addEventListener("change", async () => {
  try {
    const settings = await ask("provenance.saveSettings", { sealOriginals: box.checked });
    box.checked = settings.seal_originals;
    say(t("settingSaved"), "ok");
  } catch (e) {
    box.checked = !box.checked;
    say(t("sealOriginalsUnavailable", e.message), "error");
  }
});
