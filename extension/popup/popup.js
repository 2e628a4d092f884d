import { ask, localise, showStatus } from "../lib/page-common.js";
import { sections } from "./sections/index.js";

document.getElementById("options").addEventListener("click", () => chrome.runtime.openOptionsPage());
document.getElementById("open-desk").addEventListener("click", () => ask("ui.openDesk").then(() => window.close()));

localise();
showStatus(document.getElementById("state")).then((status) => {
  const main = document.getElementById("sections");
  for (const section of sections) {
    const el = document.createElement("section");
    el.id = `section-${section.id}`;
    main.append(el);
    // One broken section must not take the popup down with it.
    Promise.resolve().then(() => section.render(el, status)).catch((e) => {
      el.textContent = e.message;
      el.className = "message error";
    });
  }
});
