"""What sealing originals costs the upload guard: POST /v1/strip of a 5 MB, 12 MP camera JPEG
against the real agent process with a vault (locked, as usual), one upload after another as a
seller adds photos, with `seal_originals` on and off (alternating, same agent build). The
original is sealed after the answer, so the on/off ratio of the answer's latency should stay
near 1; the time until the original is in the vault is printed beside it.

    python bench/originals.py [--runs 12]
"""

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from bench.strip import camera_jpeg  # noqa: E402
from iprdesk.provenance.records import ProvenanceStore  # noqa: E402
from iprdesk.server.pairing import AuthStore  # noqa: E402
from iprdesk.vault import Vault  # noqa: E402
from iprdesk.vault.crypto import KdfParams  # noqa: E402
from tests.conftest import EXTENSION_ORIGIN  # noqa: E402
from tests.helpers import AgentProcess  # noqa: E402


def upload(port: int, token: str, photo: bytes) -> tuple[float, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/strip", data=photo, method="POST", headers={
            "Authorization": f"Bearer {token}", "Origin": EXTENSION_ORIGIN,
            "Content-Type": "application/octet-stream", "X-Filename": "IMG_2041.jpg"})
    start = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        body = response.read()
    return (time.perf_counter() - start) * 1000, body


def token_of(home: Path) -> str:
    auth = AuthStore(home)
    return auth.redeem(auth.new_code()[0])


def measure(homes: dict[bool, Path], photos: list[bytes]) -> dict:
    """Per setting (sealing on, off): the answers' latencies in ms, uploads alternating
    between two agents, and for `on` the ms from the answer until the original was on record."""
    found = {True: [], False: [], "recorded": []}
    with AgentProcess(homes[True]) as on, AgentProcess(homes[False]) as off:
        agents = {True: (on, token_of(homes[True])), False: (off, token_of(homes[False]))}
        for n, photo in enumerate(photos):
            for seal in ((True, False) if n % 2 else (False, True)):
                agent, token = agents[seal]
                ms, clean = upload(agent.port, token, photo)
                found[seal].append(ms)
                if seal:
                    since = time.perf_counter()
                    sha = hashlib.sha256(clean).hexdigest()
                    while ProvenanceStore(homes[True]).find(sha) is None:
                        time.sleep(0.002)
                    found["recorded"].append((time.perf_counter() - since) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    photos = [camera_jpeg(seed) for seed in range(args.runs)]
    with tempfile.TemporaryDirectory() as tmp:
        homes = {seal: Path(tmp) / ("on" if seal else "off") for seal in (True, False)}
        for seal, home in homes.items():
            home.mkdir()
            Vault.create(home, "bench passphrase", kdf=KdfParams.floor())
            (home / "config.json").write_text(json.dumps({"seal_originals": seal}))
        found = measure(homes, photos)
    on, off = statistics.median(found[True]), statistics.median(found[False])
    print(f"{len(photos)} uploads of ~{len(photos[0]) / 1e6:.1f} MB, alternating")
    print(f"answer, sealing off: median {off:.0f} ms")
    print(f"answer, sealing on:  median {on:.0f} ms (ratio {on / off:.2f})")
    print(f"original on record:  median {statistics.median(found['recorded']):.0f} ms "
          "after the answer")

if __name__ == "__main__":
    main()
