// Times as a person reads them, once for every context: the content scripts (a classic script,
// listed in the manifest after words-classic.js: iprdesk.localTime, ...), the service worker
// and the extension pages (through lib/time.js). The words are the agent's messages
// (`time.*` in shared/messages, handed over with the shared data), so the browser and the CLI
// say the same: "2026-12-07 18:00 (UTC+8)" / "2026年12月7日 18:00（UTC+8）", "in 5 h 20 min" /
// "还剩 5 小时 20 分钟" (agent/iprdesk/timeutil.py:shown and casework/deadlines.py).
globalThis.iprdesk = globalThis.iprdesk || {};
(() => {
  const time = globalThis.iprdesk;

  // Minutes east of UTC as the CLI names them: "UTC+8", "UTC-3", "UTC+5:30", "UTC".
  time.zoneName = (minutesEast) => {
    if (!minutesEast) return "UTC";
    const abs = Math.abs(minutesEast);
    const rest = abs % 60;
    return `UTC${minutesEast > 0 ? "+" : "-"}${Math.floor(abs / 60)}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
  };

  // A time a person reads: the browser's local time, to the minute, with its zone (the Panel
  // may state its dates in another zone; the zone is the one in force at that moment).
  time.localTime = (when, messages) => {
    const at = new Date(when);
    if (Number.isNaN(at.getTime())) return "";
    return time.format(messages["time.local"], {
      year: at.getFullYear(), month: at.getMonth() + 1, day: at.getDate(),
      clock: `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`,
      zone: time.zoneName(-at.getTimezoneOffset()) });
  };

  // A calendar date ("2026-12-09", as a banner states it) as a person reads it, no time nor
  // zone: "2026-12-09" / "2026年12月9日" (timeutil.shown_date). Not a date: as it was.
  time.localDate = (day, messages) => {
    const [, year, month, date] = /^(\d{4})-(\d\d)-(\d\d)$/.exec(day ?? "") ?? [];
    return year ? time.format(messages["time.date"], { year: Number(year), month: Number(month),
                                                       day: Number(date) }) : day;
  };

  // An instant as ISO 8601 with the local offset ("2026-12-03T01:08:18+08:00"): what the
  // seller's clock said, for records rather than for reading.
  time.isoLocal = (when = new Date()) => {
    const at = new Date(when);
    const offset = -at.getTimezoneOffset();
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    const local = new Date(at.getTime() + offset * 60000).toISOString().slice(0, 19);
    return `${local}${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`;
  };

  // "1 d 4 h" / "3 小时 20 分钟": the largest units (two by default) of a span of time.
  time.duration = (ms, messages, unitCount = 2) => {
    const total = Math.floor(Math.abs(ms) / 60000);
    const units = messages["time.units"].split("|");
    const parts = [[Math.floor(total / 1440), units[0]], [Math.floor((total % 1440) / 60), units[1]],
                   [total % 60, units[2]]].filter(([n]) => n).slice(0, unitCount);
    return (parts.length ? parts : [[0, units[2]]]).map(([n, u]) => `${n} ${u}`).join(" ");
  };

  // Time until a moment, or since it: "in 3 h 20 min" / "2 d 4 h ago" ("还剩 …" / "…前").
  time.countdown = (ms, messages) =>
    time.format(messages[ms <= 0 ? "time.ago" : "time.in"], { duration: time.duration(ms, messages) });

  // Time left of a deadline: "in 5 h 20 min" / "还剩 5 小时 20 分钟", and once past it
  // "overdue by 4 h" / "已逾期 4 小时" (said once: no state word beside it).
  time.timeLeft = (ms, messages) =>
    time.format(messages[ms <= 0 ? "time.overdue" : "time.in"], { duration: time.duration(ms, messages) });

  // A countdown chip's time, in its largest unit: "17 h" left, and once past the deadline
  // said plainly, in the words of timeLeft: "overdue by 2 h" / "已逾期 2 小时" (not "−2 h").
  time.chipTime = (ms, messages) => (ms <= 0
    ? time.format(messages["time.overdue"], { duration: time.duration(ms, messages, 1) })
    : time.duration(ms, messages, 1));
})();
