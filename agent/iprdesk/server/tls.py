"""The agent's start does not wait for the CA certificates of aiohttp's client.

Imported, aiohttp makes its default TLS contexts (verified, and unverified), each reading the
system's CA certificates: on Linux twice a bundle of ~140 certificates, ~70 ms of CPU before
the browser's first answer (bench/agent.py), for a client the agent uses only later (the URL
check, the Merchant API). Imported within `certificates_on_first_use()`, the same contexts
read the same certificates at their first TLS connection instead. Verification is never off
meanwhile: a verified context without its certificates trusts nothing, and none connects
without loading them first."""

import contextlib
import ssl
import threading
from collections.abc import Iterator

# What reads the certificates: create_default_context() calls the first, which calls the second
# (and on Windows reads the system stores); aiohttp's unverified context calls the second.
_LOADS = ("load_default_certs", "set_default_verify_paths")


class _LoadsOnFirstUse(ssl.SSLContext):
    """A context made within `certificates_on_first_use()`: its loads wait for its first
    connection (asyncio's TLS wraps a BIO, a plain socket is wrapped) or look at its store."""

    _pending: list
    _loading: threading.Lock

    def _load(self) -> None:
        with self._loading:
            while self._pending:
                load, args, kwargs = self._pending.pop(0)
                load(self, *args, **kwargs)

    def wrap_bio(self, *args, **kwargs):
        self._load()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args, **kwargs):
        self._load()
        return super().wrap_socket(*args, **kwargs)

    def get_ca_certs(self, *args, **kwargs):
        self._load()
        return super().get_ca_certs(*args, **kwargs)

    def cert_store_stats(self):
        self._load()
        return super().cert_store_stats()


@contextlib.contextmanager
def certificates_on_first_use() -> Iterator[None]:
    """Within the block (one thread: the agent's start), TLS contexts made put off reading CA
    certificates until their first connection."""
    own = {name: vars(ssl.SSLContext).get(name) for name in _LOADS}
    real = {name: getattr(ssl.SSLContext, name) for name in _LOADS}
    deferred: dict[int, tuple[ssl.SSLContext, list]] = {}

    def later(name):
        def record(context, *args, **kwargs):
            deferred.setdefault(id(context), (context, []))[1].append((real[name], args, kwargs))
        return record

    for name in _LOADS:
        setattr(ssl.SSLContext, name, later(name))
    try:
        yield
    finally:
        for name, method in own.items():  # as it was: the C method is inherited, not its own
            if method is None:
                delattr(ssl.SSLContext, name)
            else:
                setattr(ssl.SSLContext, name, method)
        for context, pending in deferred.values():
            if type(context) is not ssl.SSLContext:  # a class of its own: loaded now
                for load, args, kwargs in pending:
                    load(context, *args, **kwargs)
                continue
            context.__class__ = _LoadsOnFirstUse
            context._pending, context._loading = pending, threading.Lock()
