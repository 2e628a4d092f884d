// Product page badges: load each product image as the Panel shows it and ask the agent about
// it. The service worker loads the bytes (its host permissions cover the Joom CDN), so the
// content script only sends URLs and no image travels through a message.
import { sha256Hex } from "../../lib/bytes.js";
import * as agent from "../agent-client.js";
import { fetchImage, onCdn } from "../product-page.js";

const MAX_IMAGES = 60;

export const handlers = {
  // { urls: [...] } -> [{ url, badges, near_duplicate, metadata, old_url, unreadable, sha256 }]
  // for the URLs on the Joom CDN; any other image on the page is not a product image.
  // `sha256`: of the image as the Panel shows it (its provenance record's key), null when
  // it could not be loaded.
  "images.assess": async ({ urls }) => {
    if (!Array.isArray(urls)) throw new Error("urls must be a list");
    const wanted = (await onCdn(urls)).slice(0, MAX_IMAGES);
    return Promise.all(wanted.map(async (url) => {
      const bytes = await fetchImage(url);
      const found = await agent.assessImage(bytes, url);
      return { ...found, sha256: bytes.length ? await sha256Hex(bytes) : null };
    }));
  },
};
