"""An agent at rest does not hold what only some requests need (iprdesk.lazy): numpy and the
picture comparison, the licence reader's phrase lists. Each is loaded on first use. Nor does
an agent starting load what its first answers do not need (bench/agent.py times it)."""

import os
import subprocess
import sys

from tests.helpers import self_signed

AT_REST = """
import sys
import iprdesk.server.run
from iprdesk.server.app import make_app
not_loaded = [name for name in ("iprdesk.images.similar", "iprdesk.provenance.licence")
              if name not in sys.modules]
print(",".join(not_loaded), "numpy" in sys.modules)
from iprdesk.images import similar
similar.Fingerprint  # first use
print("numpy" in sys.modules)
"""

# What the browser's first requests (its hold, /v1/health) do not need: the vault's store and
# cryptography, the cases, stripping and its decoders, the URL checker, folder watching.
AT_START = """
import sys
import iprdesk.server.run
print("aiohttp" in sys.modules)  # the port is announced before aiohttp is imported
from iprdesk.server.app import make_app
from pathlib import Path
make_app(Path(sys.argv[1]), 0)
heavy = ("cryptography", "iprdesk.vault.store", "iprdesk.casework.cases", "iprdesk.metadata",
         "iprdesk.urls.check", "iprdesk.backup", "PIL", "watchdog")
print(",".join(sorted(name for name in heavy if name in sys.modules)))
from iprdesk.vault import Vault  # first use
print("cryptography" in sys.modules)
"""

# aiohttp imported as the agent imports it (server/tls.py): its verified context reads the CA
# certificates ($SSL_CERT_FILE: the trusted server's) at its first connection, and verifies.
CERTIFICATES = """
import asyncio, ssl, sys
from iprdesk.server.tls import certificates_on_first_use
with certificates_on_first_use():
    import aiohttp
    from aiohttp import web
verified = aiohttp.connector._SSL_CONTEXT_VERIFIED  # a client session's default
print(ssl.SSLContext.cert_store_stats(verified)["x509"])  # not read yet
print("set_default_verify_paths" in vars(ssl.SSLContext),
      ssl.create_default_context().cert_store_stats()["x509"])  # after the block: at once

async def serve(cert, key):
    app = web.Application()
    app.router.add_get("/", lambda request: web.Response(text="served"))
    runner = web.AppRunner(app)
    await runner.setup()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    return f"https://localhost:{site._server.sockets[0].getsockname()[1]}/"

async def main():
    trusted, untrusted = await serve(*sys.argv[1:3]), await serve(*sys.argv[3:5])
    async with aiohttp.ClientSession() as session:
        async with session.get(trusted) as answer:
            print(await answer.text(), ssl.SSLContext.cert_store_stats(verified)["x509"])
        try:
            await session.get(untrusted)
        except aiohttp.ClientConnectorCertificateError:
            print("refused")
        async with session.get(untrusted, ssl=False) as answer:  # the unverified context
            print(await answer.text())

asyncio.run(main())
"""

# Threads of the agent's pool reading a module for the first time at once: each must see it
# whole (importlib's LazyLoader, on Python 3.11, let the second see it half-made).
AT_ONCE = """
import threading
from iprdesk.images import similar
from iprdesk.provenance import licence
start = threading.Barrier(8)
seen = []
def first_use():
    start.wait()
    seen.append((similar.Fingerprint.__name__, licence.check_licence.__name__))
threads = [threading.Thread(target=first_use) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(seen), set(seen))
"""


def test_the_agent_starts_without_numpy_and_loads_it_on_first_use():
    out = subprocess.run([sys.executable, "-c", AT_REST], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "iprdesk.images.similar,iprdesk.provenance.licence False"
    assert out[1] == "True"


def test_the_agent_starts_without_what_its_first_answers_do_not_need(tmp_path):
    out = subprocess.run([sys.executable, "-c", AT_START, str(tmp_path)], capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert out[:3] == ["False", "", "True"]


def test_threads_using_a_lazy_module_at_once_each_see_it_whole():
    out = subprocess.run([sys.executable, "-c", AT_ONCE], capture_output=True, text=True,
                         check=True).stdout
    assert out == "8 {('Fingerprint', 'check_licence')}\n"


def test_the_agent_reads_tls_certificates_at_its_first_connection_and_verifies(tmp_path):
    paths = [tmp_path / name for name in ("trusted.pem", "trusted.key", "other.pem", "other.key")]
    self_signed(["localhost"], *paths[:2])
    self_signed(["localhost"], *paths[2:])
    out = subprocess.run([sys.executable, "-c", CERTIFICATES, *map(str, paths)],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "SSL_CERT_FILE": str(paths[0])}).stdout
    assert out.split("\n") == ["0", "False 1", "served 1", "refused", "served", ""]
