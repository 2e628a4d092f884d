// "Copy page report" (popup): what support needs to fix the page map for a Panel page that
// iprdesk does not read, and nothing of the seller's: the page's structure (URL path, headings,
// the shape and header labels of its tables and grids) and how each page map entry matched
// (URL, heading, which columns were found and which were missing). No cell values; anything
// that looks like an ID, a number, an address or a long name is masked.
(() => {
  const FORMAT = "iprdesk-page-report";
  const VERSION = 1;
  const MAX_TEXT = 60;
  const MAX_TABLES = 20;

  const norm = (text) => (text || "").replace(/\s+/g, " ").trim();
  // Words with a digit are IDs, dates, amounts; e-mail addresses and URLs are the seller's.
  const mask = (text) => norm(text).split(" ").map((word) =>
    (/\d|@|:\/\//.test(word) ? "#" : word)).join(" ").slice(0, MAX_TEXT);

  // A path segment of letters is a route ("ipr", "appeals"); anything else may be an ID.
  const maskSegment = (segment) => (/^[a-z_-]{1,40}$/i.test(segment) || segment.length <= 2
    ? segment : ":id");
  const maskPath = (path) => path.split("/").map(maskSegment).join("/");
  const queryKeys = (query) => [...new URLSearchParams(query).keys()];

  function where(loc) {
    const [hashPath, hashQuery = ""] = loc.hash.replace(/^#/, "").split("?");
    return {
      path: maskPath(loc.pathname),
      query: queryKeys(loc.search),
      hash: loc.hash ? { path: maskPath(hashPath), query: queryKeys(hashQuery) } : null,
    };
  }

  const own = (node) => !node.closest("iprdesk-overlay");

  function headings(doc) {
    return [...doc.querySelectorAll("h1, h2, h3, [role='heading']")].filter(own).map((h) => ({
      level: Number(h.getAttribute("aria-level") || h.tagName.slice(1)) || null,
      text: mask(h.textContent),
    }));
  }

  // Tables and ARIA grids: their size and the labels of their header cells, never a cell.
  function tables(doc) {
    const found = [...doc.querySelectorAll("table, [role='table'], [role='grid'], [role='treegrid']")]
      .filter(own).slice(0, MAX_TABLES);
    return found.map((t) => {
      const rows = t.matches("table") ? [...t.rows] : [...t.querySelectorAll("[role='row']")];
      const headers = [...t.querySelectorAll("th, [role='columnheader']")].map((c) => mask(c.textContent));
      return {
        kind: t.matches("table") ? "table" : t.getAttribute("role"),
        rows: rows.length,
        columns: Math.max(0, ...rows.map((r) => (r.cells ? r.cells.length
          : r.querySelectorAll("[role='cell'], [role='gridcell'], [role='columnheader']").length))),
        headers,
      };
    });
  }

  function entries(pagemap, loc, doc) {
    return Object.entries(pagemap.pages || {}).map(([id, page]) => {
      const match = iprdesk.pageMatch(page, loc, doc);
      const known = page.columns ? Object.keys(page.columns) : [];
      const found = known.length ? iprdesk.grid.headerKeys(page.columns, doc) : [];
      return {
        id,
        url: match.url,
        heading: match.heading,
        columns: known.length ? { found, missing: known.filter((k) => !found.includes(k)) } : null,
      };
    });
  }

  iprdesk.pageReport = function pageReport(pagemap, loc = location, doc = document) {
    return {
      format: FORMAT,
      version: VERSION,
      extension: chrome.runtime.getManifest().version,
      pagemap: pagemap.version ?? null,
      made: iprdesk.isoLocal(),
      ui_language: iprdesk.language(),
      page_language: doc.documentElement.lang || null,
      recognised: iprdesk.recognise(pagemap, loc, doc),
      where: where(loc),
      headings: headings(doc),
      tables: tables(doc),
      pagemap_entries: entries(pagemap, loc, doc),
    };
  };

  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (sender.id !== chrome.runtime.id || message?.type !== "page.report") return false;
    iprdesk.ask("shared.get").then(
      (shared) => sendResponse({ ok: true, report: iprdesk.pageReport(shared.pagemap) }),
      (e) => sendResponse({ ok: false, error: e.code || "error" }));
    return true;  // answered asynchronously
  });
})();
