"""Errors the user can act on.

Every failure a seller may see is an IprdeskError: a stable machine code, a plain message
naming the thing that is wrong, and the HTTP status the agent answers with. Routes and CLI
commands turn these into JSON errors or one-line messages; anything else is a bug.

A message from shared/messages is given as its key and parameters, and rendered where it
reaches a person, in their language (`text(lang)`: the CLI's, or the one the extension asks
the agent for); `message` is its English, for logs.
"""

import contextlib
import errno


class IprdeskError(Exception):
    code = "error"
    status = 400
    headers: dict[str, str] | None = None  # extra headers of the agent's answer (Retry-After)
    # Facts the user chooses from (the open cases), for the agent's answer beside code and
    # message: data, not words.
    details: dict | None = None

    def __init__(self, message: str = "", *, key: str | None = None, params: dict | None = None,
                 code: str | None = None, status: int | None = None):
        self.key = key
        self.params = params or {}
        self.message = self.text("en") if key else message
        super().__init__(self.message)
        if code:
            self.code = code
        if status:
            self.status = status

    def text(self, lang: str) -> str:
        """The message in `lang` (one given as plain text reads the same in every language)."""
        if not self.key:
            return self.message
        from iprdesk.text import i18n  # this module stays free of the shared data at import

        return i18n.text(self.key, lang, **self.params)

    def __reduce__(self):
        # Rebuilt from its fields, not from __init__'s arguments (subclasses take others), so
        # it crosses from a worker process whole.
        return _rebuild, (type(self), self.__dict__)


def _rebuild(cls, fields: dict) -> IprdeskError:
    error = cls.__new__(cls)
    Exception.__init__(error, fields["message"])
    error.__dict__.update(fields)
    return error


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

    def __init__(self, undone: str):
        """`undone`: what did not happen, the end of a message key `error.disk_full.*`."""
        super().__init__(key=f"error.disk_full.{undone}")


class Busy(IprdeskError):
    """The agent has as much heavy work in flight as it takes; the caller may retry later."""

    code = "busy"
    status = 503

    def __init__(self, retry_after: int):
        super().__init__(key="error.busy", params={"seconds": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


def is_disk_full(e: OSError) -> bool:
    return e.errno in (errno.ENOSPC, errno.EDQUOT)


@contextlib.contextmanager
def disk_full_means(undone: str):
    """Running out of space (or quota) inside it is DiskFull(undone): the writer in it changes
    nothing unless it completes (temp file, fsync, rename), so `undone` (the end of a message
    key `error.disk_full.*`) says what did not happen."""
    try:
        yield
    except OSError as e:
        if is_disk_full(e):
            raise DiskFull(undone) from e
        raise
