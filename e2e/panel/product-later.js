// The Panel as a single-page app at its own pace: its shell first, then requests, the shell
// updated after every third (over a second apart: only the requests between say it is still
// coming), and at last the product page its data request brought (the product page's markup,
// answered when the test says for the products it holds: e2e/mock_panel.py). `data-api` on
// the script: the origin the data comes from (another of the Panel's hosts), else the page's.
// `data-gallery`: the page shows its main image first and the rest once its gallery request
// (`/api/products/<id>/gallery`) is answered. `data-worker`: the page starts a (dedicated)
// worker. `data-poll`: the Panel's live updates by long-poll meanwhile, a request the server
// holds until it has news, asked again as soon as it is answered (`polls`: how many were
// asked; `polledAt`: when the last one was).
(async () => {
  const { api = "", gallery, worker, poll } = document.currentScript.dataset;
  if (worker) new Worker(URL.createObjectURL(new Blob([""], { type: "text/javascript" })));
  window.polls = 0;
  (async () => {
    while (poll) {
      window.polls += 1;
      window.polledAt = performance.now();
      const news = await fetch(`/api/poll?n=${window.polls}`, { cache: "no-store" })
        .then((r) => r.text(), () => null);
      if (news === null) return;  // the Panel gone
    }
  })();
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
  const rest = gallery ? [...main.querySelectorAll("figure")].slice(1) : [];
  rest.forEach((figure) => figure.remove());
  document.getElementById("app").replaceChildren(...main.childNodes);
  document.title = "Edit product · Joom Merchant";
  if (!rest.length) return;
  await fetch(`${api}/api/products/${product}/gallery`, { cache: "no-store" });
  document.querySelector("#app figure").after(...rest);
})();
