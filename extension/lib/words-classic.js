// The user's language and the shared texts' templates, once for every context: the content
// scripts (a classic script, listed in the manifest: iprdesk.language, ...), the service worker
// and the extension pages (through lib/words.js). Times are lib/time-classic.js.
globalThis.iprdesk = globalThis.iprdesk || {};
(() => {
  const words = globalThis.iprdesk;

  // "zh_CN" when the browser speaks Chinese, else "en": the languages of the shared texts.
  words.language = () => (chrome.i18n.getUILanguage().toLowerCase().startsWith("zh") ? "zh_CN" : "en");

  // "{firm} files..." with { firm: "X" }: a template of the shared texts, filled. A zero-padded
  // width as Python's format has it ("{month:02}") is honoured: the agent fills the same texts.
  words.format = (template, values) => template.replace(/\{(\w+)(?::0(\d+))?\}/g,
    (_, k, width) => (width ? String(values[k] ?? "").padStart(Number(width), "0") : values[k] ?? ""));
})();
