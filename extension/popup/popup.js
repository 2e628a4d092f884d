import { ask, localise, renderState } from "../lib/page-common.js";

document.getElementById("options").addEventListener("click", () => chrome.runtime.openOptionsPage());

localise();
ask("agent.status").then((status) => renderState(document.getElementById("state"), status));
