// Upload guard, page side: this file runs in the page's own JavaScript world ("world": "MAIN"),
// where the page's functions can be replaced; it has no chrome.* APIs and defines no names.
// upload-guard.js, in the isolated world, cleans what arrives through inputs, drops and pastes;
// two File System Access entry points need help here for the page to read what it cleaned:
// - showOpenFilePicker reads straight from disk, past the guard: it becomes a file input.
// - DataTransferItem.getAsFileSystemHandle gives no handle for the guard's replayed drop: it
//   gives one for the clean file.
// Either way the page gets read-only stand-ins for FileSystemFileHandles, whose getFile()
// gives the clean file; nothing can be written back, which an upload never needs.
// And a file input the page opens without inserting it (the file-dialog pattern) is handed
// over to the guard first: its events never reach the window the guard listens on.
(() => {
  const handleOf = (file) => ({ kind: "file", name: file.name, getFile: async () => file });

  // -- showOpenFilePicker (react-dropzone 12 to 14.2 by default, Mantine's Dropzone) -------
  // The chosen files go through upload-guard.js like any other input's.

  // {types: [{accept: {"image/*": [".png", ".jpg"]}}]} -> "image/*,.png,.jpg"
  const acceptOf = (types = []) =>
    types.flatMap((type) => Object.entries(type.accept || {}).flat(2)).join(",");

  function showOpenFilePicker({ multiple = false, types } = {}) {
    // As the real picker: only in answer to a click or a key.
    if (!navigator.userActivation.isActive) {
      return Promise.reject(new DOMException(
        "Must be handling a user gesture to show a file picker.", "SecurityError"));
    }
    return new Promise((resolve, reject) => {
      const input = document.createElement("input");
      input.type = "file";
      input.multiple = multiple;
      input.accept = acceptOf(types);
      input.hidden = true;
      // The guard stops the browser's `change` and sends its own once the files are clean;
      // `cancel` when the user closed the dialog, or when the guard let no file through.
      input.addEventListener("change", () => {
        input.remove();
        resolve([...input.files].map(handleOf));
      });
      input.addEventListener("cancel", () => {
        input.remove();
        reject(new DOMException("The user aborted a request.", "AbortError"));
      });
      (document.body || document.documentElement).append(input);
      input.click();
    });
  }

  if (typeof window.showOpenFilePicker === "function") {
    Object.defineProperty(window, "showOpenFilePicker", {
      value: showOpenFilePicker, writable: true, configurable: true, enumerable: true,
    });
  }

  // -- file inputs that are not in the document ----------------------------------------------
  // click(), showPicker() and a dispatched click event open the dialog; the guard must listen
  // on the input before it closes. The node travels as a MouseEvent's relatedTarget, which
  // both worlds share.
  const handOver = (node) => {
    if (node?.localName === "input" && node.type === "file" && !node.isConnected) {
      window.dispatchEvent(new MouseEvent("iprdesk-file-input", { relatedTarget: node }));
    }
  };

  function wrap(proto, name, before) {
    const original = proto[name];
    if (typeof original !== "function") return;
    const { [name]: wrapped } = {
      [name](...args) {
        before(this, ...args);
        return original.apply(this, args);
      },
    };
    Object.defineProperty(proto, name, {
      ...Object.getOwnPropertyDescriptor(proto, name), value: wrapped,
    });
  }

  wrap(HTMLInputElement.prototype, "click", handOver);
  wrap(HTMLInputElement.prototype, "showPicker", handOver);
  wrap(EventTarget.prototype, "dispatchEvent", (target, event) => {
    if (event?.type === "click") handOver(target);
  });

  // -- DataTransferItem.getAsFileSystemHandle (file-selector 2.x, react-dropzone 14.3) -----
  // Chromium gives handles only for a drag from the desktop; for the drop the guard replays
  // (a DataTransfer made by script) the original resolves to undefined. file-selector uses
  // the handle without checking it ("Cannot read properties of undefined (reading
  // 'getFile')", react-dropzone/file-selector #106, #120), so such a page would lose every
  // cleaned drop. A real handle passes through untouched.

  // The item's file, read at once: a real drop's items can be read only during its dispatch.
  function fileOf(item) {
    try {
      return item.kind === "file" ? item.getAsFile() : null;
    } catch {
      return null;  // not a DataTransferItem: the original's answer says so
    }
  }

  const items = window.DataTransferItem?.prototype;
  const original = items?.getAsFileSystemHandle;
  if (typeof original === "function") {
    const { getAsFileSystemHandle } = {
      getAsFileSystemHandle() {
        const file = fileOf(this);
        return original.call(this).then((handle) => handle ?? (file ? handleOf(file) : handle));
      },
    };
    Object.defineProperty(items, "getAsFileSystemHandle", {
      ...Object.getOwnPropertyDescriptor(items, "getAsFileSystemHandle"),
      value: getAsFileSystemHandle,
    });
  }
})();
