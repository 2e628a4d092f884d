"""`python -m iprdesk.server --home DIR`: the agent a native host starts for a browser on
macOS and Windows (on Linux the host forks it: server/start.py), as `iprdesk agent
--managed --home DIR` runs it (it stops once no browser holds it). Not through
the `iprdesk` command: a browser's first answer waits on this process's start, and click's
import is ~15 ms of it (bench/agent.py). The host gives it no output (its own is Chrome's
channel): a start that fails is told by the exit code, which the host reports."""

import gc
import sys

gc.disable()  # through the start: lazy.started()

from iprdesk.errors import IprdeskError  # noqa: E402
from iprdesk.paths import resolve_home  # noqa: E402
from iprdesk.server.run import run_agent  # noqa: E402

if sys.argv[1:2] != ["--home"] or len(sys.argv) != 3:
    sys.exit("usage: python -m iprdesk.server --home DIR (a native host runs it; by hand: "
             "iprdesk agent)")
try:
    run_agent(resolve_home(sys.argv[2]), "127.0.0.1", None, managed=True)
except IprdeskError as e:
    sys.exit(f"error: {e.message}")
