"""`python -m iprdesk.native [--home DIR] <Chrome's arguments>`: the native messaging host as
the launcher `iprdesk install` writes runs it; `iprdesk native-host` runs the same host.
Not through the `iprdesk` command: a browser's first answer waits on this process's start,
and click's import is ~15 ms of it (bench/agent.py)."""

import gc
import sys

gc.disable()  # through the start, and the agent's start when forked from here: lazy.started()

from iprdesk.native.host import serve_chrome  # noqa: E402

args = sys.argv[1:]
home = None
if args[:1] == ["--home"] and len(args) > 1:  # as the launcher writes it: first, if at all
    home, args = args[1], args[2:]
sys.exit(serve_chrome(home, args))
