// Upload guard, page side: this file runs in the page's own JavaScript world ("world": "MAIN"),
// where the page's functions can be replaced; it has no chrome.* APIs and defines no names.
// A page that picks files with the File System Access API (`showOpenFilePicker`, as
// react-dropzone 12 to 14.2 does by default and Mantine's Dropzone does) reads them straight
// from disk, past the guard's listeners. Here that picker is a file input instead: the chosen
// files go through upload-guard.js like any other, and the page gets handles whose getFile()
// gives the clean files. They are not real FileSystemFileHandles (nothing can be written
// back), which an upload never needs.
(() => {
  if (typeof window.showOpenFilePicker !== "function") return;

  // {types: [{accept: {"image/*": [".png", ".jpg"]}}]} -> "image/*,.png,.jpg"
  const acceptOf = (types = []) =>
    types.flatMap((type) => Object.entries(type.accept || {}).flat(2)).join(",");

  const handleOf = (file) => ({ kind: "file", name: file.name, getFile: async () => file });

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

  Object.defineProperty(window, "showOpenFilePicker", {
    value: showOpenFilePicker, writable: true, configurable: true, enumerable: true,
  });
})();
