// The user's language and the words for times, once for every context: the content scripts
// (a classic script, listed in the manifest: iprdesk.language, ...), the service worker and the
// extension pages (through lib/words.js).
globalThis.iprdesk = globalThis.iprdesk || {};
(() => {
  const words = globalThis.iprdesk;

  // "zh_CN" when the browser speaks Chinese, else "en": the languages of the shared texts.
  words.language = () => (chrome.i18n.getUILanguage().toLowerCase().startsWith("zh") ? "zh_CN" : "en");

  // "{firm} files..." with { firm: "X" }: a template of the shared texts, filled.
  words.format = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");

  // "1 d 4 h" / "3 小时 20 分钟": the largest units (two by default), in the words of the
  // agent's messages (`time.units`); the agent's casework/deadlines.py:duration_text says the
  // same for the CLI.
  words.duration = (ms, messages, unitCount = 2) => {
    const total = Math.floor(Math.abs(ms) / 60000);
    const units = messages["time.units"].split("|");
    const parts = [[Math.floor(total / 1440), units[0]], [Math.floor((total % 1440) / 60), units[1]],
                   [total % 60, units[2]]].filter(([n]) => n).slice(0, unitCount);
    const sep = units[0].length === 1 ? " " : "";
    return (parts.length ? parts : [[0, units[2]]]).map(([n, u]) => `${n}${sep}${u}`).join(" ");
  };

  // "in 3 h 20 min" / "2 d 4 h ago".
  words.countdown = (ms, messages) =>
    words.format(messages[ms <= 0 ? "time.ago" : "time.in"], { duration: words.duration(ms, messages) });

  // A time a person reads: local, to the minute, with the zone's name (the Panel may state its
  // dates in another zone).
  words.localTime = (time) => new Date(time).toLocaleString(words.language().replace("_", "-"), {
    year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
    timeZoneName: "short" });
})();
