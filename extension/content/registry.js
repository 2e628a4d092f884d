// Per-page modules register here; the page map from shared data decides which one runs.
// A module: { id, titleKey, activate(ctx), update?(ctx) }. What it starts ends with
// `ctx.signal` (lifecycle.js): leaving the page aborts it.
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

// A pattern the agent let through but this browser cannot read matches nothing, rather than
// stopping every page.
const patterns = new Map();
function patternOf(source) {
  if (!patterns.has(source)) {
    let pattern = null;
    try { pattern = new RegExp(source, "i"); } catch { /* left null */ }
    patterns.set(source, pattern);
  }
  return patterns.get(source);
}

// How one page map entry matches this document: `url` when one of its patterns matches,
// `heading` when one of its headings appears (in either language; null when it lists none).
iprdesk.pageMatch = function pageMatch(page, loc = location, doc = document) {
  const where = loc.pathname + loc.search + loc.hash;
  const wanted = anyLanguage(page.headings);
  const headings = wanted.length ? headingTexts(doc) : [];
  return {
    url: (page.urlPatterns || []).some((p) => patternOf(p)?.test(where)),
    heading: wanted.length ? headings.some((h) => wanted.some((w) => h.includes(w))) : null,
  };
};

// The id of the page map entry this document is, or null: the URL must match one pattern
// and, when the entry lists headings, one heading must appear.
iprdesk.recognise = function recognise(pagemap, loc = location, doc = document) {
  for (const [id, page] of Object.entries(pagemap.pages || {})) {
    const { url, heading } = iprdesk.pageMatch(page, loc, doc);
    if (url && heading !== false) return id;
  }
  return null;
};
