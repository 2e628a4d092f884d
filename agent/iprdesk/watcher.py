"""The watched folder: every image that lands in IN (sub-folders too) is cleaned into OUT.

watchdog reports file events; a file is cleaned once it has stopped changing (same size and
modification time for `settle` seconds), so a photo still being copied is never read half
written. Output mirrors the sub-folder layout. Events under OUT are ignored (OUT may live
inside IN), as are hidden and partial names (our own atomic temp files among them) and
non-images. A failure is logged and the watcher goes on. On start, files already in IN
whose cleaned copy is missing or older are cleaned too, so nothing is lost while it was off.
"""

import logging
import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from iprdesk.errors import BadInput
from iprdesk.metadata import BadImage, is_image, problem_text
from iprdesk.metadata.files import clean_path, is_hidden_or_partial, write_cleaned

log = logging.getLogger("iprdesk.watch")

_TEXT = {
    "en": {"cleaned": "{summary} → {dest}", "copied": "{summary} → {dest} (copied as is)"},
    "zh_CN": {"cleaned": "{summary} → {dest}", "copied": "{summary} → {dest}（原样复制）"},
}


_ARRIVALS = frozenset(["created", "modified", "moved", "closed"])


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: "FolderWatcher"):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Reads (ours included) raise "opened"/"closed_no_write": only writes and arrivals count.
        if event.is_directory or event.event_type not in _ARRIVALS:
            return
        target = getattr(event, "dest_path", "") or event.src_path
        self.watcher.notice(Path(target))


class FolderWatcher:
    def __init__(self, in_dir: Path, out_dir: Path, *, heic_to_jpeg: bool = False,
                 lang: str = "en", settle: float = 1.0):
        self.in_dir = Path(in_dir).resolve()
        self.out_dir = Path(out_dir).resolve()
        if self.out_dir == self.in_dir:
            raise BadInput(f"{out_dir}: the output folder must differ from the watched folder")
        if self.in_dir.is_relative_to(self.out_dir):
            raise BadInput(f"{in_dir}: the watched folder cannot be inside the output folder")
        self.heic_to_jpeg, self.lang, self.settle = heic_to_jpeg, lang, settle
        self._pending: dict[Path, tuple[float, tuple | None]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = Observer()
        self._worker = threading.Thread(target=self._run, name="iprdesk-watch", daemon=True)

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._observer.schedule(_Events(self), str(self.in_dir), recursive=True)
        self._observer.start()
        self._worker.start()
        for path in self.in_dir.rglob("*"):
            if path.is_file() and self._wanted(path) and self._stale(path):
                self.notice(path)
        log.info("watching %s → %s", self.in_dir, self.out_dir)

    def stop(self) -> None:
        self._stop.set()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._worker.join(timeout=5)

    # -- events -------------------------------------------------------------------------

    def _wanted(self, path: Path) -> bool:
        path = path.resolve() if path.exists() else path
        return (path.is_relative_to(self.in_dir) and not path.is_relative_to(self.out_dir)
                and not is_hidden_or_partial(path))

    def _out_dir_for(self, path: Path) -> Path:
        return self.out_dir / path.resolve().parent.relative_to(self.in_dir)

    def _stale(self, path: Path) -> bool:
        """True when no cleaned copy is at least as new as the original."""
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return False
        out = self._out_dir_for(path)
        copies = [out / path.name, out / (path.stem + ".jpg")]
        return not any(c.exists() and c.stat().st_mtime >= mtime for c in copies)

    def notice(self, path: Path) -> None:
        if self._wanted(path):
            with self._lock:
                self._pending[path] = (time.monotonic(), None)

    # -- worker -------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.wait(min(self.settle / 4, 0.25)):
            for path in self._settled():
                self._process(path)

    def _settled(self) -> list[Path]:
        """Pending files whose size and mtime did not change for `settle` seconds."""
        ready, now = [], time.monotonic()
        with self._lock:
            for path, (since, seen) in list(self._pending.items()):
                try:
                    st = path.stat()
                except OSError:  # gone (moved away, deleted, a temp file renamed)
                    del self._pending[path]
                    continue
                signature = (st.st_size, st.st_mtime_ns)
                if signature != seen:
                    self._pending[path] = (now, signature)
                elif now - since >= self.settle:
                    del self._pending[path]
                    ready.append(path)
        return ready

    def _process(self, path: Path) -> None:
        try:
            with path.open("rb") as f:
                if not is_image(f.read(32)):
                    log.debug("skipped %s: not an image", path)
                    return
            cleaned = clean_path(path, heic_to_jpeg=self.heic_to_jpeg)
            dest = write_cleaned(cleaned, path, self._out_dir_for(path))
            key = "copied" if cleaned.report.clean else "cleaned"
            log.info(_TEXT[self.lang][key].format(summary=cleaned.report.summary(self.lang),
                                                  dest=dest))
        except BadImage as e:
            log.warning("✗ %s", problem_text(e, path.name, self.lang))
        except OSError as e:
            log.warning("✗ %s: %s", path, e.strerror or e)
        except Exception:  # noqa: BLE001 - one bad file must never stop the watcher
            log.exception("✗ %s: unexpected error", path)


def watchers_from_config(entries: list[dict]) -> list[FolderWatcher]:
    """The watchers configured in config.json `watch`: [{"in", "out", "heic_to_jpeg"?}]."""
    watchers = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not entry.get("in") or not entry.get("out"):
            raise BadInput(f"config.json: watch entry {number} needs \"in\" and \"out\" folders")
        unknown = set(entry) - {"in", "out", "heic_to_jpeg"}
        if unknown:
            raise BadInput(f"config.json: watch entry {number}: unknown setting(s) "
                           f"{', '.join(sorted(unknown))}")
        src = Path(entry["in"]).expanduser()
        if not src.is_dir():
            raise BadInput(f"config.json: watch entry {number}: {src} is not a folder")
        watchers.append(FolderWatcher(src, Path(entry["out"]).expanduser(),
                                      heic_to_jpeg=bool(entry.get("heic_to_jpeg"))))
    return watchers
