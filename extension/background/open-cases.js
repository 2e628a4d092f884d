// The open cases, fetched from the agent and cached, read by the deadline warnings and the
// case handlers. Its own module so neither of those imports the other for it (no cycle).
import * as agent from "./agent-client.js";

const CASES_CACHE_KEY = "openCasesCache";

// Open cases, most urgent first, their deadlines judged by the agent at `now` (its clock);
// cached so the popup still lists them while the agent is down (then their deadlines are
// unknown: `cached`, no `now`).
export async function openCases() {
  try {
    const { cases, now } = await agent.request("/v1/cases");
    await chrome.storage.local.set({ [CASES_CACHE_KEY]: cases });
    return { cases, now, cached: false };
  } catch (e) {
    const { [CASES_CACHE_KEY]: cases } = await chrome.storage.local.get(CASES_CACHE_KEY);
    if (!cases || e.code === "not_paired") throw e;
    return { cases, cached: true };
  }
}
