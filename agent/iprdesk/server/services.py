"""The agent's long-running services, owned by the app: started on start-up, stopped on
clean-up, reached by routes as typed fields of `AgentState.services` (no string keys)."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from iprdesk.config import watch_entries
from iprdesk.errors import Conflict, IprdeskError
from iprdesk.lazy import lazy_module
from iprdesk.server.pairing import AuthStore
from iprdesk.vault.session import VaultSession

# Loaded when a service first needs them, not by the agent's start (server/run.py).
old_urls = lazy_module("iprdesk.casework.old_urls")
watcher = lazy_module("iprdesk.metadata.watcher")
audit = lazy_module("iprdesk.provenance.audit")

# The logs each service wrote to when it lived in its route module.
vault_log = logging.getLogger("iprdesk.vault")
url_log = logging.getLogger("iprdesk.urlwatch")
native_log = logging.getLogger("iprdesk.native")
provenance_log = logging.getLogger("iprdesk.provenance")
watch_log = logging.getLogger("iprdesk.watch")
# How often the idle lock is checked; an unlock lasts `vault_idle_lock_seconds` plus at most this.
IDLE_TICK_SECONDS = 1.0
# How often the scheduler looks for due URLs; the schedule itself is in urls/watch.py.
SCHEDULER_TICK_SECONDS = 60.0
# Its first pass waits this long after the start (or until woken): it loads the URL checker,
# the cases and the vault, which the browser's first requests must not wait behind.
SCHEDULER_FIRST_PASS_SECONDS = 1.0
# The folder watchers start at the agent's first answer, or this long after its start.
WATCH_START_SECONDS = 1.0


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
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), SCHEDULER_FIRST_PASS_SECONDS)
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
    """The folders of config.json `watch`, cleaned as photos land in them; `keep_original`
    seals each original before its clean copy is written (None: off).

    Watching starts once the agent has answered its first request (`first_answer`), or
    WATCH_START_SECONDS after the start without one: loading the watcher (watchdog, the
    cleaners) and sweeping the folders would otherwise come before a browser's first answer.
    The entries are checked at the start itself: a wrong one still stops it."""
    config: list[dict]
    keep_original: Callable | None = None
    running: list = field(default_factory=list)  # of metadata.watcher.FolderWatcher
    first_answer: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task | None = None
    _stopped: bool = False

    async def start(self) -> None:
        if not self.config:  # nothing watched: the watcher and its decoders are not loaded
            return
        watch_entries(self.config)
        self._task = asyncio.create_task(self._start_soon())

    async def _start_soon(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.first_answer.wait(), WATCH_START_SECONDS)
        if self._stopped:
            return
        try:  # in a thread: the imports and the sweep of the folders
            self.running = await asyncio.to_thread(self._started)
        except Exception:  # noqa: BLE001 - the agent serves on; the log says why
            watch_log.exception("could not start watching the configured folders")

    def _started(self) -> list:
        running = []
        try:
            for folder in watcher.watchers_from_config(self.config,
                                                       keep_original=self.keep_original):
                folder.start()
                running.append(folder)
        except BaseException:
            for folder in running:
                folder.stop()
            raise
        return running

    async def stop(self) -> None:
        self._stopped = True
        self.first_answer.set()
        if self._task is not None:  # not cancelled: a start under way ends, then stops
            await asyncio.gather(self._task, return_exceptions=True)
        for folder in self.running:
            folder.stop()
        self.running = []


@dataclass
class OriginalSealer:
    """Seals the original of each image the upload guard or a watched folder cleans
    (provenance/originals.py): the upload's after the clean copy has been answered, so it
    never waits on the vault; a folder's before its clean copy is written. `enabled` follows
    config.json's `seal_originals`, switched while the agent runs (PUT /v1/provenance/settings)."""
    keep_upload: Callable
    keep_folder: Callable
    product_of_page: Callable[[str | None], str | None]  # casework.upload_check.page_product
    enabled: bool = True
    _pending: set[asyncio.Task] = field(default_factory=set)

    def seal_later(self, name: str, original: bytes, clean: Callable[[], bytes],
                   page: str | None = None) -> bool:
        """Seal in a thread once the caller has answered, under the product the upload's
        Panel page edits; False when sealing is off. `clean()` makes the clean copy's bytes,
        in that thread (joining megabytes is not the event loop's work)."""
        if not self.enabled:
            return False
        task = asyncio.get_running_loop().create_task(
            asyncio.to_thread(self._seal_upload, name, original, clean, page))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return True

    def _seal_upload(self, name: str, original: bytes, clean, page: str | None):
        try:
            product = self.product_of_page(page)
        except IprdeskError:  # a damaged case file: the original is still kept, unnamed
            provenance_log.exception("no product for the page %s was uploaded on", name)
            product = None
        return self.keep_upload(name, original, clean(), product)

    def seal_before_writing(self, name: str, original: bytes, clean) -> None:
        """The folder watchers' `keep_original`: seals in the watcher's thread when on."""
        if self.enabled:
            self.keep_folder(name, original, clean)

    async def settled(self) -> None:
        """Wait for the originals being sealed now (the agent stopping, a test)."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        await self.settled()


@dataclass
class ProvenanceAudits:
    """The catalogue audit by provenance (provenance/audit.py), one at a time, in a thread of
    its own (it reads every image of the folders); the desk follows `job` for its progress."""
    job: "audit.Job | None" = None
    _task: asyncio.Task | None = None

    def begin(self, job: "audit.Job", work: Callable[["audit.Job"], list]) -> "audit.Job":
        """Start `job` doing `work` (audit.audit_folders, catalogue.audit_stores)."""
        if self.job is not None and self.job.running:
            raise Conflict(key="provenance.audit.running")
        self.job = job
        self._task = asyncio.get_running_loop().create_task(asyncio.to_thread(job.run, work))
        return job

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        if self.job is not None:
            self.job.stop()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class Holds:
    """The browsers holding this agent: one native host per open native messaging port, each
    through a `POST /v1/session/hold` connection that lasts as long as the port.

    A browser session token is valid only while its host holds it; when the hold ends (the
    port closed, the host killed) the token is revoked. The lifetime rule: a managed agent
    (one a native host started) stops `grace_seconds` after the last hold ended, unless it
    watches folders; an agent started by hand (`iprdesk agent`) runs until it is stopped.
    """
    auth: AuthStore
    managed: bool = False
    watching: bool = False
    grace_seconds: float = 30.0
    on_idle: object = None  # called when a managed agent has nothing left to do
    held: dict[str, int] = field(default_factory=dict)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _idle: asyncio.Task | None = None

    def holds(self, token_id: str) -> bool:
        return self.held.get(token_id, 0) > 0

    @contextlib.asynccontextmanager
    async def hold(self, token_id: str):
        """The block is one host's hold: the session `token_id` is valid inside it."""
        await _cancel(self._idle)
        self._idle = None
        self.held[token_id] = self.held.get(token_id, 0) + 1
        native_log.info("a browser holds the agent (%d hold(s))", sum(self.held.values()))
        try:
            yield
        finally:
            self.held[token_id] -= 1
            if not self.held[token_id]:
                del self.held[token_id]
                await self._revoke(token_id)
            native_log.info("a browser let go of the agent (%d hold(s) left)",
                            sum(self.held.values()))
            self._arm()

    async def _revoke(self, token_id: str) -> None:
        # The session is already refused (no hold); a failed write (its data directory gone,
        # a full disk) must not keep a managed agent from stopping once nothing holds it.
        try:
            await asyncio.to_thread(self.auth.revoke, token_id, True)
        except (OSError, IprdeskError) as e:
            native_log.warning("could not forget an ended browser session: %s",
                               getattr(e, "strerror", None) or type(e).__name__)

    def _arm(self) -> None:
        if self.managed and not self.watching and not self.held and not self.stopping.is_set():
            self._idle = asyncio.create_task(self._stop_when_idle())

    async def _stop_when_idle(self) -> None:
        await asyncio.sleep(self.grace_seconds)
        native_log.info("no browser holds the agent and no folder is watched: stopping")
        if self.on_idle is not None:
            self.on_idle()

    async def start(self) -> None:
        self._arm()

    async def stop(self) -> None:
        self.stopping.set()  # hold connections end, so their hosts see the agent go
        await _cancel(self._idle)


@dataclass
class Services:
    vault: VaultService
    url_scheduler: UrlScheduler
    folder_watchers: FolderWatchers
    holds: Holds
    originals: OriginalSealer
    audits: ProvenanceAudits

    @contextlib.asynccontextmanager
    async def running(self):
        """Start every service; stop the started ones, last first, however the block ends."""
        async with contextlib.AsyncExitStack() as stack:
            # Stopped last first: the originals being sealed are sealed before the vault locks.
            for service in (self.holds, self.vault, self.originals, self.url_scheduler,
                            self.folder_watchers, self.audits):
                await service.start()
                stack.push_async_callback(service.stop)
            yield
