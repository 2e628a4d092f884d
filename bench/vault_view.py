"""The extension's evidence view on a vault of 10,000 items: the popup's evidence section,
which lists the newest vault items through the agent, in Debian's headless Chromium with the
real extension and the real agent (the extension reaching it over native messaging).

The vault is built as `vault_scale.py` builds it (2 KB captures, one add each) and copied into
the browser's data directory, then unlocked through the extension. Measured, taking turns:

- the agent's route as the extension calls it (`agent-client.js`, from an extension page):
  `GET /v1/vault/items?limit=30`, what the view asks for, and `GET /v1/vault/items`, all of
  them, which the view fetched before it asked for only what it shows;
- the popup opened until its list is drawn: from the page's navigation start to the moment
  `#vault-items` holds its items, measured in the page (a MutationObserver set before the
  popup's scripts run). Then the same with a vault of only the 30 items the view shows, the
  page at no scale: the ratio of the two is what 10,000 items cost (one browser at a time, so
  each with the load average it ran at).

Median and spread of `--runs` each after one warm-up, with the load average. Target (issue
16): the evidence view < 0.5 s at 10,000 items.

    python bench/vault_view.py [--items 10000] [--runs 10] [--keep DIR]
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from bench import spread  # noqa: E402
from bench.vault_scale import PASSPHRASE, build  # noqa: E402
from e2e.conftest import launch_browser  # noqa: E402
from iprdesk.vault import Vault  # noqa: E402

# In every page before its scripts: when `#vault-items` first holds a list item.
DRAWN = """(() => {
  new MutationObserver((_, observer) => {
    if (document.querySelector("#vault-items li")) {
      window.listDrawnAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})()"""

# From an extension page: the agent's answer to `path` through the extension's agent client,
# in ms, and how many items it held.
ROUTE = """async (path) => {
  const agent = await import("/background/agent-client.js");
  const started = performance.now();
  const answer = await agent.request(path);
  return [performance.now() - started, answer.items.length, answer.total];
}"""
SHOWN = 30  # what the popup lists (extension/popup/sections/evidence.js)


def open_popup(browser) -> float:
    """ms from the popup's navigation start to its evidence list drawn."""
    page = browser.open_extension_page("popup/popup.html")
    try:
        page.wait_for_function("() => window.listDrawnAt !== undefined")
        return page.evaluate("window.listDrawnAt")
    finally:
        page.close()


def vault_of(items: int, kept: Path) -> Path:
    """The vault_scale-built vault of `items` items in `kept`, built if it is not there yet."""
    built = kept / f"vault-{items}"
    built.mkdir(parents=True, exist_ok=True)
    if not Vault.exists(built):
        print(f"building a vault of {items} items, one add each...", flush=True)
        build(built, items)
    return built


@contextmanager
def unlocked_browser(tmp: Path, vault: Path):
    """A browser with the extension and its agent on a copy of `vault`, unlocked, and an
    extension page to call the agent from."""
    (tmp / "home").mkdir(parents=True)
    shutil.copytree(Vault.location(vault), Vault.location(tmp / "home"), symlinks=True)
    with launch_browser(tmp) as browser:
        browser.context.add_init_script(DRAWN)
        page = browser.open_extension_page("popup/popup.html")
        page.evaluate("""async (passphrase) => {
            const agent = await import("/background/agent-client.js");
            await agent.request("/v1/vault/unlock", { method: "POST", json: { passphrase },
                                                     timeoutMs: 120000 });
        }""", PASSPHRASE)
        yield browser, page


def measure(tmp: Path, vault: Path, runs: int) -> dict[str, list[float]]:
    """ms of each of `runs` (after a warm-up): the route with and without the limit, the popup."""
    times = {"shown": [], "all": [], "drawn": []}
    with unlocked_browser(tmp, vault) as (browser, page):
        items = Vault.open(tmp / "home").count()  # a kept vault has vault_scale.py's adds too
        for run in range(runs + 1):  # the first of each warms up
            shown, count, total = page.evaluate(ROUTE, f"/v1/vault/items?limit={SHOWN}")
            assert count == min(SHOWN, items) and total == items, (count, total)
            everything, count, _ = page.evaluate(ROUTE, "/v1/vault/items")
            assert count == items, count
            drawn = open_popup(browser)
            if run:
                for name, ms in (("shown", shown), ("all", everything), ("drawn", drawn)):
                    times[name].append(ms)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the built vaults in DIR and reuse them (vault_scale.py's too)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kept = args.keep or tmp
        big, small = vault_of(args.items, kept), vault_of(SHOWN, kept)
        medians = {}
        # One Playwright at a time: the two vaults one after the other, each with its load.
        for items, vault in ((args.items, big), (SHOWN, small)):
            times = measure(tmp / str(items), vault, args.runs)
            medians[items] = statistics.median(times["drawn"])
            print(f"{items} items, load average {os.getloadavg()[0]:.1f}")
            print(f"  GET /v1/vault/items?limit={SHOWN} through the extension: "
                  f"{spread(times['shown'])}")
            print(f"  GET /v1/vault/items (all {items}), as the view asked before: "
                  f"{spread(times['all'])}")
            print(f"  popup opened until its evidence list is drawn: {spread(times['drawn'])}",
                  flush=True)
    print(f"evidence view at {args.items} items: median {medians[args.items]:.0f} ms (target "
          f"< 500 ms: {medians[args.items] / 500:.2f}x of budget), "
          f"{medians[args.items] / medians[SHOWN]:.2f}x the same view on {SHOWN} items")


if __name__ == "__main__":
    main()
