// The case page's sections and fixes send dropped or chosen files to the agent one way
// (`dropAction`), through lib/drop-zone.js.
import { say } from "../lib/action-button.js";
import { dropZone } from "../lib/drop-zone.js";

export { say };  // the case page's sections say their outcomes as every action button does

// A drop zone whose files go to the agent: `working` is said while `send(files)` runs, then
// what `told(answer)` makes of the answer (nothing without it), then the page draws the
// sections `after` anew; an error is said in `message`, and the zone takes files again.
export function dropAction({ message, working, send, told, refresh, after, ...zone }) {
  return dropZone({ ...zone, onError: (e) => say(message, e.message, "error"), onFiles: async (files) => {
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

