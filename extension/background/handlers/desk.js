// Opening the desk (desk/desk.html), from the popup, the extension's pages and the overlays
// on the Panel, at one of its sections.
const SECTIONS = new Set(["vault", "cases", "import", "penalties"]);

export const handlers = {
  "ui.openDesk": async ({ section }) => {
    const at = SECTIONS.has(section) ? `#${section}` : "";
    await chrome.tabs.create({ url: chrome.runtime.getURL(`desk/desk.html${at}`) });
    return { opened: true };
  },
};
