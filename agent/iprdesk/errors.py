"""Errors the user can act on.

Every failure a seller may see is an IprdeskError: a stable machine code, a plain message
naming the thing that is wrong, and the HTTP status the agent answers with. Routes and CLI
commands turn these into JSON errors or one-line messages; anything else is a bug.
"""

import contextlib
import errno


class IprdeskError(Exception):
    code = "error"
    status = 400
    headers: dict[str, str] | None = None  # extra headers of the agent's answer (Retry-After)
    # The message in each language ({lang: text}), when the error has one: the extension
    # shows the user's; and facts the user chooses from (the open cases), for the agent's
    # answer beside code and message.
    text: dict[str, str] | None = None
    details: dict | None = None

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class BadInput(IprdeskError):
    code = "bad_input"
    status = 400


class NotFound(IprdeskError):
    code = "not_found"
    status = 404


class Conflict(IprdeskError):
    code = "conflict"
    status = 409


class DiskFull(IprdeskError):
    """A write ran out of space (or quota); the writer made sure nothing was changed."""

    code = "disk_full"
    status = 507  # Insufficient Storage

    def __init__(self, what: str):
        from iprdesk.text import i18n  # this module stays free of the shared data at import

        super().__init__(i18n.both_line("error.disk_full", what=what))


class Busy(IprdeskError):
    """The agent has as much heavy work in flight as it takes; the caller may retry later."""

    code = "busy"
    status = 503

    def __init__(self, retry_after: int):
        from iprdesk.text import i18n

        super().__init__(i18n.both_line("error.busy", seconds=retry_after))
        self.headers = {"Retry-After": str(retry_after)}


def is_disk_full(e: OSError) -> bool:
    return e.errno in (errno.ENOSPC, errno.EDQUOT)


@contextlib.contextmanager
def disk_full_means(what: str):
    """Running out of space (or quota) inside it is DiskFull(what): the writer in it changes
    nothing unless it completes (temp file, fsync, rename), so `what` says what did not happen."""
    try:
        yield
    except OSError as e:
        if is_disk_full(e):
            raise DiskFull(what) from e
        raise
