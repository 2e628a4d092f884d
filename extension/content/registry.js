// Per-page modules register here; the page map from shared data decides which one runs.
// A module: { id, titleKey, activate(ctx), update?(ctx), deactivate?() }.
iprdesk.pages = new Map();

iprdesk.registerPage = (module) => iprdesk.pages.set(module.id, module);

const normalise = (text) => (text || "").replace(/\s+/g, " ").trim().toLowerCase();

// Texts of the headings a Panel page shows (its own, not ours).
function headingTexts(doc) {
  const nodes = doc.querySelectorAll("h1, h2, h3, [role='heading'], title");
  return [...nodes].filter((n) => !n.closest("iprdesk-overlay")).map((n) => normalise(n.textContent));
}

function anyLanguage(byLanguage) {
  return Object.values(byLanguage || {}).flat().map(normalise).filter(Boolean);
}

// The id of the page map entry this document is, or null: the URL must match one pattern
// and, when the entry lists headings, one heading must appear (in either language).
iprdesk.recognise = function recognise(pagemap, loc = location, doc = document) {
  const where = loc.pathname + loc.search + loc.hash;
  const headings = headingTexts(doc);
  for (const [id, page] of Object.entries(pagemap.pages || {})) {
    const urlMatch = (page.urlPatterns || []).some((p) => new RegExp(p, "i").test(where));
    if (!urlMatch) continue;
    const wanted = anyLanguage(page.headings);
    if (!wanted.length || headings.some((h) => wanted.some((w) => h.includes(w)))) return id;
  }
  return null;
};
