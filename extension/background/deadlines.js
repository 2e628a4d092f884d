// Deadline warnings: chrome.alarms wake the service worker at the next warning time of any
// open case (and every 15 minutes to pick up new cases); chrome.notifications tells the
// seller once per case, deadline and level (warning, urgent, overdue). Times come from the
// agent's case data; "now" from the controllable clock.
import { getSharedData } from "./shared-data.js";
import * as clock from "./clock.js";
import { openCases } from "./open-cases.js";

const HOUR = 3600 * 1000;
const NEXT_ALARM = "deadline-next";
const POLL_ALARM = "deadline-poll";
const NOTIFIED_KEY = "deadlineNotified";

const language = () => (chrome.i18n.getUILanguage().toLowerCase().startsWith("zh") ? "zh_CN" : "en");
const t = (key, ...subs) => chrome.i18n.getMessage(key, subs) || key;

async function rules() {
  const shared = await getSharedData();
  return Object.fromEntries(shared.deadlines.deadlines.map((r) => [r.id, r]));
}

// The warning level a deadline has reached at `now`, and when the next one starts.
export function level(rule, dueMs, now) {
  const warnAt = [...rule.warn_before_hours].sort((a, b) => b - a).map((h) => dueMs - h * HOUR);
  const steps = [["warning", warnAt[0]], ["urgent", warnAt[warnAt.length - 1]],
                 [rule.kind === "reminder" ? "due" : "overdue", dueMs]];
  let reached = null;
  for (const [name, at] of steps) if (now >= at) reached = name;
  const next = steps.map(([, at]) => at).filter((at) => at > now).sort((a, b) => a - b)[0] ?? null;
  return { reached, next };
}

function notify(c, deadline, reached, dueMs) {
  const lang = language();
  const when = new Date(dueMs).toLocaleString(lang.replace("_", "-"));
  return chrome.notifications.create(`deadline:${c.id}:${deadline.id}:${reached}`, {
    type: "basic",
    iconUrl: chrome.runtime.getURL("icons/icon128.png"),
    title: t(`notify_${reached}`, deadline.label[lang]),
    message: t("notifyBody", c.complaint_id, c.complainant, when),
    priority: reached === "warning" ? 0 : 2,
    requireInteraction: reached !== "warning",
  });
}

// Notify every newly reached level, then set the alarm for the next one.
async function check() {
  try {
    const [{ cases }, byId, now, offset] = await Promise.all([
      openCases(), rules(), clock.now(), clock.offset()]);
    const { [NOTIFIED_KEY]: notified = {} } = await chrome.storage.local.get(NOTIFIED_KEY);
    let next = null;
    for (const c of cases) {
      for (const d of c.deadlines) {
        if (!d.due || d.state === "done" || d.state === "pending" || !byId[d.id]) continue;
        const dueMs = Date.parse(d.due);
        const { reached, next: upcoming } = level(byId[d.id], dueMs, now);
        const key = `${c.id}:${d.id}:${reached}`;
        if (reached && !notified[key]) {
          await notify(c, d, reached, dueMs);
          notified[key] = now;
        }
        if (upcoming !== null && (next === null || upcoming < next)) next = upcoming;
      }
    }
    await chrome.storage.local.set({ [NOTIFIED_KEY]: notified });
    await chrome.alarms.clear(NEXT_ALARM);
    // Alarms run on the real clock: shift the next warning time by the clock offset.
    if (next !== null) await chrome.alarms.create(NEXT_ALARM, { when: Math.max(Date.now() + 1000, next - offset) });
  } catch {
    // Agent down and nothing cached, or not paired: the poll alarm tries again later.
  }
}

// One check at a time (two would notify twice and fight over the alarm). A call while one
// runs is answered by a check that starts after it: the running one may have read the cases
// or the clock before the change that prompted the call (a case just opened, the clock
// moved), and would miss it. Calls made meanwhile share that one next check.
let running = null;
let queued = null;

export function checkDeadlines() {
  if (!running) {
    running = check().finally(() => { running = null; });
    return running;
  }
  queued ??= running.then(() => {
    queued = null;
    return checkDeadlines();
  });
  return queued;
}

export function start() {
  chrome.alarms.create(POLL_ALARM, { periodInMinutes: 15 });
  chrome.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === NEXT_ALARM || alarm.name === POLL_ALARM) checkDeadlines();
  });
  chrome.notifications.onClicked.addListener((id) => {
    const [kind, caseId] = id.split(":");
    if (kind !== "deadline") return;
    chrome.tabs.create({ url: chrome.runtime.getURL(`preflight/preflight.html?case=${caseId}`) });
    chrome.notifications.clear(id);
  });
  clock.onChange(checkDeadlines);
  checkDeadlines();
}

export const handlers = {
  "deadlines.check": async () => {
    await checkDeadlines();
    return { checked: true };
  },
};
