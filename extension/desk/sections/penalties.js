// Where the store stands on Joom's ladder of penalties (shared/penalties.json), from the
// banners the extension saw on the account page (GET /v1/penalties), with the warning that
// selling the same images again after a settlement closes stores.
import { el } from "../../lib/dom.js";
import { ask, t, tn } from "../../lib/page-common.js";
import { localDate, localTime } from "../../lib/time.js";
import { format, language } from "../../lib/words.js";

// What one sighting shows, in the agent's words (penalties.kind.*).
function what(s, messages) {
  if (s.penalty === "points") return format(messages["penalties.kind.points"], { points: s.points });
  if (s.penalty === "block") {
    return s.days === null ? messages["penalties.kind.permanent"]
      : format(messages["penalties.kind.block"], { days: s.days });
  }
  return messages["penalties.kind.strike"];
}

function ladder(standing, lang) {
  return el("ol", { id: "penalty-ladder", className: "ladder" }, standing.ladder.map((rung) => {
    const where = rung.step === standing.step ? "current" : rung.step < standing.step ? "past"
      : rung.step === standing.step + 1 ? "next" : "later";
    const mark = { current: t("deskPenaltyHere"), next: t("deskPenaltyNext") }[where];
    return el("li", { dataset: { step: rung.step, where } },
              el("span", { className: "rung", textContent: rung.label[lang] }),
              mark ? el("span", { className: "mark", textContent: mark }) : null);
  }));
}

async function render(container, { status, signal }) {
  if (status.state !== "connected") {
    container.append(el("p", { className: "note", textContent: t("deskNeedsAgent") }));
    return;
  }
  const [standing, shared] = await Promise.all([ask("penalties.standing"), ask("shared.get")]);
  if (signal.aborted) return;
  const lang = language();
  const messages = shared.messages[lang];
  const said = standing.current
    ? format(messages["penalties.standing"], { step: standing.step, steps: standing.ladder.length,
                                               label: standing.current.label[lang] })
    : messages["penalties.standing_none"];
  const next = standing.next ? format(messages["penalties.next"], { label: standing.next.label[lang] })
    : messages["penalties.last"];
  container.dataset.step = standing.step;
  container.append(el("p", { id: "penalty-standing", className: "standing", textContent: said }),
                   ladder(standing, lang),
                   el("p", { id: "penalty-next", textContent: next }));
  if (standing.strikes) {
    container.append(el("p", { className: "note", textContent: tn("deskPenaltyStrikes", standing.strikes) }));
  }
  container.append(el("p", { id: "penalty-warning", className: "warning", textContent: standing.warning[lang] }));
  if (!standing.sightings.length) {
    container.append(el("p", { className: "note", id: "penalty-none", textContent: messages["penalties.none"] }));
    return;
  }
  // Most recent first; the date the banner gives, else when it was first seen.
  container.append(el("h3", { textContent: t("deskPenaltyHistory") }),
    el("ul", { id: "penalty-sightings", className: "sightings" }, [...standing.sightings].reverse().map((s) =>
      el("li", { dataset: { penalty: s.penalty } },
         el("strong", { textContent: what(s, messages) }), " ",
         el("span", { className: "note", textContent: s.stated_date
           ? t("deskPenaltyStated", localDate(s.stated_date, messages), localTime(s.first_seen, messages)) : t("deskPenaltySeen", localTime(s.first_seen, messages)) }),
         el("div", { className: "banner-text", textContent: s.text })))));
}

export default { id: "penalties", titleKey: "deskSectionPenalties", render };
