// Deadline arithmetic and words for the overlays and the popup, from the shared data
// (deadlines.json, lawfirms.json, the agent's messages): the same rules and texts the CLI uses.
globalThis.iprdesk = globalThis.iprdesk || {};
iprdesk.deadlines = (() => {
  const HOUR = 3600 * 1000;

  // A date as the Panel shows it: "2026-11-27 10:00 UTC", "2026/11/27 10:00", "27.11.2026",
  // "2026年11月27日 10:00", with an optional zone (UTC, GMT, +08:00). Without a zone the
  // time is the browser's local time, as the Panel displays it. Returns ms or null.
  function parseDate(text) {
    const t = (text || "").trim();
    let y, mo, d;
    let m = t.match(/(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?/);
    if (m) [, y, mo, d] = m;
    else if ((m = t.match(/\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b/))) [, d, mo, y] = m;
    else return null;
    const time = t.slice(m.index + m[0].length).match(/(\d{1,2}):(\d{2})(?::(\d{2}))?/);
    const [hh, mm, ss] = time ? [time[1], time[2], time[3] || 0].map(Number) : [0, 0, 0];
    const zone = t.match(/\b(UTC|GMT|Z)\b|([+-])(\d{2}):?(\d{2})\s*$/);
    const parts = [Number(y), Number(mo) - 1, Number(d), hh, mm, ss];
    if (parts[1] < 0 || parts[1] > 11 || parts[2] < 1 || parts[2] > 31) return null;
    if (!zone) return new Date(...parts).getTime();
    let ms = Date.UTC(...parts);
    if (zone[2]) ms -= (zone[2] === "-" ? -1 : 1) * (Number(zone[3]) * 60 + Number(zone[4])) * 60000;
    return ms;
  }

  function rule(catalog, id) {
    return catalog.deadlines.deadlines.find((r) => r.id === id);
  }

  // ok | warning | urgent | overdue (due, for reminders), from the rule's warning levels.
  function state(r, msLeft) {
    if (msLeft <= 0) return r.kind === "deadline" ? "overdue" : "due";
    const levels = [...r.warn_before_hours].sort((a, b) => b - a);
    if (msLeft <= levels[levels.length - 1] * HOUR) return "urgent";
    if (msLeft <= levels[0] * HOUR) return "warning";
    return "ok";
  }

  // "1 d 4 h" / "3 小时 20 分钟": the largest units (two by default), words from the agent's
  // messages.
  function duration(ms, messages, unitCount = 2) {
    const total = Math.floor(Math.abs(ms) / 60000);
    const units = messages["time.units"].split("|");
    const parts = [[Math.floor(total / 1440), units[0]], [Math.floor((total % 1440) / 60), units[1]],
                   [total % 60, units[2]]].filter(([n]) => n).slice(0, unitCount);
    const sep = units[0].length === 1 ? " " : "";
    return (parts.length ? parts : [[0, units[2]]]).map(([n, u]) => `${n}${sep}${u}`).join(" ");
  }

  const firmKey = (name) => name.toLowerCase().replace(/ and /g, " & ").replace(/[^a-z0-9&]+/g, " ")
    .split(" ").filter((w) => w && !["ltd", "llc", "llp", "pa", "p", "a", "pc", "inc", "law", "firm", "the"].includes(w))
    .join(" ");

  // The known Schedule A firm named in a complainant, as iprdesk.cases.schedule_a_firm does.
  function scheduleAFirm(catalog, complainant) {
    const text = ` ${firmKey(complainant || "")} `;
    for (const firm of catalog.lawfirms.firms) {
      for (const name of [firm.name, ...firm.aliases]) {
        const key = firmKey(name);
        if (key && text.includes(` ${key} `)) return firm.name;
      }
    }
    return null;
  }

  const format = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");

  return { HOUR, parseDate, rule, state, duration, scheduleAFirm, format };
})();
