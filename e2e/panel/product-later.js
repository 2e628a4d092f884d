// The Panel as a single-page app at its own pace: its shell first, then requests, the shell
// updated after every third (over a second apart: only the requests between say it is still
// coming), and at last the product page its data request brought (the product page's markup,
// answered when the test says for the products it holds: e2e/mock_panel.py). `data-api` on
// the script: the origin the data comes from (another of the Panel's hosts), else the page's.
(async () => {
  const api = document.currentScript.dataset.api || "";
  const product = location.pathname.split("/")[2];
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let step = 1; step <= 2; step++) {
    for (let i = 0; i < 3; i++) {
      await pause(400);
      await fetch(`/static/panel.css?step=${step}.${i}`, { cache: "no-store" });
    }
    document.getElementById("loading").textContent = `Loading… ${step}/2`;
  }
  window.requestedAt = performance.now();
  const page = await (await fetch(`${api}/api/products/${product}`, { cache: "no-store" })).text();
  const main = new DOMParser().parseFromString(page, "text/html").querySelector("main");
  document.getElementById("app").replaceChildren(...main.childNodes);
  document.title = "Edit product · Joom Merchant";
})();
