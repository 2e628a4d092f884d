// Deadline warnings: chrome.alarms wake the service worker at the next warning time of any
// open case (and every 15 minutes to pick up new cases); chrome.notifications tells the
// seller once per case, deadline and level (warning, urgent, overdue, due). The levels and
// the next warning times are the agent's (casework/deadlines.py, on the agent's clock): this
// only notifies what it is told and sets the alarm.
import * as agent from "./agent-client.js";
import { openCases } from "./open-cases.js";
import { caseUrl } from "./handlers/casepage.js";
import { getSharedData } from "./shared-data.js";
import { localTime } from "../lib/time.js";
import { language } from "../lib/words.js";

const NEXT_ALARM = "deadline-next";
const POLL_ALARM = "deadline-poll";
const NOTIFIED_KEY = "deadlineNotified";
const LEVELS = ["warning", "urgent", "overdue", "due"];  // the states worth a notification

const t = (key, ...subs) => chrome.i18n.getMessage(key, subs) || key;

function notify(c, deadline, messages) {
  return chrome.notifications.create(`deadline:${c.id}:${deadline.id}:${deadline.state}`, {
    type: "basic",
    iconUrl: chrome.runtime.getURL("icons/icon128.png"),
    title: t(`notify_${deadline.state}`, deadline.label[language()]),
    message: t("notifyBody", c.complaint_id, c.complainant, localTime(deadline.due, messages)),
    priority: deadline.state === "warning" ? 0 : 2,
    requireInteraction: deadline.state !== "warning",
  });
}

// Notify every newly reached level, then set the alarm for the next one.
async function check() {
  try {
    const { cases, now, cached } = await openCases();
    // A cached list's states were judged at some past moment: nothing to tell from them.
    if (cached) return;
    const { [NOTIFIED_KEY]: notified = {} } = await chrome.storage.local.get(NOTIFIED_KEY);
    const messages = (await getSharedData()).messages[language()];
    let next = null;
    for (const c of cases) {
      for (const d of c.deadlines) {
        const key = `${c.id}:${d.id}:${d.state}`;
        if (LEVELS.includes(d.state) && !notified[key]) {
          await notify(c, d, messages);
          notified[key] = now;
        }
        const upcoming = d.next_warning && Date.parse(d.next_warning);
        if (upcoming && (next === null || upcoming < next)) next = upcoming;
      }
    }
    await chrome.storage.local.set({ [NOTIFIED_KEY]: notified });
    await chrome.alarms.clear(NEXT_ALARM);
    // Alarms run on this computer's clock, the next warning time is on the agent's (which the
    // tests move): wake up when as much time has passed as the agent has left until it.
    if (next !== null) {
      await chrome.alarms.create(NEXT_ALARM, { when: Date.now() + Math.max(1000, next - Date.parse(now)) });
    }
  } catch {
    // Agent down and nothing cached, or not paired: the poll alarm tries again later.
  }
}

// One check at a time (two would notify twice and fight over the alarm). A call while one
// runs is answered by a check that starts after it: the running one may have read the cases
// before the change that prompted the call (a case just opened, the agent's clock moved), and
// would miss it. Calls made meanwhile share that one next check.
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
    chrome.tabs.create({ url: caseUrl(caseId, "deadlines") });
    chrome.notifications.clear(id);
  });
  checkDeadlines();
}

export const handlers = {
  "deadlines.check": async () => {
    await checkDeadlines();
    return { checked: true };
  },
  // Complaint rows with no case yet: their deadlines as the agent judges them (the overlays).
  "deadlines.preview": ({ rows }) =>
    agent.request("/v1/deadlines/preview", { method: "POST", json: { rows } }),
};
