"""Build the agent's aiohttp application from the route modules."""

from pathlib import Path

from aiohttp import web

from iprdesk.config import Config
from iprdesk.server.http import MAX_BODY_LIMIT, STATE_KEY, AgentState
from iprdesk.server.load import WorkQueue
from iprdesk.server.pairing import AuthStore
from iprdesk.server.routes import cases, catalog, evidence, health, pagemap, pair, seller, strip
from iprdesk.server.routes import similar as similar_routes
from iprdesk.server.routes import urls as url_routes
from iprdesk.server.security import front_door, no_store
from iprdesk.text import shared_data

# One module per concern; each exposes `routes` (a RouteTableDef) and may expose
# `setup(app)` for start-up and clean-up work.
ROUTE_MODULES = [health, catalog, pagemap, pair, url_routes, cases, seller, strip, evidence,
                 similar_routes]


def make_app(home: Path, port: int, config: Config | None = None) -> web.Application:
    config = config or Config.load(home)
    ids = shared_data.extension_ids() + list(config.extra_extension_ids)
    app = web.Application(middlewares=[front_door], client_max_size=MAX_BODY_LIMIT)
    app[STATE_KEY] = AgentState(
        home=home,
        config=config,
        auth=AuthStore(home),
        port=port,
        allowed_origins=frozenset(f"chrome-extension://{i}" for i in ids),
        work=WorkQueue(config.work_queue_depth),
    )

    async def stop_work(app: web.Application) -> None:
        app[STATE_KEY].work.close()

    app.on_cleanup.append(stop_work)
    app.on_response_prepare.append(no_store)
    for module in ROUTE_MODULES:
        app.add_routes(module.routes)
        if hasattr(module, "setup"):
            module.setup(app)
    return app
