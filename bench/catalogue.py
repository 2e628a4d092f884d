"""Catalogue audit at scale: `iprdesk audit` of a generated catalogue against complained images,
cold (empty fingerprint cache) and warm (a second run), against imagehash.phash over the same
files, on the same cores, measured in the same run.

    python bench/catalogue.py [--count 10000] [--complained 20] [--workers 2] [--photos DIR]

The catalogue: `--count` product photos of 1 to 3 megapixels (JPEG, quality 88, with grain:
280 to 710 KB each, 470 KB on average), generated once (by seed: the same photos each time, in
`--workers` processes) into `--photos` (default: a folder in the temp dir, kept between runs,
so generating is not what is measured) and linked into a fresh folder per run;
among them the seller's edited copies of half the complained photos (bench/imagegen.EDITS),
which the audit must find. The files are read once before the first measurement, so every
run finds them in the page cache.

Each tool runs as a command in a process of its own, with `--workers` processes: `iprdesk
audit --json --home H` (cold: H new; warm: the same H again) and imagehash.phash on a full
decode in a multiprocessing pool of as many workers. Printed per run: wall time, CPU time
(user + sys of the whole process tree, from RUSAGE_CHILDREN) and the peak of the process tree's
summed RSS (sampled every 50 ms from /proc, counting pages the forked workers share once per
process: an upper bound). Targets (issue 16): peak < 500 MB at 10,000 images; warm at least
10x faster than cold; cold compared with imagehash.
"""

import argparse
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "agent")]

from bench import PeakRss  # noqa: E402
from bench.imagegen import EDITS, jpeg, product_photo  # noqa: E402

# 1 to 3 megapixels, as product photos are uploaded.
SIZES = ((1280, 960), (1600, 1200), (1920, 1080), (2000, 1500))
PEAK_BUDGET_MB = 500

_IMAGEHASH = """
import sys
from multiprocessing import Pool
import imagehash
from PIL import Image

def phash(path):
    with Image.open(path) as image:
        return str(imagehash.phash(image))

if __name__ == "__main__":
    paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
    with Pool(int(sys.argv[2])) as pool:
        hashes = pool.map(phash, paths, chunksize=8)
    print(len(hashes))
"""


_GRAIN: list = []  # one field of sensor-like noise per process, shifted for each photo


def photo(seed: int, edit=None) -> bytes:
    """A product photo of 1 to 3 MP with a camera's grain (which makes its JPEG as big as a
    real one's, 280 to 710 KB: a smooth picture would compress to a fifth), edited by `edit`.

    Drawn at 1/4 size and upscaled (drawing megapixels directly takes far longer), in YCbCr,
    the JPEG's own colours: the grain is the same in R, G and B, so it is all in Y, and only Y
    needs a smooth upscale; the colour planes are halved by the JPEG anyway. ~35 ms of CPU
    (~85 ms in RGB with a numpy sum over all three planes)."""
    import numpy as np
    from PIL import Image

    size = SIZES[seed % len(SIZES)]
    if not _GRAIN:
        width, height = max(w for w, _ in SIZES), max(h for _, h in SIZES)
        _GRAIN.append(np.random.default_rng(0).normal(0, 6, (height * 2, width * 2))
                      .astype(np.int16))
    luma, *chroma = product_photo(seed, (size[0] // 4, size[1] // 4)).convert("YCbCr").split()
    rng = random.Random(seed)
    top, left = rng.randrange(size[1]), rng.randrange(size[0])
    grain = _GRAIN[0][top:top + size[1], left:left + size[0]]
    luma = np.asarray(luma.resize(size, Image.Resampling.BILINEAR), dtype=np.int16) + grain
    image = Image.merge("YCbCr", [Image.fromarray(luma.clip(0, 255).astype(np.uint8)),
                                  *(c.resize(size, Image.Resampling.NEAREST) for c in chroma)])
    if edit:
        return jpeg(edit(image.convert("RGB")), 88)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _write_photo(args: tuple[int, Path]) -> None:
    seed, path = args
    temp = path.with_suffix(".tmp")
    temp.write_bytes(photo(seed))
    temp.rename(path)


def photos(folder: Path, count: int, workers: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"product-{i:05d}.jpg" for i in range(count)]
    missing = [(i, p) for i, p in enumerate(paths) if not p.exists()]
    if missing:
        print(f"generating {len(missing)} photos into {folder} (kept for later runs)...",
              flush=True)
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        with Pool(workers) as pool:
            for n, _ in enumerate(pool.imap_unordered(_write_photo, missing, chunksize=4), 1):
                if n % 500 == 0:
                    print(f"  {n}", flush=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"generated in {time.perf_counter() - start:.0f} s wall, {cpu:.0f} s CPU "
              f"({cpu / len(missing) * 1000:.0f} ms a photo)", flush=True)
    return paths


def complained(folder: Path, shop: Path, count: int) -> int:
    """Write `count` complained photos into `folder` and an edited copy of half of them (the
    seller's reuse, bench/imagegen.EDITS) into the catalogue `shop`. Returns the copies."""
    folder.mkdir()
    copies = count // 2
    edits = sorted(EDITS)
    for i in range(count):
        seed = 900_000 + i
        (folder / f"complained-{i:02d}.jpg").write_bytes(photo(seed))
        if i < copies:
            edit = EDITS[edits[(i * 7) % len(edits)]]
            (shop / f"product-copy-{i:02d}.jpg").write_bytes(photo(seed, edit))
    return copies


def run(argv: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s of the tree, peak tree RSS MB, stdout) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO / "agent"), os.environ.get("PYTHONPATH")]))}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    with PeakRss(proc.pid, tree=True, every=0.05) as peak:
        out, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):  # audit: 1 means matches were found
        raise SystemExit(f"{argv[:4]} failed ({proc.returncode}): {err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak.peak, out


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="catalogue photos")
    parser.add_argument("--complained", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--photos", type=Path,
                        default=Path(tempfile.gettempdir()) / "iprdesk-bench-catalogue")
    args = parser.parse_args()
    catalogue = photos(args.photos, args.count, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shop = tmp / "catalogue"
        shop.mkdir()
        for path in catalogue[:args.count - args.complained // 2]:
            os.link(path, shop / path.name)
        copies = complained(tmp / "complained", shop, args.complained)
        listing = tmp / "all.txt"
        listing.write_text("\n".join(map(str, sorted(shop.iterdir()))), encoding="utf-8")
        megabytes = sum(p.stat().st_size for p in shop.iterdir()) / 1e6
        for path in shop.iterdir():  # into the page cache, for every run alike
            path.read_bytes()
        load = os.getloadavg()
        print(f"{args.count} JPEGs of 1-3 MP ({megabytes:.0f} MB), {args.complained} complained "
              f"({copies} edited copies), {args.workers} workers on {os.cpu_count()} cores, "
              f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)

        audit = [sys.executable, "-m", "iprdesk", "audit", str(shop), "--against",
                 str(tmp / "complained"), "--workers", str(args.workers), "--json", "--home",
                 str(tmp / "home")]
        results = {}
        for name in ("cold", "warm"):
            wall, cpu, peak, out = run(audit)
            report = json.loads(out)
            results[name] = wall, cpu, peak
            found = {Path(m["path"]).name for m in report["matches"]}
            others = sorted(n for n in found if not n.startswith("product-copy-"))
            print(f"iprdesk audit, {name}: {wall:7.1f} s wall, {cpu:7.1f} s CPU, peak "
                  f"{peak:4.0f} MB; {len(found) - len(others)} of {copies} copies found, "
                  f"{len(others)} other matches {others}, {report['from_cache']} from the "
                  "cache", flush=True)
        script = tmp / "imagehash_all.py"
        script.write_text(_IMAGEHASH)
        wall, cpu, peak, _ = run([sys.executable, str(script), str(listing), str(args.workers)])
        results["imagehash"] = wall, cpu, peak
        print(f"imagehash.phash:     {wall:7.1f} s wall, {cpu:7.1f} s CPU, peak {peak:4.0f} MB")

    (cold_wall, cold_cpu, cold_peak), (warm_wall, warm_cpu, warm_peak), (peer_wall, peer_cpu, _) \
        = results["cold"], results["warm"], results["imagehash"]
    load = os.getloadavg()
    print(f"cold vs imagehash: {cold_wall / peer_wall:.2f}x the wall time, "
          f"{cold_cpu / peer_cpu:.2f}x the CPU time")
    print(f"warm vs cold: {cold_wall / warm_wall:.1f}x faster (wall), "
          f"{cold_cpu / warm_cpu:.1f}x less CPU (target 10x)")
    peak = max(cold_peak, warm_peak)
    print(f"peak memory of the audit's processes: {peak:.0f} MB (target < {PEAK_BUDGET_MB} MB)"
          f"{'' if peak < PEAK_BUDGET_MB else '  OVER'}")
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
