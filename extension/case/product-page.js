// The images the case's product pages show on the Panel (read by the service worker in a
// background tab, background/product-page.js), to choose from: the old image URLs to watch
// and check, or the new images to keep. `onChosen(urls)` does the work with the chosen ones.
import { el } from "../lib/dom.js";
import { ask, t } from "../lib/page-common.js";
import { say } from "./drop.js";

const PROBLEMS = { not_shown: "casePageNotShown", unconfirmed: "casePageUnconfirmed",
                   unreadable: "casePageUnreadable" };

function productImages(found, ticked) {
  return found.map((p) => el("div", { className: "product-page", dataset: { product: p.product } },
    el("div", { className: "what", textContent: t("casePageOfProduct", p.product) }),
    // Images read from a page not seen to finish loading: offered, said to be maybe not all.
    p.problem === "incomplete" ? el("p", { className: "note warning incomplete",
                                           textContent: t("casePageIncomplete", p.product) }) : null,
    PROBLEMS[p.problem] ? el("p", { className: "message error", textContent: t(PROBLEMS[p.problem], p.product) })
      : !p.images.length ? el("p", { className: "note none", textContent: t("casePageNoImages") })
        : el("div", { className: "thumbs" }, p.images.map((url) => el("figure", { dataset: { url } },
          el("label", {},
             el("img", { src: url, alt: "", loading: "lazy", referrerPolicy: "no-referrer" }),
             el("span", { className: "pick" }, el("input", { type: "checkbox", value: url, checked: ticked }),
                " ", url.split("/").pop())))))));
}

// `purpose`: "old-urls" (every image ticked: before the replacement they are the old ones) or
// "new-images" (none ticked).
export function productPicker({ case: c, signal }, { purpose, onChosen }) {
  const old = purpose === "old-urls";
  const read = el("button", { type: "button", className: "read-page",
                              textContent: t(old ? "caseCollectFromPage" : "casePickFromPage") });
  const message = el("span", { className: "message", role: "status" });
  const choices = el("div", { className: "page-images" });
  const take = el("button", { type: "button", className: "primary take", hidden: true,
                              textContent: t(old ? "caseAddPageUrls" : "caseAddPageImages") });
  read.addEventListener("click", async () => {
    read.disabled = true;
    take.hidden = true;
    choices.replaceChildren();
    say(message, t("caseReadingPage"), "");
    try {
      const { products } = await ask("casepage.productImages", { caseId: c.id });
      if (signal.aborted) return;
      choices.append(...productImages(products, old));
      const any = products.some((p) => p.images.length);
      if (any) choices.append(el("p", { className: "note", textContent: t(old ? "casePageOldNote" : "casePageNewNote") }));
      take.hidden = !any;
      say(message, "", "");
    } catch (e) {
      say(message, e.message, "error");
    }
    read.disabled = false;
  }, { signal });
  take.addEventListener("click", async () => {
    const urls = [...choices.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
    if (!urls.length) {
      say(message, t("casePageNoneChosen"), "error");
      return;
    }
    take.disabled = true;
    say(message, t(old ? "checking" : "fixCleaning"), "");
    try {
      await onChosen(urls);
    } catch (e) {
      if (!signal.aborted) say(message, e.message, "error");
    }
    take.disabled = false;
  }, { signal });
  return el("div", { className: "from-page", dataset: { fromPage: purpose } },
            el("div", { className: "row" }, read, message), choices, el("div", { className: "row" }, take));
}
