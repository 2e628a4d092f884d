// What happened in the case, oldest first, in the seller's time; an event the seller reports
// (responded, offer received...) is recorded here and starts or meets its deadlines.
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";

export default {
  id: "timeline",
  titleKey: "caseTimeline",
  render(body, { case: c, shared, messages, lang, signal, refresh }) {
    const names = shared.deadlines.events;
    const happened = Object.entries(c.events).sort(([, a], [, b]) => a.localeCompare(b));
    if (c.closed) happened.push(["closed", c.closed]);
    body.append(el("ul", { className: "plain timeline" }, happened.map(([name, at]) =>
      el("li", { dataset: { event: name } },
         el("span", { className: "when", textContent: localTime(at, messages) }),
         names[name]?.[lang] || t("caseClosedEvent")))));
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
