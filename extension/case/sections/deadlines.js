// Every deadline of the case as the agent judged it, its due time in the seller's zone and the
// time left, counting down from the agent's `ms_left` and the moment its answer came.
import { el } from "../../lib/dom.js";
import { t } from "../../lib/page-common.js";
import { localTime, timeLeft } from "../../lib/time.js";

const TICK_MS = 30000;

function left(d, arrived, messages) {
  if (d.state === "done") return messages["case.state.done"];
  if (d.ms_left === null) return t("caseDeadlineNotStarted");
  return timeLeft(d.ms_left - (Date.now() - arrived), messages);
}

export default {
  id: "deadlines",
  titleKey: "caseDeadlines",
  render(body, { case: c, arrived, messages, lang, signal }) {
    const rows = c.deadlines.map((d) => {
      const countdown = el("span", { className: "left", textContent: left(d, arrived, messages) });
      const row = el("li", { dataset: { deadline: d.id, state: d.state } },
        el("span", { className: "label", textContent: d.label[lang] }),
        el("span", { className: "deadline-state", textContent: messages[`case.state.${d.state}`] }),
        countdown,
        d.due ? el("span", { className: "due", textContent: t("caseDue", localTime(d.due, messages)) }) : null);
      return { d, countdown, row };
    });
    body.append(el("ul", { className: "plain deadlines" }, rows.map((r) => r.row)));
    const timer = setInterval(() => {
      for (const { d, countdown } of rows) countdown.textContent = left(d, arrived, messages);
    }, TICK_MS);
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  },
};
