"""Build the agent's aiohttp application from the route modules."""

from pathlib import Path

from aiohttp import web

from iprdesk.config import Config
from iprdesk.lazy import lazy_module
from iprdesk.server.http import MAX_BODY_LIMIT, STATE_KEY, AgentState
from iprdesk.server.load import WorkQueue
from iprdesk.server.pairing import AuthStore
from iprdesk.server.routes import (
    backup,
    cases,
    clock,
    deadlines,
    evidence,
    health,
    pagemap,
    pair,
    provenance,
    seller,
    session,
    shared,
    strip,
)
from iprdesk.server.routes import penalties as penalty_routes
from iprdesk.server.routes import similar as similar_routes
from iprdesk.server.routes import urls as url_routes
from iprdesk.server.security import front_door, no_store
from iprdesk.server.services import (
    FolderWatchers,
    Holds,
    OriginalSealer,
    ProvenanceAudits,
    Services,
    UrlScheduler,
    VaultService,
)
from iprdesk.text import shared_data
from iprdesk.timeutil import Clock
from iprdesk.vault.session import VaultSession

# Loaded by the first upload or watched photo, not by the agent's start (server/run.py).
originals = lazy_module("iprdesk.provenance.originals")
upload_check = lazy_module("iprdesk.casework.upload_check")

# One module per concern; each exposes `routes` (a RouteTableDef). Long-running work is a
# service of server/services.py, not a route module's.
ROUTE_MODULES = [health, session, shared, pagemap, pair, url_routes, cases, deadlines, clock,
                 seller, provenance, strip, evidence, similar_routes, penalty_routes, backup]


def make_app(home: Path, port: int, config: Config | None = None, *, managed: bool = False,
             grace_seconds: float = 30.0) -> web.Application:
    """`managed`: started by a native host, the agent stops `grace_seconds` after the last
    browser let go of it unless it watches folders (services.Holds)."""
    config = config or Config.load(home)
    ids = shared_data.extension_ids() + list(config.extra_extension_ids)
    auth = AuthStore(home)
    vault_session = VaultSession(home, config.vault_idle_lock_seconds)

    def keep_original(sealed_by: str):
        def keep(*args, **kwargs):  # provenance/originals.py loads with the first original
            return originals.keeper(home, lambda: vault_session.vault(activity=False),
                                    sealed_by)(*args, **kwargs)
        return keep

    sealer = OriginalSealer(keep_original("upload"), keep_original("folder"),
                            lambda page: upload_check.page_product(home, page),
                            enabled=config.seal_originals)

    app = web.Application(middlewares=[front_door], client_max_size=MAX_BODY_LIMIT)
    app[STATE_KEY] = AgentState(
        home=home,
        config=config,
        auth=auth,
        port=port,
        allowed_origins=frozenset(f"chrome-extension://{i}" for i in ids),
        work=WorkQueue(config.work_queue_depth),
        services=Services(
            vault=VaultService(vault_session),
            url_scheduler=UrlScheduler(home),
            folder_watchers=FolderWatchers(config.watch, sealer.seal_before_writing),
            holds=Holds(auth, managed=managed, watching=bool(config.watch),
                        grace_seconds=grace_seconds),
            originals=sealer,
            audits=ProvenanceAudits(),
        ),
        clock=Clock.from_environment(),
    )

    async def run_services(app: web.Application):
        async with app[STATE_KEY].services.running():
            yield

    async def let_holds_go(app: web.Application) -> None:
        app[STATE_KEY].services.holds.stopping.set()

    async def stop_work(app: web.Application) -> None:
        app[STATE_KEY].work.close()

    async def answered(request: web.Request, response: web.StreamResponse) -> None:
        app[STATE_KEY].services.folder_watchers.first_answer.set()

    # Clean-up contexts end before on_cleanup runs: services stop, then the work queue.
    app.cleanup_ctx.append(run_services)
    app.on_shutdown.append(let_holds_go)  # before aiohttp waits for open requests to end
    app.on_cleanup.append(stop_work)
    app.on_response_prepare.append(no_store)
    app.on_response_prepare.append(answered)
    for module in ROUTE_MODULES:
        app.add_routes(module.routes)
    return app
