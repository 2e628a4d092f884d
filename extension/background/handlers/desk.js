// Opening the desk (desk/desk.html), from the popup, the extension's pages and the overlays
// on the Panel, at one of its sections; the product page's overlay at one image's provenance
// (`image`, its SHA-256, and `name`, the file name it is shown under).
const SECTIONS = new Set(["vault", "cases", "import", "provenance", "penalties"]);

export const handlers = {
  "ui.openDesk": async ({ section, image, name }) => {
    const at = SECTIONS.has(section) ? `#${section}` : "";
    const query = /^[0-9a-f]{64}$/.test(String(image ?? ""))
      ? `?${new URLSearchParams({ image, ...(name ? { name: String(name).slice(0, 200) } : {}) })}` : "";
    await chrome.tabs.create({ url: chrome.runtime.getURL(`desk/desk.html${query}${at}`) });
    return { opened: true };
  },
};
