// Back up the agent's data directory (a download) and restore one (pick a file, confirm).
// A restore that would replace a different vault or newer data asks once more before
// telling the agent to go ahead (what it replaces is moved aside, never deleted).
import { el } from "../lib/dom.js";
import { fromBase64, toBase64 } from "../lib/bytes.js";
import { ask, t, tn } from "../lib/page-common.js";
import { language } from "../lib/words.js";

const $ = (id) => document.getElementById(id);
const message = $("backup-message");
const confirmBox = $("restore-confirm");
const REPLACING = new Set(["other_vault", "restore_would_replace"]);

function say(text, kind) {
  message.textContent = text;
  message.className = `message ${kind}`;
}

function backupName() {
  const day = new Date().toLocaleDateString("sv");  // YYYY-MM-DD, local date
  return `iprdesk-backup-${day}.zip`;
}

$("make-backup").addEventListener("click", async () => {
  say(t("backupWorking"), "");
  try {
    const { data } = await ask("backup.make");
    const name = backupName();
    const url = URL.createObjectURL(new Blob([fromBase64(data)], { type: "application/zip" }));
    el("a", { href: url, download: name }).click();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say(t("backupDownloaded", name), "ok");
  } catch (e) {
    say(t("backupFailed", e.message), "error");
  }
});

let chosen = null;

function askToConfirm(question, goLabel, force) {
  $("restore-question").textContent = question;
  $("restore-go").textContent = goLabel;
  $("restore-go").dataset.force = force ? "1" : "";
  confirmBox.hidden = false;
}

$("restore-backup").addEventListener("click", () => $("restore-backup-file").click());
$("restore-backup-file").addEventListener("change", (event) => {
  [chosen] = event.target.files;
  event.target.value = "";
  if (!chosen) return;
  say("", "");
  askToConfirm(t("backupRestoreQuestion", chosen.name), t("backupRestoreGo"), false);
});

$("restore-cancel").addEventListener("click", () => {
  confirmBox.hidden = true;
  chosen = null;
  say(t("backupRestoreCancelled"), "");
});

$("restore-go").addEventListener("click", async () => {
  const force = $("restore-go").dataset.force === "1";
  confirmBox.hidden = true;
  say(t("backupWorking"), "");
  try {
    const data = toBase64(new Uint8Array(await chosen.arrayBuffer()));
    const result = await ask("backup.restore", { data, force });
    chosen = null;
    // Chinese sentences follow each other without a space.
    const gap = language() === "zh_CN" ? "" : " ";
    say(tn("backupRestored", result.files) + (result.previous
      ? gap + t("backupRestoredPrevious", result.previous) : ""), "ok");
  } catch (e) {
    if (REPLACING.has(e.code) && !force) {
      const key = e.code === "other_vault" ? "backupOtherVault" : "backupWouldReplace";
      askToConfirm(t(key), t("backupReplaceGo"), true);
      say("", "");
      return;
    }
    chosen = null;
    say(t("backupFailed", e.message), "error");
  }
});
