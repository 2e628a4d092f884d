"""shared/openapi.json describes exactly the routes the agent serves."""

import json

from iprdesk.server.app import make_app
from iprdesk.server.http import DEFAULT_BODY_LIMIT
from iprdesk.text import shared_data
from iprdesk.text.shared_data import shared_dir

METHODS = {"get", "post", "put", "delete", "patch"}


def served_routes(home):
    app = make_app(home, port=17321)
    routes = {}
    for route in app.router.routes():
        if route.method in ("HEAD", "OPTIONS"):
            continue
        info = route.resource.get_info()
        path = info.get("path") or info.get("formatter")
        routes[(route.method.lower(), path)] = route.handler
    return routes


def described_routes():
    spec = shared_data.load("openapi.json")
    return {(m, path): op for path, ops in spec["paths"].items()
            for m, op in ops.items() if m in METHODS}


def test_every_route_is_described_and_every_description_is_served(home):
    assert set(served_routes(home)) == set(described_routes())


def test_auth_and_body_limits_match_the_description(home):
    served = served_routes(home)
    for key, op in described_routes().items():
        handler = served[key]
        public = op.get("security") == []
        assert public == getattr(handler, "no_auth", False), key
        limit = getattr(handler, "body_limit", DEFAULT_BODY_LIMIT)
        assert op.get("x-body-limit", DEFAULT_BODY_LIMIT) == limit, key


def test_the_description_is_valid_json_with_error_responses():
    spec = json.loads((shared_dir() / "openapi.json").read_text())
    assert spec["openapi"].startswith("3.")
    for (_, _), op in described_routes().items():
        assert op["responses"], op
