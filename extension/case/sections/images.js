// The new product images sealed for the case (cleaned when they were added here) and the
// complained pictures, shown from the old image URLs that served them; a URL whose last check
// found it gone shows that, not what the browser may still have cached.
import { el } from "../../lib/dom.js";
import { ask, t, tn } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";
import { newImagesFix } from "../fixes.js";

export default {
  id: "images",
  titleKey: "caseImages",
  async render(body, ctx) {
    const { case: c, messages, signal } = ctx;
    body.append(el("h3", { textContent: t("caseNewImages") }));
    const fresh = el("div", { className: "new-images" });
    body.append(fresh);
    const vault = await ask("vault.status");
    if (signal.aborted) return;
    if (vault.unlocked) {
      const { items } = await ask("vault.items", { caseId: c.id });
      if (signal.aborted) return;
      const photos = items.filter((i) => i.kind === "photo");
      fresh.append(photos.length
        ? el("ul", { className: "plain photos" }, photos.map((p) => el("li", { dataset: { item: p.id } },
            el("span", { className: "name", textContent: p.original_name || p.id }), " ",
            el("span", { className: "note", textContent: localTime(p.captured_at, messages) }))))
        : el("p", { className: "note none", textContent: t("caseNoNewImages") }));
    } else {
      fresh.append(el("p", { className: "note", textContent: t("caseImagesLocked") }));
    }
    fresh.append(newImagesFix(ctx));
    body.append(el("h3", { textContent: t("caseComplainedImages") }));
    const originals = c.old_urls;
    if (!originals.length) {
      body.append(el("p", { className: "note none", textContent: t("caseNoComplainedImages") }));
      return;
    }
    const { urls } = await ask("casepage.watched", { caseId: c.id });
    if (signal.aborted) return;
    const gone = new Set(urls.filter((w) => ctx.shared.verdicts.gone.includes(w.state)).map((w) => w.url));
    body.append(
      el("div", { className: "thumbs" }, originals.map((url) => el("figure", { dataset: { url } },
        gone.has(url) ? el("div", { className: "gone", textContent: t("caseImageGone") })
          : el("img", { src: url, alt: "", loading: "lazy", referrerPolicy: "no-referrer" }),
        el("figcaption", { textContent: url.split("/").pop() })))),
      el("p", { className: "note", textContent: tn("caseComplainedNote", originals.length) }));
  },
};
