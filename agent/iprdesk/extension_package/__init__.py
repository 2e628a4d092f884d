"""The extension as shipped: the folder to load unpacked, and the zip a store upload takes.

The zip has `manifest.json` at its root and every file of the extension folder under its own
relative path. It leaves out the manifest's `key`: the Chrome Web Store refuses a manifest
that carries one ("key field is not allowed in manifest") and gives the item an id of its
own, which the agent then has to be told (`extra_extension_ids` in `config.json`). The zip is
deterministic: the same folder gives the same bytes (sorted names, fixed times and modes), so
two builds of one release can be compared by hash.
"""

import json
import zipfile
from pathlib import Path

from iprdesk.atomic import atomic_writer
from iprdesk.errors import disk_full_means
from iprdesk.paths import extension_dir

# The earliest time a zip can hold: no build time leaks in, every build is byte-identical.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o644 << 16
# Store uploads take no signing key, and files the extension never reads stay out.
_LEFT_OUT_OF_MANIFEST = ("key",)
_SKIPPED_NAMES = (".DS_Store", "Thumbs.db")


def store_manifest(folder: Path) -> bytes:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name in _LEFT_OUT_OF_MANIFEST:
        manifest.pop(name, None)
    return json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"


def extension_files(folder: Path) -> list[str]:
    """The extension's files, as sorted relative POSIX paths (hidden files left out)."""
    names = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if (path.is_file() and path.name not in _SKIPPED_NAMES
                and not any(part.startswith(".") for part in relative.parts)):
            names.append(relative.as_posix())
    return sorted(names)


def pack(out: Path, folder: Path | None = None) -> list[str]:
    """Write the store zip of the extension to `out` (atomically); returns its member names."""
    folder = folder or extension_dir()
    names = extension_files(folder)
    with disk_full_means("extension_zip_not_written"), \
            atomic_writer(out, mode=0o644) as f, \
            zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _FILE_MODE
            data = store_manifest(folder) if name == "manifest.json" \
                else (folder / name).read_bytes()
            zf.writestr(info, data, compresslevel=9)
    return names
