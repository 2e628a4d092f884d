// A place to drop files or pick them, for the case page's sections and fixes (`dropAction`, the
// one way they all send dropped files to the agent): the files are read as
// { name, type, data (base64) }, the listeners tied to `signal`.
import { say } from "../lib/action-button.js";
import { toBase64 } from "../lib/bytes.js";
import { el } from "../lib/dom.js";
import { t } from "../lib/page-common.js";

export { say };  // the case page's sections say their outcomes as every action button does

export const MAX_FILE_BYTES = 60 * 1024 * 1024;

export async function readFiles(fileList) {
  const files = [...fileList];
  const tooBig = files.find((f) => f.size > MAX_FILE_BYTES);
  if (tooBig) throw new Error(t("evidenceTooBig", tooBig.name));
  return Promise.all(files.map(async (f) => ({
    name: f.name, type: f.type, data: toBase64(new Uint8Array(await f.arrayBuffer())) })));
}

function dropZone({ hint, accept = "", signal, onFiles, name }) {
  const picker = el("input", { type: "file", multiple: true, accept, name });
  const choose = el("button", { type: "button", className: "choose", textContent: t("caseChooseFiles") });
  choose.addEventListener("click", () => picker.click(), { signal });
  const zone = el("div", { className: "drop" }, el("div", { textContent: hint }), choose, picker);
  const take = async (list) => {
    if (list.length) await onFiles(await readFiles(list));
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

// A drop zone whose files go to the agent: `working` is said while `send(files)` runs, then
// what `told(answer)` makes of the answer (nothing without it), then the page draws the
// sections `after` anew; an error is said in `message`, and the zone takes files again.
export function dropAction({ message, working, send, told, refresh, after, ...zone }) {
  return dropZone({ ...zone, onFiles: async (files) => {
    say(message, working, "");
    try {
      const answer = await send(files);
      if (told) say(message, told(answer));
      await refresh(...after);
    } catch (e) {
      say(message, e.message, "error");
    }
  } });
}

