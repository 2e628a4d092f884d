// The case's pictures, each a thumbnail the agent made (casework/case_images.py): the new product
// images sealed for the case (only while the vault is unlocked: locked, the page says so), the
// copies of a complained image uploaded anyway (each to be taken off the product, then checked
// gone from its page here), and the complained pictures, those the old image URLs served (a URL
// whose last check found it gone shows that) and those the seller dropped as files.
import { el } from "../../lib/dom.js";
import { ask, t, tn } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";
import { dropAction, say } from "../drop.js";
import { newImagesFix } from "../fixes.js";

const AFTER = ["images", "preflight", "timeline", "drafts"];

// The thumbnail, else a box saying why there is none.
function picture(thumbnail, instead) {
  return thumbnail ? el("img", { src: thumbnail, alt: "" })
    : el("div", { className: "no-picture", textContent: instead });
}

function newImages(found, messages) {
  if (found.vault !== "unlocked") return el("p", { className: "note locked", textContent: t("caseImagesLocked") });
  if (!found.new.length) return el("p", { className: "note none", textContent: t("caseNoNewImages") });
  return el("ul", { className: "plain thumbs photos" }, found.new.map((p) => el("li", { dataset: { item: p.id } },
    picture(p.thumbnail, t("caseNoThumbnail")),
    el("figcaption", {}, el("span", { className: "name", textContent: p.name }), el("br"),
       el("span", { className: "note", textContent: localTime(p.added_at, messages) })))));
}

// Why a removal could not be checked (casework/case_images.py REMOVAL_PROBLEMS).
const REMOVAL_PROBLEMS = { not_shown: "caseRemovalNotShown", unconfirmed: "caseRemovalUnconfirmed",
                           incomplete: "caseRemovalIncomplete", unreadable: "caseRemovalUnreadable", unfetched: "caseRemovalUnfetched",
                           no_pages: "caseRemovalNoPages" };

// What is known of a copy: uploaded, removed as a check saw, or removed on the seller's word.
function copyState(p, messages) {
  if (p.state !== "removed") return t("caseCopyUploadedAt", localTime(p.uploaded_at, messages));
  if (p.removal === "checked") return t("caseCopyRemovedAt", localTime(p.removed_at, messages));
  return t("caseCopyRemovedStated", localTime(p.removed_at, messages),
           t(REMOVAL_PROBLEMS[p.removal_problem] || "caseRemovalUnreadable"));
}

// Copies uploaded anyway: each with the complained picture it is like, and, until a check of
// the product pages has seen it gone, the way to have it checked (the agent reads what the
// pages show; what it cannot read leaves the removal the seller's word, said so).
function copies(found, { case: c, messages, signal, refresh }) {
  if (!found.caught.length) return null;
  const message = el("p", { className: "message", role: "status" });
  const figures = found.caught.map((p) => {
    const stated = p.state === "removed" && p.removal !== "checked";
    const figure = el("figure", { dataset: { caught: p.id, state: p.state, removal: p.removal || "" } },
      picture(p.thumbnail, t("caseNoThumbnail")),
      el("figcaption", {}, el("span", { className: "name", textContent: p.name }), el("br"),
         el("span", { className: "note", textContent: t("caseCopyLike", p.like.split("/").pop()) }), el("br"),
         el("span", { className: stated ? "note stated" : "note", textContent: copyState(p, messages) })));
    if (p.state === "uploaded" || stated) {
      const remove = el("button", { type: "button", className: "remove-copy",
                                    textContent: t(stated ? "caseCopyCheckAgain" : "caseCopyRemove") });
      remove.addEventListener("click", async () => {
        remove.disabled = true;
        say(message, t("caseReadingPage"), "");
        try {
          await ask("casepage.copyRemoved", { caseId: c.id, caughtId: p.id });
          await refresh(...AFTER);
        } catch (e) {
          say(message, e.message, "error");
          remove.disabled = false;
        }
      }, { signal });
      figure.append(remove);
    }
    return figure;
  });
  const open = found.caught.some((p) => p.removal !== "checked");
  return el("div", { className: "copies" }, el("h3", { textContent: t("caseCopiesUploaded") }),
            open ? el("p", { className: "hint", textContent: t("caseCopiesAbout") }) : null,
            el("div", { className: "thumbs" }, figures), message);
}

function complained(found, { case: c, shared, signal, refresh }) {
  const gone = new Set(shared.verdicts.gone);
  const shown = found.complained;
  const message = el("p", { className: "message", role: "status" });
  const drop = dropAction({
    hint: t("caseDropComplained"), accept: "image/*", signal, name: "complained",
    message, working: t("evidenceSaving"), refresh, after: AFTER,
    send: (files) => ask("casepage.addComplained", { caseId: c.id, files }),
    told: ({ items }) => tn("caseComplainedAdded", items.length) });
  // A URL found gone says so: over the picture it first served when there was one.
  const figure = (p) => {
    const ended = p.source === "url" && (gone.has(p.state) || p.state === "done");
    const seen = p.thumbnail ? picture(p.thumbnail)
      : ended ? null : picture(null, t(p.source !== "url" ? "caseNoThumbnail"
        : p.served ? "caseThumbnailLater" : "caseNotServedYet"));
    return el("figure", { dataset: p.source === "url" ? { url: p.url, source: "url" } : { complained: p.id, source: "file" } },
      seen, ended ? el("div", { className: seen ? "gone over" : "gone", textContent: t("caseImageGone") }) : null,
      el("figcaption", { textContent: p.name }));
  };
  const kept = shown.filter((p) => p.thumbnail).length;
  return [
    shown.length ? el("div", { className: "thumbs complained" }, shown.map(figure))
      : el("p", { className: "note none", textContent: t("caseNoComplainedImages") }),
    kept ? el("p", { className: "note", textContent: tn("caseComplainedNote", kept) }) : null,
    el("div", { className: "fix", dataset: { fix: "complained-files" } }, drop, message)];
}

export default {
  id: "images",
  titleKey: "caseImages",
  async render(body, ctx) {
    const { case: c, messages, signal } = ctx;
    const found = await ask("casepage.images", { caseId: c.id });
    if (signal.aborted) return;
    body.append(...[el("h3", { textContent: t("caseNewImages") }),
                    el("div", { className: "new-images" }, newImages(found, messages), newImagesFix(ctx)),
                    copies(found, ctx),
                    el("h3", { textContent: t("caseComplainedImages") }),
                    ...complained(found, ctx)].filter(Boolean));
  },
};
