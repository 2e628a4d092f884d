"""A local mock of the Joom Merchant API (v3 products/multi), for the catalogue sync and the
catalogue audit."""

from aiohttp import web

TOKEN = "tok_" + "s3cr3t" * 6
PRODUCTS = 1203  # three pages of 500


def product(i: int) -> dict:
    cdn = "https://img.joomcdn.net/"
    return {
        "id": f"p{i:05d}", "name": f"Product {i}",
        "mainImage": {"url": f"{cdn}{i:040x}_original.jpeg"},
        "extraImages": [f"{cdn}{i + 10**6:040x}_original.jpeg"],
        "variants": [{"id": f"v{i}", "mainImage": {"processed": [
            {"url": f"{cdn}{i + 2 * 10**6:040x}_1024_1024.jpeg", "width": 1024}]}},
            {"id": f"v{i}b", "mainImage": None}],
    }


class MockMerchantApi:
    """Pages of 500, rate-limit headers, one 429 with Retry-After, a bearer token check.
    `catalogues`: each store's token and its products (by default TOKEN's PRODUCTS)."""

    def __init__(self, next_link=None, catalogues: dict[str, list[dict]] | None = None):
        self.calls = []
        self.next_link = next_link
        self.catalogues = catalogues or {TOKEN: [product(i) for i in range(PRODUCTS)]}
        self.app = web.Application()
        self.app.router.add_get("/api/v3/products/multi", self.multi)

    async def multi(self, request: web.Request) -> web.Response:
        self.calls.append(dict(request.query))
        catalogue = self.catalogues.get(
            request.headers.get("Authorization", "").removeprefix("Bearer "))
        if catalogue is None:
            return web.json_response({"code": "unauthorized"}, status=401)
        if len(self.calls) == 2:  # the second request is throttled once
            return web.json_response({"code": "rate_limit"}, status=429,
                                     headers={"Retry-After": "1"})
        start = int(request.query.get("pageToken", "0"))
        limit = int(request.query["limit"])
        items = catalogue[start:start + limit]
        paging = {}
        if start + limit < len(catalogue):
            paging["next"] = self.next_link or (
                f"/api/v3/products/multi?limit={limit}&pageToken={start + limit}")
        return web.json_response({"code": 0, "data": {"items": items}, "paging": paging},
                                 headers={"X-RateLimit-Limit": "50",
                                          "X-RateLimit-Remaining": "0" if start == 500 else "40",
                                          "X-RateLimit-Reset": "1"})
