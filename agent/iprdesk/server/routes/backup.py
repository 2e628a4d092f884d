"""Backup (a download) and restore (an upload) of the data directory, for the options page."""

import asyncio
import tempfile
from pathlib import Path

from aiohttp import web

from iprdesk.errors import BadInput, disk_full_means
from iprdesk.lazy import lazy_module
from iprdesk.server.http import MAX_BODY_LIMIT, body_limit, heavy, in_pool, route_body_limit, state

# Loaded by the first request that needs them, not by the agent's start (server/run.py).
backups = lazy_module("iprdesk.backup")

routes = web.RouteTableDef()


@routes.post("/v1/backup")
@heavy
async def make_backup(request: web.Request) -> web.StreamResponse:
    """The backup zip as the response body (the vault inside stays encrypted)."""
    home = state(request).home
    # Built in the data folder (owner-only) and sent from there.
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=home) as folder:
        path = Path(folder) / "backup.zip"
        summary = await in_pool(request, backups.make_backup, home, path)
        data = path.read_bytes()
    return web.Response(body=data, content_type="application/zip", headers={
        "Content-Disposition": 'attachment; filename="iprdesk-backup.zip"',
        "X-Backup-SHA256": summary.sha256,
    })


@routes.post("/v1/restore")
@heavy
@body_limit(MAX_BODY_LIMIT)
async def restore(request: web.Request) -> web.Response:
    """Restore the backup zip in the body; `?force=1` replaces a different vault or data the
    backup does not hold (moved aside, never deleted). Checked whole before anything is
    written; the vault is locked first."""
    if request.content_type not in ("application/zip", "application/octet-stream"):
        raise BadInput(key="backup.send_zip", code="unsupported_media_type", status=415)
    force = request.query.get("force") in ("1", "true")
    agent = state(request)
    limit, size = route_body_limit(request), 0
    with tempfile.TemporaryDirectory(prefix=".upload-", dir=agent.home) as folder:
        path = Path(folder) / "backup.zip"
        with disk_full_means("nothing_restored"), open(path, "wb") as f:
            async for chunk in request.content.iter_any():
                size += len(chunk)
                if size > limit:
                    raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
                f.write(chunk)
        # The keys of the vault being replaced are dropped (locking may sign a checkpoint).
        await asyncio.to_thread(agent.services.vault.session.lock)
        restored = await in_pool(request, lambda: backups.restore(agent.home, path,
                                                                  force=force))
    return web.json_response(restored.to_json())
