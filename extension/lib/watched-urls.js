// A watched old image URL as a row of a list, the same on the case page, the popup and the
// options page: its verdict, the URL, when it was last checked (local time, zone named), how
// many other CDN sizes of the image are watched with it and, where the page offers it,
// "remove" (the agent takes it off the watch list and off its case, its sizes with it).
import { actionButton } from "./action-button.js";
import { el } from "./dom.js";
import { ask, t, tn } from "./page-common.js";
import { localTime } from "./time.js";

// The URLs as the agent lists them, by case (in the agent's order): each old URL with the
// other CDN sizes watched for it.
export function byCase(urls) {
  const cases = new Map();
  for (const w of urls) cases.set(w.case, [...(cases.get(w.case) || []), w]);
  return cases;
}

// A URL verdict's colour from the agent's lists (shared/verdicts.json): still public is bad,
// gone or done is good.
function verdictClass(state, verdicts) {
  if (verdicts.still_public.includes(state)) return "bad";
  return verdicts.gone.includes(state) || state === "done" ? "good" : "";
}

export const sizesOf = (w, watched) => watched.filter((v) => v.variant_of === w.url);

// `words`: { verdicts, messages } (the shared data's verdict lists and the user's language's
// time words); `sizes`: how many other sizes are watched with it; `remove`: { signal,
// onRemoved } to offer "remove", `onRemoved` drawing the list again once the agent confirmed.
export function watchedRow(w, { verdicts, messages }, { sizes = 0, remove = null } = {}) {
  const about = el("div", { className: "about" },
    el("div", {}, el("span", { className: `verdict ${verdictClass(w.state, verdicts)}`,
                               textContent: t(`urlState_${w.state.replace("-", "_")}`) }),
       " ", el("span", { className: "url", textContent: w.url, title: w.url })),
    el("div", { className: "note last-check", textContent: w.last
      ? t("urlLastCheck", localTime(w.last.checked_at, messages)) : t("urlNotCheckedYet") }),
    sizes ? el("div", { className: "note sizes", textContent: tn("urlOtherSizes", sizes) }) : null);
  const row = el("li", { className: "watched-url", dataset: { url: w.url, state: w.state } }, about);
  if (remove) row.append(...removeAction(w, remove));
  return row;
}

// The button, and below the row what went wrong (the agent's message, in the user's language).
// A URL that served the complained picture asks first, in the row, whether new uploads are
// still compared with that picture (kept unless the seller unticks it): removing the URL
// alone would forget it. Removed, but the list not drawn again (the agent stopped answering
// in between): the row says it was removed, and offers to refresh the list rather than to
// remove it again.
function removeAction(w, { signal, onRemoved }) {
  const message = el("div", { className: "message", role: "status" });
  const button = el("button", { type: "button", className: "remove-url",
                                "aria-label": t("urlRemoveNamed", w.url), title: t("urlRemoveWhat"),
                                textContent: t("urlRemove") });
  const notRedrawn = (e) => t("urlRemovedNotRefreshed", e.message);
  const refresh = actionButton(
    el("button", { type: "button", className: "refresh-urls", hidden: true,
                   textContent: t("urlListRefresh") }),
    message, onRemoved, { signal, working: t("urlListRefreshing"), failed: notRedrawn });
  const remove = (keepPicture) => async () => {
    await ask("urls.remove", { case: w.case, url: w.url, keepPicture });
    try {
      await onRemoved();
    } catch (e) {
      e.removed = true;
      for (const control of [button, question]) if (control) control.hidden = true;
      refresh.hidden = false;
      throw e;
    }
  };
  const said = { signal, working: t("urlRemoving"),
                 failed: (e) => (e.removed ? notRedrawn(e) : t("urlRemoveFailed", e.message)) };
  let question = null;
  if (!w.reference) return [actionButton(button, message, remove(true), said), refresh, message];
  const keep = el("input", { type: "checkbox", className: "keep-picture", checked: true });
  const confirm = el("button", { type: "button", className: "remove-confirm",
                                 textContent: t("urlRemoveConfirm") });
  const cancel = el("button", { type: "button", className: "remove-cancel",
                                textContent: t("urlRemoveCancel") });
  question = el("div", { className: "remove-ask", hidden: true, role: "group" },
    el("p", { textContent: t("urlRemoveAsk") }),
    el("label", {}, keep, " ", t("urlRemoveKeepPicture")),
    el("div", { className: "row" }, confirm, " ", cancel));
  const asking = (open) => {
    question.hidden = !open;
    button.hidden = open;
    (open ? confirm : button).focus();
  };
  button.addEventListener("click", () => asking(true), { signal });
  cancel.addEventListener("click", () => asking(false), { signal });
  actionButton(confirm, message, () => remove(keep.checked)(), said);
  return [button, question, refresh, message];
}
