// The images a Panel product page shows, read for the case page (collect a case's old image
// URLs, pick its new images): the product's edit page (the page map's productEditPath) in the
// seller's open tab, else in a background tab opened for the reading and closed after it. The
// page's own content script (content/pages/product-edit.js) answers with the images it shows;
// only those on the Joom CDN are product images (shared/joomcdn.json). The Panel is read as the
// seller sees it, signed in with their browser: no other way reaches it.
import { getSharedDataWith } from "./shared-data.js";

const LOAD_MS = 45000;  // the content script waits up to 15 s more for the page to settle itself
const RETRY_MS = 300;

const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

// The product images among `urls`: those on the Joom CDN's hosts (shared/joomcdn.json).
export async function onCdn(urls) {
  const { joomcdn } = await getSharedDataWith("joomcdn");
  const hosts = new Set(joomcdn?.hosts || []);
  return [...new Set(urls)].filter((u) => {
    try {
      const url = new URL(u);
      return url.protocol === "https:" && hosts.has(url.hostname);
    } catch {
      return false;
    }
  });
}

// A product image's bytes as the CDN serves it, or empty when it cannot be loaded (gone, too
// big, network down). The service worker's host permissions cover the CDN.
export async function fetchImage(url) {
  try {
    const response = await fetch(url, { credentials: "omit" });
    if (!response.ok) return new Uint8Array();
    const length = Number(response.headers.get("content-length") || 0);
    if (length > MAX_IMAGE_BYTES) return new Uint8Array();
    const buffer = await response.arrayBuffer();
    return buffer.byteLength <= MAX_IMAGE_BYTES ? new Uint8Array(buffer) : new Uint8Array();
  } catch {
    return new Uint8Array();
  }
}

async function editPage(product) {
  const { pagemap } = await getSharedDataWith("pagemap");
  const path = Object.values(pagemap.pages).find((p) => p.productEditPath)?.productEditPath;
  return new URL(path.replace("{id}", encodeURIComponent(product)), pagemap.origin).href;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The content script's answer, asked again until it is there (the page still loading).
async function ask(tabId, until) {
  for (;;) {
    try {
      const answer = await chrome.tabs.sendMessage(tabId, { type: "productPage.images" });
      if (answer) return answer;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
    if (Date.now() > until) return null;
    await pause(RETRY_MS);
  }
}

// { product, page, images: [CDN URLs], problem: null | "not_shown" | "unconfirmed" |
// "incomplete" | "unreadable" }: "not_shown" when the Panel showed another page (signed out,
// a product of another store), "unconfirmed" when the page showed no product image and was
// not seen to settle (still loading at the bound, or its requests not all visible:
// content/main.js), so it may yet have; "incomplete" when it showed images but was not seen to
// settle, so it may show more; "unreadable" when the page never answered.
export async function productImages(product) {
  const page = await editPage(product);
  const [open] = await chrome.tabs.query({ url: page.split("#")[0] });
  const tab = open || await chrome.tabs.create({ url: page, active: false });
  try {
    const answer = await ask(tab.id, Date.now() + LOAD_MS).catch(() => null);
    if (!answer) return { product, page, images: [], problem: "unreadable" };
    // The Panel may add to the address; it still names the product.
    const shown = answer.recognised && decodeURIComponent(answer.page).includes(product);
    const images = shown ? await onCdn(answer.images) : [];
    // A page not seen to settle may still show (more of) the product's images.
    const problem = !answer.settled ? (images.length ? "incomplete" : "unconfirmed")
      : images.length || shown ? null : "not_shown";
    return { product, page, images, problem };
  } finally {
    if (!open) chrome.tabs.remove(tab.id).catch(() => {});
  }
}
