import { ask, localise, showStatus, t } from "../lib/page-common.js";

const $ = (id) => document.getElementById(id);

function say(el, text, kind) {
  el.textContent = text;
  el.className = `message ${kind}`;
}

// Don't overwrite an address the user is typing while the status loads.
let addressEdited = false;
$("agent-url").addEventListener("input", () => { addressEdited = true; });

async function refresh() {
  const status = await showStatus($("state"));
  // The address of the paired way only: a native session's agent moves with each start.
  if (!addressEdited) $("agent-url").value = status.via === "native" ? "" : status.agentUrl;
  // Opted into the paired way (paired, or an address set): its settings stay in sight.
  const paired = status.via === "paired" || ["not-paired", "not-running"].includes(status.state);
  if (paired) $("advanced").open = true;
  $("unpair").hidden = status.via !== "paired";
  return status;
}

$("pair-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = $("code").value.trim();
  if (!code) return;
  try {
    await ask("agent.pair", { code });
    $("code").value = "";
    say($("pair-message"), t("pairedOk"), "ok");
  } catch (e) {
    say($("pair-message"), e.message, "error");
  }
  await refresh();
});

$("unpair").addEventListener("click", async () => {
  await ask("agent.unpair");
  say($("pair-message"), t("unpairedOk"), "ok");
  await refresh();
});

$("address-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await ask("agent.setAddress", { agentUrl: $("agent-url").value });
    say($("address-message"), t("addressSaved"), "ok");
  } catch {
    say($("address-message"), t("addressInvalid"), "error");
  }
  addressEdited = false;
  await refresh();
});

$("refresh").addEventListener("click", refresh);

localise();
refresh();
