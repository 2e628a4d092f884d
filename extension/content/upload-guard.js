// Upload guard: every image a Panel page receives through a file input, a drop or a paste is
// cleaned by the agent before the page's own code sees it (DESIGN section 5).
// Runs at document_start so its capture listeners on window come before any of the page's:
// the original event is stopped, the files are cleaned, and a new event carries the clean
// files to the page. Non-images pass untouched. If the agent is down the original passes
// (and the user is told), unless the user chose to block such uploads.
// page-world.js, in the page's world, routes showOpenFilePicker through a file input here,
// gives the page file handles for the drops replayed here, and hands over the file inputs a
// page opens without ever inserting them.
// Files go to the agent through a hidden extension frame (upload/frame.js) as Blobs; when that
// frame cannot be used, through the service worker, base64-encoded (DESIGN section 5).
// With each file goes the page's address: on the page of a product of an open case the agent
// compares the image with the case's complained images in the same answer, and one that looks
// like them waits for the seller's choice (not uploaded, or uploaded and recorded on the case).
(() => {
  const IMAGE_NAME = /\.(jpe?g|png|webp|gif|heic|heif)$/i;
  // On the service worker's path files travel base64-encoded (JSON messages): stay well
  // inside Chrome's 64 MiB message limit.
  const MAX_BYTES = 40 * 1024 * 1024;
  const TOAST_MS = 12000;
  // Events we dispatch ourselves: let them through to the page.
  const replaying = new WeakSet();
  // A file input whose selection is being cleaned, so the paired input/change both wait.
  const pending = new WeakMap();

  const isImage = (file) => file.type.startsWith("image/") || IMAGE_NAME.test(file.name);
  // By name, not instanceof: an input made in a frame's document is of that frame's class.
  const isFileInput = (node) => node?.localName === "input" && node.type === "file";

  // The extension's one base64 helper (an ES module: content scripts import it dynamically).
  const bytes = import(chrome.runtime.getURL("lib/bytes.js"));

  // -- toast -------------------------------------------------------------------------------

  const TOAST_CSS = `
    .toasts { display: flex; flex-direction: column; gap: 6px; max-width: 420px; }
    .toast { background: #1d1d1f; color: #fff; border-radius: 8px; padding: 8px 12px;
             box-shadow: 0 2px 10px rgba(0,0,0,.3); border-left: 4px solid #34c759; }
    .toast[data-kind="agent-down"], .toast[data-kind="refused"] { border-left-color: #ff9f0a; }
    .toast[data-kind="blocked"], .toast[data-kind="similar"] { border-left-color: #ff3b30; }
    .toast .lines { margin-top: 4px; opacity: .8; font-size: 12px; }
    .toast .title { font-weight: 600; }
    .toast .actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
    .toast button { font: inherit; border-radius: 6px; padding: 4px 12px; cursor: pointer;
                    border: 1px solid #8e8e93; background: #3a3a3c; color: #fff; }
    .toast button.cancel { background: #fff; color: #1d1d1f; border-color: #fff; }
  `;

  function toastList() {
    const root = iprdesk.overlay.floating("upload-guard", TOAST_CSS);
    let list = root.querySelector(".toasts");
    if (!list) {
      list = document.createElement("div");
      list.className = "toasts";
      list.setAttribute("role", "status");
      root.append(list);
    }
    return list;
  }

  // In a frame of the page (a widget's or an about:blank one, a few hundred px), a notice or
  // the question would be cut short and cover the widget: said by the guard of the tab's top
  // document instead, where the seller looks (relayed by the service worker: "upload.toTop").
  // Its answer, or undefined where no guard of ours is there (the top is not a Panel page).
  const inFrame = window !== window.top;
  async function inTop(said) {
    try {
      return await iprdesk.ask("upload.toTop", said);
    } catch (e) {
      if (e.code === "no_top_guard") return undefined;
      throw e;
    }
  }

  function toast(kind, text, lines = []) {
    if (inFrame) {
      inTop({ notice: { kind, text, lines } }).catch(() => undefined)
        .then((shown) => shown || showToast(kind, text, lines));
      return;
    }
    showToast(kind, text, lines);
  }

  function showToast(kind, text, lines) {
    const item = document.createElement("div");
    item.className = "toast";
    item.dataset.kind = kind;
    item.textContent = text;
    if (lines.length) {
      const details = document.createElement("div");
      details.className = "lines";
      details.textContent = lines.join(" · ");
      item.append(details);
    }
    toastList().append(item);
    setTimeout(() => item.remove(), TOAST_MS);
  }

  // -- an image like a complained one: the seller decides ----------------------------------

  // Resolves true for "upload anyway", false for "don't upload". Stays until one is chosen;
  // only the seller's own click counts (the page's scripts can reach this shadow root). From
  // a frame, asked in the top document; a question lost on its way (the service worker
  // stopped while the seller thought) is no choice: not uploaded.
  async function askSimilar(file, match) {
    if (inFrame) {
      const choice = await inTop({ similar: { name: file.name, match } }).catch(() => false);
      if (choice !== undefined) return choice === true;
    }
    const item = document.createElement("div");
    item.className = "toast";
    item.dataset.kind = "similar";
    item.setAttribute("role", "alertdialog");
    const title = Object.assign(document.createElement("div"), {
      className: "title", textContent: iprdesk.t("uploadSimilarTitle") });
    const body = Object.assign(document.createElement("div"), {
      className: "lines",
      textContent: iprdesk.t("uploadSimilarBody", file.name, match.complaint_id,
                             match.mirrored ? iprdesk.t("uploadSimilarMirrored") : ""),
    });
    const cancel = Object.assign(document.createElement("button"), {
      type: "button", className: "cancel", textContent: iprdesk.t("uploadSimilarCancel") });
    const anyway = Object.assign(document.createElement("button"), {
      type: "button", className: "anyway", textContent: iprdesk.t("uploadSimilarAnyway") });
    const actions = Object.assign(document.createElement("div"), { className: "actions" });
    actions.append(cancel, anyway);
    item.append(title, body, actions);
    toastList().append(item);
    cancel.focus();
    return new Promise((resolve) => {
      const choose = (choice) => (event) => {
        if (!event.isTrusted) return;
        item.remove();
        resolve(choice);
      };
      cancel.addEventListener("click", choose(false));
      anyway.addEventListener("click", choose(true));
    });
  }

  // The file once the agent's comparison with the case's complained images is answered:
  // `file` itself, or null when the seller chose not to upload it.
  async function afterCaseCheck(file, check) {
    if (!check) return file;
    if (check.verdict === "unchecked" && check.reason === "no_complained_images") {
      toast("refused", iprdesk.t("uploadNotCompared",
                                 check.cases.map((c) => c.complaint_id).join(" / ")));
      return file;
    }
    if (!check.match) return file;
    if (!await askSimilar(file, check.match)) {
      toast("blocked", iprdesk.t("uploadSimilarCancelled", file.name));
      return null;
    }
    try {
      await iprdesk.ask("upload.uploadedAnyway", { caseId: check.match.case, caught: check.match.caught });
      toast("refused", iprdesk.t("uploadSimilarRecorded", file.name, check.match.complaint_id));
    } catch (e) {
      toast("refused", iprdesk.t("uploadSimilarNotRecorded", file.name, e.message));
    }
    return file;
  }

  // -- the upload frame: the fast path to the agent -----------------------------------------
  // An extension page in a hidden iframe, inside a closed shadow root the page's scripts cannot
  // open. It tells this script (over extension messaging, which the page cannot read) a key;
  // the key comes back to it with the port of a MessageChannel, the only way it serves. Its
  // address carries a random name, by which this script tells its own frame's message from
  // that of a copy the page may embed itself (the browser sets the sender's address).

  const FRAME_URL = chrome.runtime.getURL("upload/frame.html");
  // A frame not ready this long after it loaded (blocked, or a very slow computer) is given
  // up: the service worker cleans this document's files from then on.
  const FRAME_READY_MS = 10000;
  let frame = null;  // { host, port: Promise<MessagePort>, fail(why) }
  let frameBroken = false;
  const calls = new Map();  // request id -> { resolve, reject }
  let lastCall = 0;
  // While a call waits: notices the page removing the frame (its port says nothing then).
  const removal = new MutationObserver(() => {
    if (frame && !frame.host.isConnected) dropFrame("the upload frame was removed");
  });

  const frameUnavailable = (why) => Object.assign(new Error(why), { code: "frame_unavailable" });

  function dropFrame(why) {
    const dropped = frame;
    frame = null;
    dropped?.host.remove();
    dropped?.fail(why);
    for (const { reject } of calls.values()) reject(frameUnavailable(why));
    calls.clear();
    removal.disconnect();
  }

  function answered({ data }) {
    const call = calls.get(data?.id);
    if (!call) return;
    calls.delete(data.id);
    if (!calls.size) removal.disconnect();
    if (data.error) call.reject(Object.assign(new Error(data.error.message), data.error));
    else call.resolve(data.result);
  }

  function mountFrame() {
    const host = document.createElement("iprdesk-upload-frame");
    host.style.cssText = "position:fixed;width:0;height:0;left:-10px;top:-10px;" +
                         "visibility:hidden;pointer-events:none";
    const iframe = document.createElement("iframe");
    const address = `${FRAME_URL}#${crypto.randomUUID()}`;
    iframe.src = address;
    iframe.setAttribute("aria-hidden", "true");
    iframe.tabIndex = -1;
    iframe.style.cssText = "width:0;height:0;border:0";
    host.attachShadow({ mode: "closed" }).append(iframe);
    let fail, timer;
    const port = new Promise((resolve, reject) => {
      const onReady = (message, sender) => {
        if (message?.type !== "upload.frameReady" || sender.id !== chrome.runtime.id ||
            sender.url !== address) return false;
        fail = null;
        chrome.runtime.onMessage.removeListener(onReady);
        clearTimeout(timer);
        const { port1, port2 } = new MessageChannel();
        port1.onmessage = answered;
        iframe.contentWindow.postMessage({ key: message.key }, new URL(FRAME_URL).origin, [port2]);
        resolve(port1);
        return false;
      };
      fail = (why) => {
        chrome.runtime.onMessage.removeListener(onReady);
        clearTimeout(timer);
        reject(frameUnavailable(why));
      };
      chrome.runtime.onMessage.addListener(onReady);
    });
    port.catch(() => {});
    iframe.addEventListener("load", () => {
      timer = setTimeout(() => {
        frameBroken = true;
        fail?.("the upload frame did not start");
      }, FRAME_READY_MS);
    }, { once: true });
    (document.documentElement || document).append(host);
    return { host, port, fail: (why) => fail?.(why) };
  }

  // Cleans `file` in the frame: cleanUpload's answer (background/upload-clean.js), the clean
  // file as a Blob. Throws `frame_unavailable` when the frame cannot be used.
  async function cleanInFrame(file) {
    if (frameBroken) throw frameUnavailable("the upload frame did not start");
    if (frame && !frame.host.isConnected) dropFrame("the upload frame was removed");
    frame ??= mountFrame();
    const mounted = frame;
    removal.observe(document, { childList: true, subtree: true });
    let port;
    try {
      port = await mounted.port;
    } catch (e) {
      if (frame === mounted) dropFrame(e.message);
      throw e;
    }
    const id = ++lastCall;
    return new Promise((resolve, reject) => {
      calls.set(id, { resolve, reject });
      port.postMessage({ id, name: file.name, file, page: location.href });
    });
  }

  // The agent's answer for one file, through the frame or else the service worker.
  async function askAgent(file) {
    try {
      return await cleanInFrame(file);
    } catch (e) {
      if (e.code !== "frame_unavailable") throw e;
    }
    const { toBase64, fromBase64 } = await bytes;
    const { data, ...result } = await iprdesk.ask("upload.clean", {
      name: file.name, data: toBase64(await file.arrayBuffer()), page: location.href });
    return data ? { ...result, blob: new Blob([fromBase64(data)]) } : result;
  }

  // -- cleaning ----------------------------------------------------------------------------

  // The file the page may see, or null when it must not be uploaded.
  async function cleanFile(file) {
    const lang = iprdesk.language();
    if (file.size > MAX_BYTES) {
      toast("blocked", iprdesk.t("uploadTooLarge", file.name));
      return null;
    }
    let result;
    try {
      result = await askAgent(file);
    } catch (e) {
      result = { status: "agent-down", code: e.code, block: false };
    }
    if (result.status === "cleaned") {
      const text = result.report.text[lang] || result.report.text.en;
      toast(result.report.clean ? "clean" : "cleaned", text.summary,
            result.report.clean ? [] : text.lines.slice(0, 3));
      return afterCaseCheck(new File([result.blob], result.file,
                                     { type: result.mime, lastModified: file.lastModified }),
                            result.report.case_check);
    }
    if (result.status === "busy") {
      toast("blocked", iprdesk.t("uploadAgentBusy", file.name));
      return null;
    }
    if (result.status === "refused") {
      toast("refused", iprdesk.t("uploadRefused", result.message));
      return null;
    }
    // iprdesk unusable in this browser: the reason says what happened and the fix.
    const hostDown = iprdesk.hostDown(result.code);
    const reason = result.reason || iprdesk.t("hostDownFix");
    if (result.block) {
      toast("blocked", hostDown ? iprdesk.t("uploadBlockedHostDown", file.name, reason)
        : iprdesk.t("uploadBlockedAgentDown", file.name));
      return null;
    }
    toast("agent-down", hostDown ? iprdesk.t("uploadPassedHostDown", file.name, reason)
      : iprdesk.t("uploadPassedAgentDown", file.name));
    return file;
  }

  async function cleanFiles(files) {
    const out = [];
    for (const file of files) {
      const kept = isImage(file) ? await cleanFile(file) : file;
      if (kept) out.push(kept);
    }
    return out;
  }

  // `strings`: [type, data] pairs that travel with the files (text, HTML, links).
  function asDataTransfer(files, strings = []) {
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    for (const [type, data] of strings) transfer.setData(type, data);
    return transfer;
  }

  // -- file inputs: `input` then `change` fire for one selection ---------------------------

  function onFileInput(event, input) {
    if (!isFileInput(input) || replaying.has(input)) return;
    // `change` is not composed: from an input in a shadow root it never reaches window, while
    // `input`, which comes first, does. Listen on the input itself for the rest.
    if (input.getRootNode() !== input.ownerDocument) listenOn(input, FILE_INPUT_EVENTS);
    const files = [...(input.files || [])];
    if (!pending.has(input) && !files.some(isImage)) return;
    event.stopImmediatePropagation();
    if (pending.has(input)) return;  // the second event of the same selection
    const done = cleanFiles(files).then((clean) => {
      pending.delete(input);
      if (!clean.length) {
        input.value = "";
        // As when the user closes the dialog without a choice (page-world.js listens).
        input.dispatchEvent(new Event("cancel", { bubbles: true }));
        return;
      }
      input.files = asDataTransfer(clean).files;
      replaying.add(input);
      try {
        input.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      } finally {
        replaying.delete(input);
      }
    });
    pending.set(input, done);
  }

  // -- drops and pastes: the files come in the event's DataTransfer ------------------------

  const replayed = new WeakSet();  // drop and paste events we dispatch ourselves

  // Stops an event whose DataTransfer holds images, cleans them, and dispatches
  // `make(transfer)` at its target, the transfer holding the clean files and the original's
  // strings. Resolves to the dispatched event (null if nothing was left).
  function holdForCleaning(event, target, transfer, make) {
    if (replayed.has(event)) return null;
    const files = [...(transfer?.files || [])];
    if (!files.some(isImage)) return null;
    event.stopImmediatePropagation();
    event.preventDefault();  // a drop would open the file; a paste would insert it
    // The strings can be read only while the original is being dispatched.
    const strings = transfer.types.filter((t) => t !== "Files")
      .map((type) => [type, transfer.getData(type)]);
    return cleanFiles(files).then((clean) => {
      if (!clean.length && !strings.length) return null;
      const replay = make(asDataTransfer(clean, strings));
      replayed.add(replay);
      target.dispatchEvent(replay);
      return replay;
    });
  }

  function onDrop(event, target) {
    // A drop onto a file input fills it natively and fires `change`, caught above; a
    // synthetic drop could not do that, so this one must go through untouched.
    if (isFileInput(target)) return;
    const { clientX, clientY, screenX, screenY } = event;
    holdForCleaning(event, target, event.dataTransfer, (dataTransfer) => new DragEvent("drop", {
      bubbles: true, cancelable: true, composed: true, clientX, clientY, screenX, screenY,
      dataTransfer,
    }));
  }

  // Pages that take images from Ctrl+V read `clipboardData.files` on `paste`.
  function onPaste(event, target) {
    holdForCleaning(event, target, event.clipboardData, (clipboardData) => new ClipboardEvent(
      "paste", { bubbles: true, cancelable: true, composed: true, clipboardData },
    ))?.then((paste) => {
      // A synthetic paste has no default action: put the text where the browser would have
      // (an image copied with text, as Excel and Word do, into a field no page code handles),
      // if that field still has the focus.
      const text = paste?.clipboardData.getData("text/plain");
      const focused = target.getRootNode().activeElement?.contains(target);
      if (text && focused && !paste.defaultPrevented) {
        document.execCommand("insertText", false, text);
      }
    });
  }

  // -- where the guard listens -------------------------------------------------------------
  // On window, in the capture phase, so before any listener of the page's. Some events never
  // get there with their real target: `change` in a shadow root (handled above), anything in
  // a closed shadow root (window sees only its host), and the events of an input the page
  // never inserts (page-world.js hands it over as its dialog opens). Those are caught nearer.

  const HANDLERS = { input: onFileInput, change: onFileInput, drop: onDrop, paste: onPaste };
  const FILE_INPUT_EVENTS = ["input", "change"];
  const listening = new WeakMap();  // node -> the event types the guard listens to there

  function listenOn(node, types = Object.keys(HANDLERS)) {
    const known = listening.get(node) || new Set();
    listening.set(node, known);
    for (const type of types.filter((t) => !known.has(t))) {
      known.add(type);
      node.addEventListener(type, guarded, true);
    }
  }

  function guarded(event) {
    // The innermost target visible from here (`event.target` is retargeted to hosts).
    const target = event.composedPath()[0] || event.target;
    const closed = target instanceof Element && !target.shadowRoot &&
      chrome.dom?.openOrClosedShadowRoot(target);
    if (closed) {
      // A listener added now on a node this dispatch has still to reach is called when it gets
      // there: the closed root's own listener sees the real target, in this same dispatch.
      listenOn(closed);
      return;
    }
    HANDLERS[event.type](event, target);
  }

  // page-world.js: a MouseEvent whose relatedTarget is the input (the only way a page-world
  // script can pass a node to this world). For an input inside a detached shadow host it is
  // the outermost host, whose root then gets the guard's listeners.
  window.addEventListener("iprdesk-file-input", (event) => {
    event.stopImmediatePropagation();
    const node = event.relatedTarget;
    if (isFileInput(node)) listenOn(node, FILE_INPUT_EVENTS);
    else if (node instanceof Element && chrome.dom?.openOrClosedShadowRoot(node)) {
      listenOn(chrome.dom.openOrClosedShadowRoot(node));
    }
  }, true);

  // A frame's notice or question, relayed by the service worker (see inTop): said here, in the
  // top document; the question answered with the seller's choice.
  chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (inFrame || message?.type !== "upload.fromFrame" || sender.id !== chrome.runtime.id ||
        sender.tab) return false;
    if (message.notice) {
      showToast(message.notice.kind, message.notice.text, message.notice.lines);
      sendResponse(true);
      return false;
    }
    askSimilar({ name: message.similar.name }, message.similar.match).then(sendResponse);
    return true;
  });

  listenOn(window);
  // The top document's frame is made once the page is parsed, to be ready (about 0.1 s later)
  // before anyone can choose a file; a frame inside the page makes its own at its first image.
  const mountEarly = () => { frame ??= mountFrame(); };
  if (window === window.top) {
    if (document.readyState !== "loading") mountEarly();
    else document.addEventListener("DOMContentLoaded", mountEarly, { once: true });
  }
})();
