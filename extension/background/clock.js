// The extension's idea of "now". Tests move it with `clockOffsetMs` in storage.local (set
// from the service worker), so deadline warnings can be exercised without waiting days.
const OFFSET_KEY = "clockOffsetMs";

export async function offset() {
  const { [OFFSET_KEY]: value } = await chrome.storage.local.get(OFFSET_KEY);
  return Number.isFinite(value) ? value : 0;
}

export async function now() {
  return Date.now() + (await offset());
}

export function onChange(callback) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && OFFSET_KEY in changes) callback();
  });
}
