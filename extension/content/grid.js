// Reads the rows of a Panel list whatever its markup: a <table>, an ARIA grid, or a plain
// div grid (a header row of labelled cells followed by rows with as many cells). Columns are
// found by their header labels from the page map, in either language, never by selectors.
iprdesk.grid = (() => {
  const norm = (text) => (text || "").replace(/\s+/g, " ").trim().toLowerCase();
  const labelsOf = (byLanguage) => Object.values(byLanguage || {}).flat().map(norm).filter(Boolean);
  // textContent, not innerText: header detection visits many elements and must not force
  // a layout for each.
  const ownText = (el) => norm(el.textContent);

  // The column key a header cell's text stands for: an exact label first, then a prefix.
  function keyFor(text, columns) {
    for (const [key, labels] of Object.entries(columns)) if (labelsOf(labels).includes(text)) return key;
    for (const [key, labels] of Object.entries(columns)) {
      if (labelsOf(labels).some((l) => text.startsWith(l))) return key;
    }
    return null;
  }

  function cellsOf(row) {
    const aria = row.querySelectorAll(":scope > [role='cell'], :scope > [role='gridcell'], :scope > [role='columnheader'], :scope > [role='rowheader']");
    if (aria.length) return [...aria];
    return [...row.children].filter((c) => !c.matches("iprdesk-overlay, script, style, template"));
  }

  // Header row candidates: each row-like element with the column key of each of its cells
  // (null for a cell that is no known label).
  function* headerCandidates(columns, doc, minCells) {
    for (const el of doc.querySelectorAll("tr, [role='row'], div, li, ul, section")) {
      if (el.closest("iprdesk-overlay")) continue;
      const cells = cellsOf(el);
      if (cells.length < minCells || cells.length > 30) continue;
      yield { el, keys: cells.map((c) => (c.children.length > 2 ? null : keyFor(ownText(c), columns))) };
    }
  }

  function findHeader(columns, required, doc) {
    for (const header of headerCandidates(columns, doc, required.length)) {
      if (required.every((k) => header.keys.includes(k))) return header;
    }
    return null;
  }

  // The rows of the list `header` heads, the header among them: in its table or grid, else
  // its siblings, those of its tag with as many cells.
  const GRID = "table, [role='table'], [role='grid'], [role='treegrid']";
  // The element that holds the whole list `header` heads: its table or grid, else its parent.
  const listOf = (header) => header.closest(GRID) || header.parentElement;

  function rowsLike(header) {
    const width = cellsOf(header).length;
    const grid = header.closest(GRID);
    const rows = grid ? [...grid.querySelectorAll(header.tagName === "TR" ? "tr" : "[role='row']")]
      : [...header.parentElement.children];
    return rows.filter((r) => r.tagName === header.tagName && cellsOf(r).length === width);
  }

  const dataRows = (header) => rowsLike(header).filter((r) => r !== header
    && !r.contains(header) && !r.closest("thead"));

  return {
    // The first list on the page with all `required` columns:
    // [{ el, values: {key: text}, cells: {key: Element}, list: the list's element }], or null
    // when there is none.
    read(columns, required, doc = document) {
      const header = findHeader(columns, required, doc);
      if (!header) return null;
      const list = listOf(header.el);
      return dataRows(header.el).map((el) => {
        const cells = cellsOf(el);
        const values = {};
        const byKey = {};
        header.keys.forEach((key, i) => {
          if (!key || !cells[i]) return;
          values[key] = (cells[i].innerText ?? cells[i].textContent).trim();
          byKey[key] = cells[i];
        });
        return { el, values, cells: byKey, list };
      }).filter((row) => Object.values(row.values).some(Boolean));
    },

    // The column keys of the header row on the page that shows the most of `columns`
    // (the page report's "found"; the rest are missing), [] when no row shows any.
    headerKeys(columns, doc = document) {
      let best = [];
      for (const { keys } of headerCandidates(columns, doc, 2)) {
        const known = [...new Set(keys.filter(Boolean))];
        if (known.length > best.length) best = known;
      }
      return best;
    },

    // Which `values` entry (e.g. copyright / trademark) a cell text means, or null.
    meaning(text, values) {
      const t = norm(text);
      for (const [meaning, labels] of Object.entries(values || {})) {
        if (labelsOf(labels).some((l) => t === l || t.includes(l))) return meaning;
      }
      return null;
    },

    // The IDs listed in one cell: "P-1, P-2", "P-1；P-2", "P-1 P-2", "P-1、P-2".
    ids(text) {
      return (text || "").split(/[\s,;，；、]+/).filter(Boolean);
    },

    cellsOf,
    rowsLike,
    norm,
  };
})();
