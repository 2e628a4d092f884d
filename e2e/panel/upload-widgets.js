// Upload widgets as libraries build them (file-dialog, web components, frames). Each reads
// the chosen file in its own handler and POSTs it, as the Panel's own code would.
(() => {
  const log = document.getElementById("log");

  function logged(widget, name, size) {
    const item = document.createElement("li");
    item.dataset.widget = widget;
    item.textContent = `${widget}: ${name} (${size} bytes)`;
    log.append(item);
  }

  async function upload(widget, files) {
    for (const file of files) {
      await fetch("/api/upload?name=" + encodeURIComponent(file.name), {
        method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" },
      });
      logged(widget, file.name, file.size);
    }
  }

  // The file-dialog pattern: an input made in script, listened to, clicked, never inserted.
  for (const [id, open] of [["detached-click", (i) => i.click()],
                            ["detached-picker", (i) => i.showPicker()],
                            ["detached-event", (i) => i.dispatchEvent(new MouseEvent("click"))]]) {
    document.getElementById(id).addEventListener("click", () => {
      const input = document.createElement("input");
      input.type = "file";
      input.accept = "image/*";
      input.addEventListener("change", () => upload(id, [...input.files]));
      open(input);
    });
  }

  // A web component with its input in an open shadow root: `change` does not leave it.
  customElements.define("open-uploader", class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML = `<label>Add photo (open shadow root) <input type="file" accept="image/*"></label>`;
      const input = root.querySelector("input");
      input.addEventListener("change", () => upload("open-shadow", [...input.files]));
    }
  });

  // A closed shadow root: the page sees only the host. Its button opens the hidden input
  // with showPicker(); its drop zone reads drops inside the root.
  customElements.define("closed-uploader", class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: "closed" });
      root.innerHTML = `
        <style>:host { display: block; } .zone { border: 2px dashed #999; padding: 16px; margin: 8px 0; }</style>
        <button type="button">Add photo (closed shadow root)</button>
        <input type="file" accept="image/*" hidden>
        <div class="zone">Drop photos here (closed shadow root)</div>`;
      const input = root.querySelector("input");
      root.querySelector("button").addEventListener("click", () => input.showPicker());
      input.addEventListener("change", () => upload("closed-shadow", [...input.files]));
      const zone = root.querySelector(".zone");
      zone.addEventListener("dragover", (event) => event.preventDefault());
      zone.addEventListener("drop", (event) => {
        event.preventDefault();
        upload("closed-drop", [...event.dataTransfer.files]);
      });
    }
  });

  // An input the page makes inside an about:blank frame of its own.
  const blank = document.getElementById("blank-frame");
  document.getElementById("blank-frame-pick").addEventListener("click", () => {
    const doc = blank.contentDocument;
    let input = doc.querySelector("input");
    if (!input) {
      input = doc.createElement("input");
      input.type = "file";
      input.accept = "image/*";
      input.addEventListener("change", () => upload("blank-frame", [...input.files]));
      doc.body.append(input);
    }
    input.click();
  });

  window.addEventListener("message", (event) => {
    if (event.origin === location.origin && event.data?.widget) {
      logged(event.data.widget, event.data.name, event.data.size);
    }
  });
})();
