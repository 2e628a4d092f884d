// A button that asks the agent, the same on every extension page: pressed, it is disabled and
// its message line says it is working; then the line says what the work returned (a string:
// done), or nothing when the work drew the page anew, or the error in the user's language (the
// agent words its errors in it), and the button can be pressed again.
import { t } from "./page-common.js";

// The message line `box` says `text`; `kind` ("ok", "error" or "") colours it.
export function say(box, text, kind = "ok") {
  box.className = `message ${kind}`;
  box.textContent = text;
}

// `work()` asks the agent: a string it returns is said as done; `false` means it said itself
// why it did nothing. `working`: what the line says meanwhile; `failed(error)`: the error's words.
export function actionButton(button, message, work,
                             { working = t("checking"), failed = (e) => e.message, signal } = {}) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    say(message, working, "");
    try {
      const done = await work();
      if (typeof done === "string") say(message, done);
      else if (done !== false) say(message, "", "");
    } catch (e) {
      say(message, failed(e), "error");
    }
    button.disabled = false;
  }, { signal });
  return button;
}
