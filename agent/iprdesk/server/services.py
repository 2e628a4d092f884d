"""The agent's long-running services, owned by the app: started on start-up, stopped on
clean-up, reached by routes as typed fields of `AgentState.services` (no string keys)."""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from iprdesk.casework import old_urls
from iprdesk.metadata.watcher import FolderWatcher, watchers_from_config
from iprdesk.vault.session import VaultSession

# The logs each service wrote to when it lived in its route module.
vault_log = logging.getLogger("iprdesk.vault")
url_log = logging.getLogger("iprdesk.urlwatch")
# How often the idle lock is checked; an unlock lasts `vault_idle_lock_seconds` plus at most this.
IDLE_TICK_SECONDS = 1.0
# How often the scheduler looks for due URLs; the schedule itself is in urls/watch.py.
SCHEDULER_TICK_SECONDS = 60.0


async def _cancel(task: asyncio.Task | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@dataclass
class VaultService:
    """The vault session, locked after `vault_idle_lock_seconds` without use and on stop."""
    session: VaultSession
    # One Argon2id at a time: a flood of guesses queues up instead of eating every core.
    unlock_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._auto_lock())

    async def stop(self) -> None:
        await _cancel(self._task)
        await asyncio.to_thread(self.session.lock)  # signs a checkpoint: disk writes

    async def _auto_lock(self) -> None:
        while True:
            await asyncio.sleep(IDLE_TICK_SECONDS)
            if await asyncio.to_thread(self.session.lock_if_idle):
                vault_log.info("vault locked after %d s without use", self.session.idle_seconds)


@dataclass
class UrlScheduler:
    """Re-checks the watched old URLs that are due, every tick or when woken."""
    home: Path
    tick_seconds: float = SCHEDULER_TICK_SECONDS
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task | None = None

    def wake(self) -> None:
        """Run a pass now (URLs were just added)."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        await _cancel(self._task)

    async def _run(self) -> None:
        while True:
            self._wake.clear()  # a wake-up during this pass triggers the next one
            try:
                checked = await old_urls.run_due_checks(self.home)
                if checked:
                    url_log.info("re-checked %d watched URL(s)", checked)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bad pass must not stop the schedule
                url_log.exception("scheduled URL check failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.tick_seconds)


@dataclass
class FolderWatchers:
    """The folders of config.json `watch`, cleaned as photos land in them."""
    config: list[dict]
    running: list[FolderWatcher] = field(default_factory=list)

    async def start(self) -> None:
        self.running = watchers_from_config(self.config)
        for watcher in self.running:
            watcher.start()

    async def stop(self) -> None:
        for watcher in self.running:
            watcher.stop()
        self.running = []


@dataclass
class Services:
    vault: VaultService
    url_scheduler: UrlScheduler
    folder_watchers: FolderWatchers

    @contextlib.asynccontextmanager
    async def running(self):
        """Start every service; stop the started ones, last first, however the block ends."""
        async with contextlib.AsyncExitStack() as stack:
            for service in (self.vault, self.url_scheduler, self.folder_watchers):
                await service.start()
                stack.push_async_callback(service.stop)
            yield
