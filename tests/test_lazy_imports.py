"""An agent at rest does not hold what only some requests need (iprdesk.lazy): numpy and the
picture comparison, the licence reader's phrase lists. Each is loaded on first use."""

import subprocess
import sys

AT_REST = """
import sys
from importlib.util import _LazyModule
import iprdesk.server.run
from iprdesk.server.app import make_app
not_loaded = [name for name in ("iprdesk.images.similar",
                                "iprdesk.provenance.licence")
              if isinstance(sys.modules.get(name), _LazyModule)]
print(",".join(not_loaded), "numpy" in sys.modules)
from iprdesk.images import similar
similar.Fingerprint  # first use
print("numpy" in sys.modules)
"""


def test_the_agent_starts_without_numpy_and_loads_it_on_first_use():
    out = subprocess.run([sys.executable, "-c", AT_REST], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == ("iprdesk.images.similar,"
                      "iprdesk.provenance.licence False")
    assert out[1] == "True"
