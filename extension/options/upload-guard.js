// The upload guard's setting: block image uploads while the agent cannot clean them.
import { ask, t } from "../lib/page-common.js";

const box = document.getElementById("block-when-agent-down");
const message = document.getElementById("upload-guard-message");

ask("upload.settings").then((settings) => {
  box.checked = settings.blockWhenAgentDown;
  box.dataset.loaded = "";
});

box.addEventListener("change", async () => {
  const settings = await ask("upload.saveSettings", { blockWhenAgentDown: box.checked });
  box.checked = settings.blockWhenAgentDown;
  message.textContent = t("settingSaved");
  message.className = "message ok";
});
