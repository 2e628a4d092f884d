// Product page badges: load each product image as the Panel shows it and ask the agent about
// it. The service worker loads the bytes (its host permissions cover the Joom CDN), so the
// content script only sends URLs and no image travels through a message.
import * as agent from "../agent-client.js";
import { getSharedDataWith } from "../shared-data.js";

const MAX_IMAGES = 60;
const MAX_BYTES = 32 * 1024 * 1024;

async function cdnHosts() {
  const shared = await getSharedDataWith("joomcdn");
  return new Set(shared.joomcdn?.hosts || []);
}

// The image's bytes, or empty when it cannot be loaded (gone, too big, network down).
async function load(url) {
  try {
    const response = await fetch(url, { credentials: "omit" });
    if (!response.ok) return new Uint8Array();
    const length = Number(response.headers.get("content-length") || 0);
    if (length > MAX_BYTES) return new Uint8Array();
    const buffer = await response.arrayBuffer();
    return buffer.byteLength <= MAX_BYTES ? new Uint8Array(buffer) : new Uint8Array();
  } catch {
    return new Uint8Array();
  }
}

export const handlers = {
  // { urls: [...] } -> [{ url, badges, near_duplicate, metadata, old_url, unreadable }]
  // for the URLs on the Joom CDN; any other image on the page is not a product image.
  "images.assess": async ({ urls }) => {
    if (!Array.isArray(urls)) throw new Error("urls must be a list");
    const hosts = await cdnHosts();
    const wanted = [...new Set(urls)].filter((u) => {
      try {
        const url = new URL(u);
        return url.protocol === "https:" && hosts.has(url.hostname);
      } catch {
        return false;
      }
    }).slice(0, MAX_IMAGES);
    return Promise.all(wanted.map(async (url) => agent.assessImage(await load(url), url)));
  },
};
