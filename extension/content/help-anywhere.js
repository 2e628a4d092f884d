// Explanations that need no page map: on a Panel page iprdesk does not read (or reads without
// the list it needs), rejection codes ("Doc_Incomplete", "DOC-INCOMPLETE", "doc incomplete"),
// complaint types written alone in a cell or badge ("Copyright", "版权") and a date beside a
// complaint-like ID each get a chip with the explanation, wherever they appear. Where a page
// module has annotated the page's list already, it has said all this: nothing is added.
iprdesk.helpAnywhere = (() => {
  const PREFIX = "anywhere:";
  const MAX_NODES = 5000;      // text nodes looked at per pass: a huge page stays responsive
  const MAX_TYPE_TEXT = 40;    // "Copyright" as a label, not inside a sentence or a footer
  const SKIP = "script, style, noscript, textarea, input, select, [contenteditable], iprdesk-overlay";
  // A complaint-like ID: letters, then a digit within the token ("CMP-2026-0042", "IPR123456").
  const COMPLAINT_ID = /\b[A-Z]{2,6}[-_]?\d[\w-]{3,}\b/;
  const MAX_ROW_TEXT = 300;    // a row, not a whole section with many dates in it

  const { el, list } = iprdesk.annotation;
  const D = iprdesk.deadlines;
  const MAX_AGE = 14 * 24 * D.HOUR;  // an older date is no complaint still waiting for an answer
  const ids = new WeakMap();  // element -> its annotation id, stable across passes
  let next = 0;

  const idFor = (element, kind) => {
    if (!ids.has(element)) ids.set(element, ++next);
    return `${PREFIX}${kind}:${ids.get(element)}`;
  };

  // Each code in its spellings: Doc_Incomplete, DOC-INCOMPLETE, doc incomplete, DocIncomplete.
  function codeMatchers(hints) {
    return Object.keys(hints).filter((k) => /^rejection\.\w+\.title$/.test(k) && k !== "rejection.unknown.title")
      .map((k) => k.split(".")[1])
      .map((code) => ({ code, re: new RegExp(`(^|[^A-Za-z0-9])${code.split("_").join("[\\s_-]?")}(?![A-Za-z0-9])`, "i") }));
  }

  function typeMatchers(pagemap) {
    const values = pagemap.pages?.["complaint-report"]?.values?.type || {};
    return Object.entries(values).map(([type, byLang]) => ({
      type, labels: Object.values(byLang).flat().map((l) => l.toLowerCase()) }));
  }

  function* textNodes(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (!n.data.trim() || n.parentElement?.closest(SKIP)
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    for (let n = 0, node; n < MAX_NODES && (node = walker.nextNode()); n++) yield node;
  }

  // The nearest element around an ID that also holds a recent date (its row, whatever the
  // markup), or null: { row, received, text: the date's text, cell: its element }.
  function datedRow(anchor, complaint) {
    for (let row = anchor; row && row !== document.body; row = row.parentElement) {
      if (row.textContent.length > MAX_ROW_TEXT) return null;
      // Each text of the row on its own: cells run together in textContent ("版权2小时前").
      for (const node of textNodes(row)) {
        const received = D.parseDate(node.data.replace(complaint, " "));
        if (received === null) continue;
        const age = Date.now() - received;
        return age >= 0 && age <= MAX_AGE
          ? { row, received, text: node.data, cell: node.parentElement } : null;
      }
    }
    return null;
  }

  function codeCard(hints, code) {
    return [el("h3", {}, hints[`rejection.${code}.title`]),
            el("p", {}, hints[`rejection.${code}.explain`]),
            list(hints[`rejection.${code}.checklist`], "ol")];
  }

  function typeCard(hints, type) {
    return [el("h3", {}, hints[`type.${type}.label`]), el("p", {}, hints[`type.${type}.explain`]),
            list(hints[`type.${type}.fix`], "ol")];
  }

  // The response deadline as the agent judges it for a complaint received then (undefined until
  // its answer is in; { down } when the agent is not running). Nothing says the date is when the
  // complaint came: the card says "if", never more.
  function deadlineFacts(shared, complaint, dated) {
    const key = `anywhere\n${complaint}\n${dated.text}`;
    const answer = D.rows([{ key, received: dated.received }], iprdesk.lookAgain)(key);
    if (!answer) return undefined;
    const rule = shared.deadlines.deadlines.find((r) => r.id === "response");
    if (answer.down) return { rule, state: "unknown", down: true };
    const d = answer.deadlines.find((item) => item.id === "response");
    return { rule, state: d.state, due: Date.parse(d.due), left: D.left(d, answer.arrived) };
  }

  function deadlineCard(ctx, id, received, facts) {
    const h = ctx.hints;
    const text = facts.down ? h["deadline.agentDown"]
      : iprdesk.format(h[facts.left > 0 ? "anywhere.deadline.if" : "anywhere.deadline.ifOverdue"],
                       { received: iprdesk.localTime(received, ctx.messages),
                         due: iprdesk.localTime(facts.due, ctx.messages),
                         time: iprdesk.duration(facts.left, ctx.messages) });
    return [el("h3", {}, iprdesk.format(h["anywhere.deadline.title"], { id })),
            el("p", { className: "deadline", dataset: { state: facts.state } }, text),
            el("p", { className: "why" }, facts.rule.why[ctx.lang])];
  }

  // `cells`: where the chip may sit, in the blank after their text (else astride the anchor,
  // clear of its first line).
  function annotate(anchor, id, { chipText, chipShort, state, title, card, cells = [anchor] }) {
    const { host, card: box } = iprdesk.annotation.attach(anchor, id, {
      chipText, chipShort, state, title, place: iprdesk.overlay.placeInCells(cells) });
    if (!host.hasAttribute("open") || !box.childElementCount) box.replaceChildren(...card);
    return host;
  }

  // What one text node calls for: { anchor, kind, chipText, state, title, card, data } or null.
  function explanation(ctx, node, codes, types) {
    const h = ctx.hints;
    const anchor = node.parentElement;
    const text = node.data.trim();
    const code = codes.find((c) => c.re.test(text))?.code;
    if (code) {
      const title = h[`rejection.${code}.title`];
      return { anchor, kind: "code", chipText: title, chipShort: "!", state: "rejected", title,
               card: codeCard(h, code), data: { code } };
    }
    const type = text.length <= MAX_TYPE_TEXT &&
      types.find((t) => t.labels.includes(text.toLowerCase()))?.type;
    if (type) {
      const label = h[`type.${type}.label`];
      return { anchor, kind: "type", chipText: label, chipShort: "?", state: "info", title: label,
               card: typeCard(h, type), data: { type } };
    }
    const complaint = text.match(COMPLAINT_ID)?.[0];
    const dated = complaint && datedRow(anchor, complaint);
    if (!dated) return null;
    const facts = deadlineFacts(ctx.shared, complaint, dated);
    if (!facts) return null;  // drawn once the agent has answered
    // The chip after the date, else in the blank of another of the row's cells.
    return { anchor: dated.row, cells: [dated.cell, ...dated.row.children], kind: "deadline", state: facts.state,
             chipText: facts.down ? "?"
               : iprdesk.chipTime(facts.left, ctx.messages),
             title: iprdesk.format(h["anywhere.deadline.title"], { id: complaint }),
             card: deadlineCard(ctx, complaint, dated.received, facts), data: { complaint } };
  }

  function scan(ctx) {
    const codes = codeMatchers(ctx.hints);
    const types = typeMatchers(ctx.pagemap);
    const seen = new Set();
    const done = new WeakSet();  // one chip per element, whatever it holds
    for (const node of textNodes(document.body)) {
      if (done.has(node.parentElement)) continue;
      const found = explanation(ctx, node, codes, types);
      if (!found || done.has(found.anchor)) continue;
      const id = idFor(found.anchor, found.kind);
      Object.assign(annotate(found.anchor, id, found).dataset, found.data);
      seen.add(id);
      done.add(found.anchor);
    }
    for (const host of document.querySelectorAll(`iprdesk-overlay[data-iprdesk-id^='${PREFIX}']`)) {
      if (!seen.has(host.dataset.iprdeskId)) host.remove();
    }
  }

  // After each evaluation of the page (main.js): only where no page module annotates a list.
  // A module that reads its list draws its chips once the agent has answered: none of ours
  // meanwhile, which would sit where the module's go and then vanish.
  return function update(ctx, module) {
    const reads = module?.required && ctx.page && iprdesk.grid.read(ctx.page.columns, module.required);
    const annotated = document.querySelector(
      "iprdesk-overlay[data-iprdesk-id^='complaint:'], iprdesk-overlay[data-iprdesk-id^='appeal:']");
    if (reads || annotated) {
      for (const host of document.querySelectorAll(`iprdesk-overlay[data-iprdesk-id^='${PREFIX}']`)) host.remove();
      return;
    }
    scan(ctx);
  };
})();
