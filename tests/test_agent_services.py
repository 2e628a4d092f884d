"""The agent's long-running work (vault idle lock, URL scheduler, folder watchers) is typed
services the app starts and stops; route modules only answer requests."""

import inspect

from aiohttp.test_utils import TestServer

from iprdesk.config import Config
from iprdesk.server.app import ROUTE_MODULES, make_app
from iprdesk.server.http import STATE_KEY
from iprdesk.server.services import FolderWatchers, UrlScheduler, VaultService


def test_route_modules_start_nothing():
    for module in ROUTE_MODULES:
        source = inspect.getsource(module)
        assert not hasattr(module, "setup"), module.__name__
        for word in ("create_task", "on_startup", "on_cleanup", "cleanup_ctx", "extras"):
            assert word not in source, (module.__name__, word)


async def test_services_run_while_the_app_runs(tmp_path, home):
    folder = tmp_path / "in"
    folder.mkdir()
    app = make_app(home, port=0, config=Config(watch=[{"in": str(folder),
                                                       "out": str(tmp_path / "out")}]))
    services = app[STATE_KEY].services
    assert isinstance(services.vault, VaultService)
    assert isinstance(services.url_scheduler, UrlScheduler)
    assert isinstance(services.folder_watchers, FolderWatchers)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        tasks = [services.vault._task, services.url_scheduler._task]
        assert not any(task.done() for task in tasks)
        await services.folder_watchers._task  # at the first answer, or soon after the start
        [watcher] = services.folder_watchers.running
    finally:
        await server.close()
    assert all(task.cancelled() for task in tasks)
    assert services.folder_watchers.running == [] and not watcher._observer.is_alive()
