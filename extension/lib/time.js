// lib/time-classic.js for the extension's modules (service worker, pages): the one
// implementation, loaded for its side effect and handed on. Each takes the agent's messages
// in the user's language (`shared.messages[language()]`).
import "./words-classic.js";
import "./time-classic.js";

export const { localTime, localDate, isoLocal, duration, countdown, timeLeft, zoneName } = globalThis.iprdesk;
