// The case's evidence by kind (read from the vault, which must be unlocked for it), each
// document's kind changeable, a newer proof marked as replacing the older; documents dropped
// here are sealed into the vault under this case, filed by the kind their content shows.
import { el } from "../../lib/dom.js";
import { ask, t } from "../../lib/page-common.js";
import { localTime } from "../../lib/time.js";
import { dropAction, say } from "../drop.js";
import { vaultGate } from "../vault-gate.js";

// Which items a newer one of the same kind replaced (shared/evidence_kinds.json's rule; the
// agent's vault/meta.py:split_superseded reads it the same way).
function superseded(items, kinds) {
  const newest = new Map();
  for (const item of items) {
    if (!kinds.find((k) => k.id === item.kind)?.newer_supersedes) continue;
    const best = newest.get(item.kind);
    if (!best || `${item.captured_at}${item.added_at}` >= `${best.captured_at}${best.added_at}`) {
      newest.set(item.kind, item);
    }
  }
  return new Set(items.filter((i) => newest.has(i.kind) && newest.get(i.kind) !== i).map((i) => i.id));
}

function kindPicker(item, kinds, lang, signal, refresh, message) {
  const own = kinds.filter((k) => k.document || k.id === item.kind);
  const select = el("select", { className: "kind", title: t("caseDocumentKind") },
    own.map((k) => el("option", { value: k.id, textContent: k.label[lang], selected: k.id === item.kind })));
  select.addEventListener("change", async () => {
    select.disabled = true;
    try {
      await ask("casepage.setKind", { itemId: item.id, kind: select.value });
      await refresh("documents", "preflight", "images", "timeline", "drafts");
    } catch (e) {
      say(message, e.message, "error");
      select.disabled = false;
    }
  }, { signal });
  return select;
}

export default {
  id: "documents",
  titleKey: "caseDocuments",
  async render(body, { case: c, shared, messages, lang, signal, refresh }) {
    const kinds = shared.evidence_kinds.kinds;
    const message = el("p", { className: "message", role: "status" });
    body.append(dropAction({
      hint: t("caseDropDocuments"), signal, name: "documents",
      message, working: t("evidenceSaving"), refresh,
      after: ["documents", "preflight", "images", "timeline", "drafts"],
      send: (files) => ask("evidence.add", { files, meta: { case: c.id } }),
      told: ({ items }) => items.map((i) => t("caseDocumentFiled", i.original_name,
        kinds.find((k) => k.id === i.kind)?.label[lang] || i.kind)).join("\n") }), message);
    const list = el("div", { className: "list" });
    body.append(list);
    const vault = await vaultGate(list, { signal, refresh });
    if (!vault) return;
    // Page archives and URL checks are the page's and the checks' own records, not documents.
    const documentKinds = new Set(kinds.filter((k) => k.document).map((k) => k.id));
    const items = (await ask("vault.items", { caseId: c.id })).items.filter((i) => documentKinds.has(i.kind));
    if (signal.aborted) return;
    if (!items.length) {
      list.append(el("p", { className: "note none", textContent: t("caseNoDocuments") }));
      return;
    }
    const old = superseded(items, kinds);
    for (const kind of kinds) {
      const mine = items.filter((i) => i.kind === kind.id);
      if (!mine.length) continue;
      list.append(el("h3", { textContent: kind.label[lang] }), el("ul", { className: "plain documents" },
        mine.map((item) => el("li", { dataset: { item: item.id, kind: item.kind },
                                      className: old.has(item.id) ? "superseded" : "" },
          el("span", { className: "name", textContent: item.original_name || item.id }),
          old.has(item.id) ? el("span", { className: "note", textContent: t("caseSuperseded") }) : null,
          el("span", { className: "when", textContent: localTime(item.captured_at, messages) }),
          kindPicker(item, kinds, lang, signal, refresh, message)))));
    }
  },
};
