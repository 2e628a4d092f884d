// lib/dom-classic.js's el() for the extension's module pages: the one implementation, loaded
// for its side effect and handed on.
import "./dom-classic.js";

export const { el } = globalThis.iprdesk;
