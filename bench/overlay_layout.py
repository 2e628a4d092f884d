"""What iprdesk's overlays cost the page on a long Panel list: the mock Panel's complaints list
served with 50, 200 and 500 rows (copies of its first row, each with its own ID), in Debian's
headless Chromium with the real extension and the real agent, at 1280x720. Measured per page:

- drawn: ms from the page's navigation start to `html[data-iprdesk-drawn]` (every row's chip
  placed with the agent's answer); the peer (no extension) to its load event;
- the renderer's main-thread time until then and until the overlays stopped moving (CDP
  Performance.getMetrics: ScriptDuration, LayoutDuration, RecalcStyleDuration, and the
  LayoutCount and RecalcStyleCount);
- one scroll (300 px down, until two frames later) and opening a card (a middle row's chip
  clicked, until two frames later): the same figures for that step alone.

Peer: the same page served under another host name in the same browser, where the extension
does not run: the ratio is what iprdesk adds. Median of `--runs` after one warm-up, with the
load average (2 cores, shared: wall times measure the wait too; the main-thread figures less).

    python bench/overlay_layout.py [--rows 50 200 500] [--runs 3]
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from e2e.conftest import launch_browser  # noqa: E402
from e2e.test_overlay_geometry import settle  # noqa: E402

PLAIN_HOST = "panel-copy.test"  # the same Panel, no extension there
METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "LayoutCount",
           "RecalcStyleCount")
# In every page before its scripts: when iprdesk marked it drawn, and when it loaded.
MARKS = """(() => {
  addEventListener("load", () => { window.benchLoaded = performance.now(); });
  new MutationObserver(() => {
    if (document.documentElement.hasAttribute("data-iprdesk-drawn")) {
      window.benchDrawn ??= performance.now();
    }
  }).observe(document, { attributes: true, subtree: true,
                         attributeFilter: ["data-iprdesk-drawn"] });
})()"""
# One step of the seller's, timed until two frames after it (the work it scheduled done).
STEP = """async (what) => {
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  await frame();
  const started = performance.now();
  if (what === "scroll") {
    scrollBy(0, 300);
  } else {
    const hosts = [...document.querySelectorAll("iprdesk-overlay[data-iprdesk-id^='complaint:']")];
    hosts[Math.floor(hosts.length / 2)].shadowRoot.querySelector(".chip").click();
  }
  await frame();
  await frame();
  return performance.now() - started;
}"""


def lengthened(render, rows: int):
    """The Panel's render with its complaints list `rows` long."""
    def render_rows(name: str) -> str:
        html = render(name)
        if name != "complaints.html":
            return html
        first = re.search(r"<tr><td>CMP-[^<]*</td>.*?</tr>", html).group(0)
        copies = "".join(re.sub(r"<td>CMP-[^<]*</td>", f"<td>LONG-{i:04d}</td>", first, count=1)
                         for i in range(1, rows - 1))
        return html.replace("</tbody>", copies + "</tbody>", 1)
    return render_rows


def metrics(cdp) -> dict[str, float]:
    got = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {name: got[name] for name in METRICS}


def delta(after: dict, before: dict) -> dict:
    return {name: after[name] - before[name] for name in METRICS}


def one_page(browser, origin: str, ours: bool) -> dict[str, dict]:
    """The figures of one page load, one scroll and (with the extension) one card opened."""
    page = browser.context.new_page()
    page.set_default_timeout(600_000)  # a loaded machine: the figures, not a timeout
    page.set_viewport_size({"width": 1280, "height": 720})
    cdp = browser.context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
    try:
        page.goto(f"{origin}/ipr/complaints")
        if ours:
            page.wait_for_function("() => window.benchDrawn !== undefined")
            ready = page.evaluate("window.benchDrawn")
        else:
            page.wait_for_function("() => window.benchLoaded !== undefined")
            ready = page.evaluate("window.benchLoaded")
        at_ready = metrics(cdp)
        if ours:
            settle(page, "/ipr/complaints")
        figures = {"load": {"ms": ready, **at_ready}, "settled": metrics(cdp)}
        for step in ("scroll", "open") if ours else ("scroll",):
            before = metrics(cdp)
            ms = page.evaluate(STEP, step)
            figures[step] = {"ms": ms, **delta(metrics(cdp), before)}
        return figures
    finally:
        page.close()


def show(label: str, runs: list[dict]) -> str:
    def med(key):
        return statistics.median(r[key] for r in runs)
    return (f"{label:<16} {med('ms'):8.0f} ms wall"
            f" | script {med('ScriptDuration') * 1000:7.0f} ms"
            f" | layout {med('LayoutDuration') * 1000:7.0f} ms ({med('LayoutCount'):6.0f} layouts)"
            f" | style {med('RecalcStyleDuration') * 1000:6.0f} ms"
            f" ({med('RecalcStyleCount'):5.0f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp, \
            launch_browser(Path(tmp), served=[PLAIN_HOST]) as browser:
        browser.context.add_init_script(MARKS)
        render = browser.panel.render
        for rows in args.rows:
            browser.panel.render = lengthened(render, rows)
            for ours, origin in ((True, browser.panel.url("")), (False, f"https://{PLAIN_HOST}")):
                results = [one_page(browser, origin, ours) for _ in range(args.runs + 1)][1:]
                who = "iprdesk" if ours else "peer (no ext.)"
                print(f"{rows} rows, {who}:")
                print("  " + show("to drawn/load", [{"ms": r["load"]["ms"], **r["load"]}
                                                    for r in results]))
                if ours:
                    print("  " + show("to settled", [{"ms": r["load"]["ms"], **r["settled"]}
                                                     for r in results]))
                for step in ("scroll", "open") if ours else ("scroll",):
                    print("  " + show(f"one {step}", [r[step] for r in results]))
            sys.stdout.flush()
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
