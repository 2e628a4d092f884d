"""Chrome native messaging: the browser starts iprdesk when the extension connects.

`manifest.py` writes the host manifest and its launcher, `host.py` is the program Chrome
starts (framing, origin check, session credentials), `agent_lock.py` keeps one agent per
data directory.
"""
