// The shared data (page map, hints) comes from the agent and is cached, so overlays still
// render when the agent is down.
import * as agent from "./agent-client.js";

const CACHE_KEY = "sharedDataCache";

export async function getSharedData({ refresh = false } = {}) {
  const { [CACHE_KEY]: cached } = await chrome.storage.local.get(CACHE_KEY);
  if (cached && !refresh) {
    refreshInBackground();
    return cached;
  }
  try {
    return await fetchAndStore();
  } catch (e) {
    if (cached) return cached;
    throw e;
  }
}

// The shared data with `part` in it: one cached by an older agent may lack it, then fetch afresh.
export async function getSharedDataWith(part) {
  const shared = await getSharedData();
  return shared[part] ? shared : getSharedData({ refresh: true });
}

async function fetchAndStore() {
  const fresh = await agent.sharedData();
  await chrome.storage.local.set({ [CACHE_KEY]: fresh });
  return fresh;
}

let refreshing = null;
function refreshInBackground() {
  refreshing ??= fetchAndStore().catch(() => null).finally(() => { refreshing = null; });
}
