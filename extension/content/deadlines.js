// Deadlines on the Panel's pages: the dates the Panel writes, read (parseDate), and the
// deadlines of its complaint rows as the agent judged them (rows): the agent computes every
// state, on its one clock; this only reads the page and keeps the answers.
globalThis.iprdesk = globalThis.iprdesk || {};
iprdesk.deadlines = (() => {
  const HOUR = 3600 * 1000;

  // -- dates as the Panel writes them --------------------------------------------------------
  // "2026-11-27 10:00 UTC", "2026/11/27 10:00 +08:00", "2026年3月12日 下午2:05", "12.03.2026
  // 14:05", "Mar 12, 2026, 2:05 PM", "12 March 2026", and relative ones ("2 hours ago",
  // "2小时前", "just now", "刚刚"). The zone the text states counts (UTC, GMT+3, +08:00, MSK,
  // 北京时间); without one the time is the browser's local time, as the Panel displays it.
  // Returns ms, or null for anything it cannot read for sure: a zone it does not know, or a
  // slashed date that could be day/month or month/day ("03/12/2026"), is unknown, never a guess
  // that would make a wrong countdown.
  const MINUTE = 60 * 1000;
  const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9,
                   oct: 10, nov: 11, dec: 12 };
  const ZONES = { utc: 0, gmt: 0, z: 0, msk: 180, "北京时间": 480 };
  const RELATIVE_UNITS = { minute: MINUTE, min: MINUTE, hour: HOUR, hr: HOUR, day: 24 * HOUR,
                           week: 7 * 24 * HOUR, "分钟": MINUTE, "小时": HOUR, "天": 24 * HOUR,
                           "周": 7 * 24 * HOUR };
  const MONTH_NAME = "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?";

  // "2 hours ago" is anything from 2 to 3 hours ago: the earliest, so a countdown is never late.
  function relative(t, now) {
    if (/^(just now|刚刚)$/i.test(t)) return now - MINUTE;
    const m = t.match(/^(\d+)\s*(minute|min|hour|hr|day|week)s?\s+ago$/i) ||
      t.match(/^(\d+)\s*(分钟|小时|天|周)前$/);
    return m ? now - (Number(m[1]) + 1) * RELATIVE_UNITS[m[2].toLowerCase()] : null;
  }

  // { ymd: [year, month, day], before, after: the texts around the date }, or null.
  function datePart(t) {
    const found = (m, y, mo, d) => ({ ymd: [y, mo, d], before: t.slice(0, m.index),
                                      after: t.slice(m.index + m[0].length) });
    let m = t.match(/(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?/);
    if (m) return found(m, m[1], m[2], m[3]);
    if ((m = t.match(/\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b/))) return found(m, m[3], m[2], m[1]);
    if ((m = t.match(/\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b/))) {
      const [a, b] = [Number(m[1]), Number(m[2])];
      if (a !== b && a <= 12 && b <= 12) return null;  // 03/12: March 12 or 3 December?
      return a > 12 ? found(m, m[3], m[2], m[1]) : found(m, m[3], m[1], m[2]);
    }
    if ((m = t.match(new RegExp(`\\b${MONTH_NAME}\\s+(\\d{1,2}),?\\s+(\\d{4})\\b`, "i")))) {
      return found(m, m[3], MONTHS[m[1].toLowerCase()], m[2]);
    }
    if ((m = t.match(new RegExp(`\\b(\\d{1,2})\\s+${MONTH_NAME},?\\s+(\\d{4})\\b`, "i")))) {
      return found(m, m[3], MONTHS[m[2].toLowerCase()], m[1]);
    }
    return null;
  }

  // [hours, minutes, seconds, the text after the time], [] when there is no time, null when
  // it cannot be (13 PM).
  function timePart(rest) {
    const m = rest.match(/(上午|中午|下午|晚上)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([ap])\.?\s*m\b\.?)?/i);
    if (!m) return [];
    let h = Number(m[2]);
    const pm = /^p$/i.test(m[5] || "") || m[1] === "下午" || m[1] === "晚上" ||
      (m[1] === "中午" && h < 11);
    const am = /^a$/i.test(m[5] || "") || m[1] === "上午";
    if ((pm || am) && (h < 1 || h > 12)) return null;
    if (pm && h < 12) h += 12;
    if (am && h === 12) h = 0;
    return [h, Number(m[3]), Number(m[4] || 0), rest.slice(m.index + m[0].length)];
  }

  // Minutes east of UTC the text states, undefined when it states none, null when it states
  // one this reader does not know.
  function zoneOffset(rest) {
    const t = rest.replace(/[()（）,]/g, " ").trim();
    if (!t) return undefined;
    let m = t.match(/^(?:(utc|gmt)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i);
    if (m && (m[1] || m[4] !== undefined)) {
      return (m[2] === "-" ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4] || 0));
    }
    m = t.match(/^(utc|gmt|z|msk|北京时间)$/i);
    return m ? ZONES[m[1].toLowerCase()] : null;
  }

  function parseDate(text, now = Date.now()) {
    const t = (text || "").replace(/\s+/g, " ").trim();
    const ago = relative(t, now);
    if (ago !== null) return ago;
    const date = datePart(t);
    if (!date) return null;
    // The time after the date ("2026-03-12 14:05 UTC"), else before it ("14:05, 12 Mar 2026");
    // the zone comes last either way.
    let time = timePart(date.after);
    let zone = time?.[3];
    if (time?.length === 0) {
      time = timePart(date.before);
      zone = date.after;
    }
    if (!time) return null;
    const [y, mo, d] = date.ymd.map(Number);
    const [hh = 0, mm = 0, ss = 0] = time;
    const offset = zoneOffset(zone ?? "");
    if (offset === null || hh > 23 || mm > 59 || ss > 59) return null;
    const utc = Date.UTC(y, mo - 1, d, hh, mm, ss);
    const check = new Date(utc);
    if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;  // 31 April
    if (offset === undefined) return new Date(y, mo - 1, d, hh, mm, ss).getTime();
    return utc - offset * MINUTE;
  }

  // -- the agent's answers ------------------------------------------------------------------
  // Each row's answer, by a key the caller makes of what the page shows of the row:
  // { deadlines, schedule_a_firm, arrived } from the agent, or { down: true } when it is not
  // running (the row then says its deadline is unknown: nothing here computes one). Answers
  // older than MAX_AGE are asked again, so a state the agent would now judge otherwise comes.
  const MAX_AGE = 30 * 1000;
  const answers = new Map();
  const wanted = new Map();     // key -> row, to ask for next
  const listeners = new Set();  // to call once what they wanted is in
  const inFlight = new Set();   // keys being asked for
  let asking = null;

  async function askAgent(batch) {
    let got = null;
    try {
      got = (await iprdesk.ask("deadlines.preview", {
        rows: batch.map(({ received, complainant }) => ({
          received: received === null ? null : new Date(received).toISOString(),
          complainant: complainant || "" })) })).rows;
    } catch {
      // Not running (or not paired): the rows say so until the next ask.
    }
    const arrived = Date.now();
    batch.forEach(({ key }, i) => answers.set(key, got ? { ...got[i], arrived } : { down: true, arrived }));
  }

  // One ask at a time; rows wanted meanwhile go in the next. Whoever waited is called after
  // each answer (and asks again for what is still missing).
  function pump() {
    if (asking || !wanted.size) return;
    const batch = [...wanted.values()];
    wanted.clear();
    batch.forEach(({ key }) => inFlight.add(key));
    asking = askAgent(batch).then(() => {
      asking = null;
      inFlight.clear();
      const waiting = [...listeners];
      listeners.clear();
      waiting.forEach((listener) => listener());
      pump();
    });
  }

  // rows: [{ key, received: ms or null, complainant }]. Returns key -> the answer known now
  // (undefined while the first one is asked for); `onAnswer` runs once new answers are in.
  function rows(list, onAnswer) {
    const now = Date.now();
    for (const row of list) {
      if (inFlight.has(row.key)) listeners.add(onAnswer);
      else if (!(now - answers.get(row.key)?.arrived < MAX_AGE)) wanted.set(row.key, row);
    }
    if (wanted.size) {
      listeners.add(onAnswer);
      pump();
    }
    return (key) => answers.get(key);
  }

  // A deadline answered by the agent with the time its answer arrived: its ms left now, ticking
  // on from the agent's count. Its state stays the agent's.
  const left = (d, arrived) => d.ms_left - (Date.now() - arrived);

  return { HOUR, parseDate, rows, left };
})();
