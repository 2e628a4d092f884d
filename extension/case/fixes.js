// The fixes a failed or unknown preflight check offers in place, also used by the sections that
// show the same things: each builds its controls, ties its listeners to `signal` and, once
// done, has the page read the case again (`refresh`), which runs the preflight anew.
import { actionButton } from "../lib/action-button.js";
import { el } from "../lib/dom.js";
import { ask, t, tn } from "../lib/page-common.js";
import { dropAction, say } from "./drop.js";
import { productPicker } from "./product-page.js";

// The sections a change to the case's evidence or old URLs can alter.
export const AFTER = ["preflight", "documents", "images", "old-urls", "timeline", "drafts", "bundle"];

// Drop the signed agreement or the bank slip: sealed into the vault with its kind, under the case.
export function documentFix(kind, { case: c, signal, refresh }) {
  const message = el("p", { className: "message", role: "status" });
  const zone = dropAction({
    hint: t(kind === "agreement" ? "fixDropAgreement" : "fixDropPayment"), accept: ".pdf,application/pdf",
    signal, name: `fix-${kind}`, message, working: t("evidenceSaving"), refresh, after: AFTER,
    send: (files) => ask("evidence.add", { files, meta: { case: c.id, kind } }) });
  return el("div", { className: "fix", dataset: { fix: kind } }, zone, message);
}

// Drop the new product images: cleaned of metadata by the agent, then sealed as the case's
// product photos, which the preflight compares with the complained pictures.
export function newImagesFix({ case: c, signal, refresh }) {
  const message = el("p", { className: "message", role: "status" });
  const zone = dropAction({
    hint: t("fixDropNewImages"), accept: "image/*", signal, name: "fix-new-images",
    message, working: t("fixCleaning"), refresh, after: AFTER,
    send: (files) => ask("casepage.addNewImages", { caseId: c.id, files }),
    told: ({ items }) => tn("fixImagesAdded", items.length) });
  // Or the images the product page shows now, once the seller has replaced them there.
  const picker = productPicker({ case: c, signal }, { purpose: "new-images", onChosen: async (urls) => {
    const { items } = await ask("casepage.addNewImagesFromPage", { caseId: c.id, urls });
    say(message, tn("fixImagesAdded", items.length));
    await refresh(...AFTER);
  } });
  return el("div", { className: "fix", dataset: { fix: "new-images" } }, zone, picker, message);
}

// Check the old image URLs now: a URL still serving its picture shows what was complained
// about, and the agent keeps that picture to compare the new images with.
export function checkNowButton({ case: c, signal, refresh }, label = "fixCheckNow") {
  const message = el("span", { className: "message", role: "status" });
  const button = el("button", { type: "button", className: "check-now", textContent: t(label) });
  actionButton(button, message, async () => {
    await ask("urls.checkNow", { case: c.id });
    await refresh(...AFTER);
  }, { signal });
  return el("span", {}, button, " ", message);
}

// Paste the old image URLs (one a line, or as the Panel lists them), add them to the case and
// check them at once.
export function oldUrlsFix({ case: c, signal, refresh }) {
  const box = el("textarea", { name: "old-urls", placeholder: t("fixPasteUrlsPlaceholder") });
  const message = el("span", { className: "message", role: "status" });
  const button = el("button", { type: "button", className: "primary add-urls", textContent: t("fixAddAndCheck") });
  actionButton(button, message, async () => {
    const urls = box.value.split(/[\s,]+/).map((u) => u.trim()).filter(Boolean);
    if (!urls.length) {
      say(message, t("fixNoUrls"), "error");
      return false;
    }
    await ask("casepage.addUrls", { caseId: c.id, urls });
    await ask("urls.checkNow", { case: c.id });
    await refresh(...AFTER);
  }, { signal });
  // Or collected from the product pages: the same adding and checking.
  const picker = productPicker({ case: c, signal }, { purpose: "old-urls", onChosen: async (urls) => {
    await ask("casepage.addUrls", { caseId: c.id, urls });
    await ask("urls.checkNow", { case: c.id });
    await refresh(...AFTER);
  } });
  return el("div", { className: "fix", dataset: { fix: "old-urls" } },
            el("div", { className: "what", textContent: t("fixPasteUrls") }), box,
            el("div", { className: "row" }, button, message), picker);
}

// What each check offers when it did not pass, by its id.
export function fixesFor(check, ctx) {
  const [group] = check.id.split(".");
  // Locked, the documents may be there already: the fix is the password above.
  if (group === "agreement" || group === "payment") return ctx.unlocked ? [documentFix(group, ctx)] : [];
  if (check.id === "images.clean") return [newImagesFix(ctx)];
  if (check.id === "images.replaced") {
    // Failed: a new image is a copy; the message names it, the seller replaces it.
    if (check.status === "fail") return [];
    const parts = [];
    if (!ctx.hasNewImages) parts.push(newImagesFix(ctx));
    // Without old URLs, pasting them is the old-URL check's own fix, offered under it.
    if (ctx.case.old_urls.length) {
      parts.push(el("div", { className: "fix", dataset: { fix: "complained" } },
                    el("div", { className: "what", textContent: t("fixComplainedFromUrls") }),
                    checkNowButton(ctx, "fixTakeComplained")));
    }
    return parts;
  }
  if (check.id === "urls.dead") {
    return [ctx.case.old_urls.length
      ? el("div", { className: "fix", dataset: { fix: "check-now" } }, checkNowButton(ctx), oldUrlsFix(ctx))
      : oldUrlsFix(ctx)];
  }
  return [];
}
