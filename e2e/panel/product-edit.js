// The mock Panel's own upload code: it reads the files the user chose and POSTs them,
// as the real Panel does. iprdesk must clean files before this code sees them.
(() => {
  const status = document.getElementById("upload-status");
  const gallery = document.getElementById("gallery");

  async function upload(files) {
    for (const file of files) {
      const response = await fetch("/api/upload?name=" + encodeURIComponent(file.name), {
        method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" },
      });
      const result = await response.json();
      status.textContent = `Uploaded ${file.name} (${result.size} bytes)`;
      const figure = document.createElement("figure");
      const img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      figure.append(img);
      gallery.append(figure);
    }
  }

  document.getElementById("image-upload").addEventListener("change", (event) => {
    upload([...event.target.files]);
  });

  const zone = document.getElementById("dropzone");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    upload([...event.dataTransfer.files]);
  });

  // A drop zone as react-dropzone 14.3 with file-selector 2.x reads drops: through each
  // item's file system handle, which it trusts to be there (file-selector #106, #120).
  const handleZone = document.getElementById("handle-dropzone");
  handleZone.addEventListener("dragover", (event) => event.preventDefault());
  handleZone.addEventListener("drop", async (event) => {
    event.preventDefault();
    const items = [...event.dataTransfer.items].filter((item) => item.kind === "file");
    const files = await Promise.all(items.map(async (item) => {
      const h = await item.getAsFileSystemHandle();
      const file = await h.getFile();
      file.handle = h;
      return file;
    }));
    upload(files);
  });

  // The File System Access API's picker, as react-dropzone (useFsAccessApi) and Mantine's
  // Dropzone open it: the files are read from the handles it returns.
  document.getElementById("pick-images").addEventListener("click", async () => {
    let handles;
    try {
      handles = await window.showOpenFilePicker({
        multiple: true,
        types: [{ description: "Images", accept: { "image/*": [".jpg", ".jpeg", ".png", ".webp"] } }],
      });
    } catch (e) {
      status.textContent = e.name === "AbortError" ? "No image chosen" : `Picker failed: ${e.name}`;
      return;
    }
    upload(await Promise.all(handles.map((handle) => handle.getFile())));
  });

  // Images pasted anywhere on the page are uploaded; pasted text goes where it always goes.
  document.addEventListener("paste", (event) => upload([...event.clipboardData.files]));
})();
