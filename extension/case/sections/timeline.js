// What happened in the case, oldest first, in the seller's time: its events, the evidence added
// (while the vault is unlocked), each old URL's last check, the copies of a complained image
// uploaded anyway and removed, the complained images dropped; an event the seller reports
// (responded, offer received...) is recorded here and starts or meets its deadlines.
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";

export default {
  id: "timeline",
  titleKey: "caseTimeline",
  async render(body, { case: c, shared, messages, lang, signal, refresh }) {
    const names = shared.deadlines.events;
    const happened = Object.entries(c.events).map(([name, at]) => ({ at, data: { event: name },
                                                                      text: names[name]?.[lang] }));
    if (c.closed) happened.push({ at: c.closed, data: { event: "closed" }, text: t("caseClosedEvent") });
    const [vault, { urls }, pictures] = await Promise.all([
      ask("vault.status"), ask("casepage.watched", { caseId: c.id }),
      ask("casepage.images", { caseId: c.id, withNew: false })]);
    if (signal.aborted) return;
    // Each copy uploaded anyway by name (the event itself keeps only the last time), its
    // removal, each complained image dropped.
    if (pictures.caught.length) {
      const i = happened.findIndex((h) => h.data.event === "similar_image_uploaded");
      if (i >= 0) happened.splice(i, 1);
    }
    for (const p of pictures.caught) {
      happened.push({ at: p.uploaded_at, data: { caught: p.id }, text: t("caseTimelineCopyUploaded", p.name) });
      if (p.removed_at) {
        happened.push({ at: p.removed_at, data: { caught: p.id, removed: p.removal || "" },
                        text: t(p.removal === "checked" ? "caseTimelineCopyRemoved"
                          : "caseTimelineCopyRemovedStated", p.name) });
      }
    }
    for (const p of pictures.complained.filter((x) => x.source === "file")) {
      happened.push({ at: p.added_at, data: { complained: p.id }, text: t("caseTimelineComplainedAdded", p.name) });
    }
    if (vault.unlocked) {
      const { items } = await ask("vault.items", { caseId: c.id });
      if (signal.aborted) return;
      const kinds = Object.fromEntries(shared.evidence_kinds.kinds.map((k) => [k.id, k.label[lang]]));
      for (const item of items.filter((i) => i.kind !== "url-check")) {
        happened.push({ at: item.captured_at, data: { item: item.id },
                        text: t("caseEvidenceAdded", kinds[item.kind] || item.kind, item.original_name || item.id) });
      }
    }
    for (const w of urls.filter((u) => u.last && !u.variant_of)) {
      happened.push({ at: w.last.checked_at, data: { url: w.url },
                      text: t("caseUrlChecked", w.url, t(`urlState_${w.last.verdict.replace("-", "_")}`)) });
    }
    happened.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    body.append(el("ul", { className: "plain timeline" }, happened.map((h) =>
      el("li", { dataset: h.data }, el("span", { className: "when", textContent: localTime(h.at, messages) }),
         h.text))));
    if (c.status !== "open") return;
    // In the order a case goes (each deadline's start, then what meets it; the rest after):
    // the cached shared data keeps no key order.
    const order = [...new Set([...shared.deadlines.deadlines.flatMap((d) => [d.from, d.done_when]),
                               ...Object.keys(names).sort()])];
    const open = order.filter((n) => n in names && !(n in c.events));
    if (!open.length) return;
    const choice = el("select", { name: "event" },
                      open.map((n) => el("option", { value: n, textContent: names[n][lang] })));
    choice.value = open[0];
    const button = el("button", { type: "button", className: "record", textContent: t("caseRecordEvent") });
    const message = el("span", { className: "message", role: "status" });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await ask("casepage.event", { caseId: c.id, event: choice.value });
        await refresh();
      } catch (e) {
        message.className = "message error";
        message.textContent = e.message;
        button.disabled = false;
      }
    }, { signal });
    body.append(el("div", { className: "row" }, el("span", { textContent: t("caseHappenedNow") }),
                   choice, button, message));
  },
};
