// The complaint report list: per row, the complaint type explained with what to fix, a
// countdown to the response deadline, a hint when the complainant is a known Schedule A firm,
// and the actions: open case, capture evidence, check images.
(() => {
  const { el, list, status } = iprdesk.annotation;
  const D = iprdesk.deadlines;
  const REQUIRED = ["complaintId", "complainant"];
  let ctx = null;
  let openCases = null;  // null until the agent has said which cases are open (or failed to):
                         // a card drawn before would offer to open a case that exists
  let casesArrived = 0;

  // The row's answer from the agent (its deadlines and Schedule A firm; casework/deadlines.py
  // judges them), by what the page shows of the row; undefined until the first answer is in.
  function rowAnswers(rows) {
    const list = rows.map((row) => ({ key: rowKey(row), received: D.parseDate(row.values.date),
                                      complainant: row.values.complainant }));
    return D.rows(list, () => !ctx.signal.aborted && render());
  }

  const rowKey = (row) => [row.values.complaintId, row.values.date, row.values.complainant].join("\n");

  // The row's response deadline as the agent judged it: its open case's when there is one (the
  // seller may have answered already), else the row's own from its date. When the agent is not
  // running it is unknown: nothing here computes a second one.
  function responseDeadline(row, answer) {
    const rule = ctx.shared.deadlines.deadlines.find((r) => r.id === "response");
    const caseOf = openCases.find((c) => c.complaint_id === row.values.complaintId);
    const fresh = caseOf && !caseOf.cached;
    const [from, arrived] = fresh ? [caseOf, casesArrived] : [answer, answer.arrived];
    if (answer.down && !fresh) return { state: "agentDown", rule, caseOf };
    const d = from.deadlines.find((item) => item.id === "response");
    if (d.state === "done") return { state: "done", rule, caseOf };
    if (d.state === "pending") return { state: "unknown", rule, caseOf };  // no date in the row
    return { state: d.state, left: D.left(d, arrived), due: Date.parse(d.due), rule, caseOf };
  }

  // The response deadline in words; `due`: with the due time in local time, as one sentence
  // ("Respond within 17 h, by 2026-12-07 23:35 (UTC)": the time's zone is in brackets).
  function deadlineText(dl, { due = false } = {}) {
    const h = ctx.hints;
    if (dl.state === "done") return h["deadline.response.done"];
    if (dl.state === "unknown") return h["deadline.noDate"];
    if (dl.state === "agentDown") return h["deadline.agentDown"];
    const key = `deadline.response.${dl.left <= 0 ? "overdue" : "left"}${due ? "Due" : ""}`;
    return iprdesk.format(h[key], { time: iprdesk.duration(dl.left, ctx.messages),
                                    due: due ? iprdesk.localTime(dl.due, ctx.messages) : "" });
  }

  // Short, so it fits in a cell's blank space: "© 17 h", "™ 已逾期 2 小时".
  const typeMark = (type) => ({ copyright: "©", trademark: "™" }[type] || "?");

  function chipText(type, dl) {
    const label = typeMark(type);
    if (dl.state === "unknown" || dl.state === "agentDown") return label;
    if (dl.state === "done") return `${label} ✓`;
    return `${label} ${iprdesk.chipTime(dl.left, ctx.messages)}`;
  }

  function rowFacts(row, type) {
    const received = D.parseDate(row.values.date);
    return {
      complaint_id: row.values.complaintId,
      complainant: row.values.complainant,
      products: iprdesk.grid.ids(row.values.products),
      type,
      received: received ? new Date(received).toISOString() : undefined,
    };
  }

  function fill(card, row, type, dl, firm) {
    const h = ctx.hints;
    // Left-out parts (null) are left out, not written as "null".
    card.replaceChildren(...[
      el("h3", {}, type ? h[`type.${type}.label`] : row.values.type || "?"),
      el("p", {}, type ? h[`type.${type}.explain`] : h["type.unknown.explain"]),
      type ? list(h[`type.${type}.fix`], "ol") : null,
      el("p", { className: "deadline", dataset: { state: dl.state } }, deadlineText(dl, { due: true })),
      el("p", { className: "why" }, dl.rule.why[ctx.lang]),
      firm ? el("p", { className: "firm" }, iprdesk.format(ctx.messages["case.schedule_a"], { firm })) : null,
      actions(card, row, type, dl),
      el("div", { className: "status" }),
    ].filter(Boolean));
  }

  function actions(card, row, type, dl) {
    const box = el("div", { className: "actions" });
    const caseOf = dl.caseOf;
    if (caseOf) {
      // Its case page (a tab of the extension's: the Panel's page cannot link there itself).
      const go = el("button", { className: "action primary go-to-case", type: "button",
                                dataset: { case: caseOf.id } }, iprdesk.t("goToCase", caseOf.id));
      go.addEventListener("click", () => iprdesk.ask("ui.openCase", { ref: caseOf.id }));
      box.append(go);
    } else {
      const open = el("button", { className: "action primary open-case", type: "button" }, iprdesk.t("openCase"));
      open.addEventListener("click", () => openCaseForm(card, row, type));
      box.append(open);
    }
    const capture = el("button", { className: "action capture", type: "button" }, iprdesk.t("captureEvidence"));
    capture.addEventListener("click", async () => {
      capture.disabled = true;
      try {
        const facts = rowFacts(row, type);
        // How it went is said in this (open) card by content/evidence.js, the one writer of a
        // capture's news: its "screenshot only" note when the page was not archived, a
        // failure in the words that say how to fix it.
        await iprdesk.ask("evidence.capture", {
          complaint_id: facts.complaint_id, case: caseOf?.id, product_ids: facts.products });
      } catch (e) {
        // Only a failure that never reached the service worker, which says the others.
        if (e.code === "extension_unavailable") status(card, e.message, "error");
      } finally {
        capture.disabled = false;
      }
    });
    const check = el("button", { className: "action check-images", type: "button" }, iprdesk.t("checkImages"));
    check.addEventListener("click", () => checkImages(card, row, caseOf, check));
    box.append(capture, check);
    return box;
  }

  async function checkImages(card, row, caseOf, button) {
    const products = rowFacts(row, null).products;
    const path = ctx.page.productEditPath;
    const links = el("ul", { className: "product-links" }, products.map((id) => el("li", {},
      el("a", { href: new URL(path.replace("{id}", encodeURIComponent(id)), location.origin).href,
                target: "_blank", rel: "noopener" }, iprdesk.t("openProduct", id)))));
    card.querySelector(".product-links")?.remove();
    card.querySelector(".actions").after(links);
    if (!caseOf) return status(card, iprdesk.t("checkImagesNoCase"));
    button.disabled = true;
    status(card, iprdesk.t("checking"));
    try {
      const summary = await iprdesk.ask("cases.checkImages", { caseId: caseOf.id });
      status(card, iprdesk.t("urlSummary", String(summary.gone), String(summary.public),
                              String(summary.unclear)), summary.public ? "error" : "ok");
    } catch (e) {
      status(card, e.message, "error");
    } finally {
      button.disabled = false;
    }
  }

  async function openCaseForm(card, row, type) {
    const { signal } = ctx;
    card.querySelector("form")?.remove();
    const remembered = await iprdesk.ask("cases.storeId").catch(() => ({ storeId: "" }));
    if (signal.aborted) return;
    const storeId = el("input", { name: "store_id", required: true, value: detectStoreId() || remembered.storeId || "" });
    const kind = el("select", { name: "type" },
      ["copyright", "trademark"].map((t) => el("option", { value: t, selected: t === type }, ctx.hints[`type.${t}.label`])));
    const form = el("form", {},
      el("label", {}, iprdesk.t("storeIdLabel")), storeId,
      el("label", {}, iprdesk.t("complaintTypeLabel")), kind,
      el("span"), el("button", { className: "action primary", type: "submit" }, iprdesk.t("createCase")));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const created = await iprdesk.ask("cases.open", { facts: {
          ...rowFacts(row, kind.value), store_id: storeId.value.trim() } });
        if (signal.aborted) return;  // left meanwhile: the case is made, this page is gone
        openCases = [...openCases, created];
        casesArrived = Date.now();
        // The open card now shows the case instead of the form.
        const answer = rowAnswers([row])(rowKey(row));
        fill(card, row, kind.value, responseDeadline(row, answer), answer.schedule_a_firm);
        status(card, iprdesk.t("caseCreated", created.id), "ok");
        render();
      } catch (err) {
        status(card, err.message, "error");
      }
    });
    card.querySelector(".actions").after(form);
    // The whole form in view, its button too, not only the field the cursor goes to.
    form.scrollIntoView({ block: "nearest" });
    storeId.focus({ preventScroll: true });
  }

  // "Store ID: 5f1a..." shown anywhere on the page, with the labels from the page map.
  function detectStoreId() {
    const labels = Object.values(ctx.page.storeIdLabels || {}).flat();
    const text = document.body.innerText;
    for (const label of labels) {
      const m = text.match(new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*[:：]\\s*([A-Za-z0-9._:-]{4,100})`, "i"));
      if (m) return m[1];
    }
    return null;
  }

  function render() {
    const rows = iprdesk.grid.read(ctx.page.columns, REQUIRED) || [];
    const answerOf = rowAnswers(rows);  // asked for now, beside the case list
    if (!openCases) return;
    const seen = new Set();
    let every = true;  // every row drawn with its answer
    for (const row of rows) {
      const id = `complaint:${row.values.complaintId}`;
      seen.add(id);
      const answer = answerOf(rowKey(row));
      if (!answer) {  // the agent's answer is on its way: drawn once it is in
        every = false;
        continue;
      }
      const type = iprdesk.grid.meaning(row.values.type, ctx.page.values?.type);
      const dl = responseDeadline(row, answer);
      const cells = ["date", "status", "type", "complaintId", "complainant", "products"]
        .map((key) => row.cells[key]);
      const { host, card } = iprdesk.annotation.attach(row.el, id, {
        // Where no cell has room for the countdown, the chip shrinks to the type's mark
        // (its colour still says how urgent) rather than cover the page's text.
        chipText: chipText(type, dl), chipShort: typeMark(type), state: dl.state,
        title: `${type ? ctx.hints[`type.${type}.label`] : ""} · ${deadlineText(dl)}`,
        place: iprdesk.overlay.placeInCells(cells), list: row.list,
        rowName: row.values.products
          ? iprdesk.t("rowNameComplaint", row.values.complaintId, row.values.products)
          : iprdesk.t("rowNameComplaintAlone", row.values.complaintId) });
      host.dataset.complaint = row.values.complaintId;
      host.dataset.type = type || "unknown";
      host.dataset.scheduleA = answer.down ? "unknown" : answer.schedule_a_firm ? "yes" : "no";
      // Rebuild the card only while it is closed: never under the user's cursor.
      if (!host.hasAttribute("open") || !card.childElementCount) fill(card, row, type, dl, answer.schedule_a_firm);
    }
    for (const host of document.querySelectorAll("iprdesk-overlay[data-iprdesk-id^='complaint:']")) {
      if (!seen.has(host.dataset.iprdeskId)) host.remove();
    }
    ctx.drawn(every);
  }

  // Open cases, with their deadlines as the agent judged them; a cached list (agent not
  // running) still names each row's case, its deadlines are unknown.
  async function refreshCases() {
    const { cases, cached } = await iprdesk.ask("cases.list").catch(() => ({ cases: [] }));
    openCases = cases.map((c) => ({ ...c, cached: Boolean(cached) }));
    casesArrived = Date.now();
  }

  iprdesk.registerPage({
    id: "complaint-report",
    titleKey: "pageComplaintReport",
    required: REQUIRED,  // the columns without which it reads nothing (teach.js asks for them)
    async activate(context) {
      const { signal } = context;
      ctx = context;
      openCases = null;  // another activation's list is not this one's answer
      context.showRecognised();
      render();
      await refreshCases();
      if (signal.aborted) return;
      render();
      iprdesk.lifecycle.setInterval(() => refreshCases().then(() => !signal.aborted && render()), 30000, signal);  // the countdowns move on
    },
    update(context) {
      ctx = context;
      render();
    },
  });
})();
