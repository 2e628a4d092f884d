// A place to drop files or pick them with a "Choose files" button in the page's language (the
// browser's own file input would say "Choose Files / No file chosen" in its): the case page's
// sections and fixes, and the popup's documents. Files are read as
// { name, type, data (base64) }, the listeners tied to `signal`.
import { toBase64 } from "./bytes.js";
import { el } from "./dom.js";
import { t } from "./page-common.js";

export const MAX_FILE_BYTES = 60 * 1024 * 1024;

export async function readFiles(fileList) {
  const files = [...fileList];
  const tooBig = files.find((f) => f.size > MAX_FILE_BYTES);
  if (tooBig) throw new Error(t("evidenceTooBig", tooBig.name));
  return Promise.all(files.map(async (f) => ({
    name: f.name, type: f.type, data: toBase64(new Uint8Array(await f.arrayBuffer())) })));
}

// `onError(error)`: files that cannot be taken (one too large); `id` and `pickerId` name the
// zone and its (hidden) file input.
export function dropZone({ hint, accept = "", signal, onFiles, onError, name, id, pickerId }) {
  const picker = el("input", { type: "file", multiple: true, accept, name,
                               ...(pickerId ? { id: pickerId } : {}) });
  const choose = el("button", { type: "button", className: "choose", textContent: t("caseChooseFiles") });
  choose.addEventListener("click", () => picker.click(), { signal });
  const zone = el("div", { className: "drop", ...(id ? { id } : {}) },
                  el("div", { textContent: hint }), choose, picker);
  const take = async (list) => {
    if (!list.length) return;
    let files;
    try {
      files = await readFiles(list);
    } catch (e) {
      if (!onError) throw e;
      onError(e);
      return;
    }
    await onFiles(files);
  };
  picker.addEventListener("change", () => take(picker.files).finally(() => { picker.value = ""; }),
                          { signal });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); }, { signal });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"), { signal });
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    take(e.dataTransfer.files);
  }, { signal });
  return zone;
}
