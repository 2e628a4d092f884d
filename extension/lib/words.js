// lib/words-classic.js for the extension's modules (service worker, pages): the one
// implementation, loaded for its side effect and handed on.
import "./words-classic.js";

export const { language, format } = globalThis.iprdesk;
