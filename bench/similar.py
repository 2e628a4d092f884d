"""Near-duplicate engine: accuracy of the documented thresholds, and speed against imagehash.

    python bench/similar.py [--photos 120] [--seed 0] [--big 300] [--cache DIR]
    python bench/similar.py --speed [--big 300]
    python bench/similar.py --memory

1. Accuracy: every generated photo gets each edit of bench/imagegen.EDITS and each stack of
   edits of bench/imagegen.STACKS; prints, per edit and per stack, the missed-match rate at
   iprdesk.images.similar.THRESHOLDS, and the false-match rate over all pairs of unrelated
   photos and over the hard negatives: every ordered pair of products of one category of
   bench/imagegen.catalogue_photo (same backdrop, layout and banner, another product).
   Further edits (bench/imagegen.FURTHER_EDITS) and held-out ones (HELD_OUT_EDITS: shares
   and angles no part of the fingerprint is cut or turned at) are counted apart.
   `--seed` picks another set of photos (seeds from it on).
2. Speed (`--speed`: alone): one core's CPU time per twelve-megapixel JPEG, iprdesk
   (draft-mode decode) against imagehash.phash on a full decode, taking turns picture by
   picture in one process (CPU time is what load does not move). Target: 5x. Then iprdesk's
   wall time on all cores.
3. Memory (--memory, alone): the peak of one process fingerprinting the worst picture each
   format accepts (bench/imagegen.WORST at iprdesk.images.similar.MAX_PIXELS), against
   imagehash.phash on a full decode of the same file. Target: under 300 MB for every format.
   Then a 657 KB PNG of 13000 x 13000 transparent pixels, which iprdesk refuses unread.
"""

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "agent"),
                str(Path(__file__).resolve().parents[1])]

import imagehash  # noqa: E402
from PIL import Image  # noqa: E402

from bench.imagegen import (  # noqa: E402
    EDITS,
    FURTHER_EDITS,
    HELD_OUT_EDITS,
    STACKS,
    WORST,
    catalogue_photo,
    jpeg,
    product_photo,
    worst_picture,
)
from iprdesk.images import similar  # noqa: E402


def _missed(edits: dict, originals: dict, prints: dict, width: int) -> int:
    """Print each edit's missed-match rate; returns how many copies were missed."""
    all_missed = 0
    for name, edit in edits.items():
        missed, worst = 0, 0
        for seed, image in originals.items():
            c = similar.compare(prints[seed], similar.fingerprint_bytes(jpeg(edit(image), 95)))
            missed += c.verdict == "different"
            worst = max(worst, c.phash + c.dhash)
        all_missed += missed
        print(f"{name:<{width}} {missed / len(originals):6.2%}  {worst}")
    return all_missed


# Hard negatives: categories, and products shot alike in each.
_CATEGORIES, _PRODUCTS = 24, 8


def _hard_negatives(first: int) -> tuple[int, int]:
    """(false matches, ordered pairs) among products of one category (the reference's parts
    make a comparison one-sided)."""
    false = pairs = 0
    for category in range(first, first + _CATEGORIES):
        prints = [similar.fingerprint_bytes(jpeg(catalogue_photo(category, product)))
                  for product in range(_PRODUCTS)]
        for a, b in itertools.permutations(prints, 2):
            pairs += 1
            false += similar.compare(a, b).verdict != "different"
    return false, pairs


def accuracy(photos: int, first: int = 0) -> None:
    originals = {seed: product_photo(seed) for seed in range(first, first + photos)}
    prints = {seed: similar.fingerprint_bytes(jpeg(im)) for seed, im in originals.items()}
    print(f"thresholds: {similar.THRESHOLDS}")
    width = max(map(len, [*EDITS, *STACKS, *FURTHER_EDITS, *HELD_OUT_EDITS]))
    print(f"{'edit':<{width}} missed  worst pHash+dHash")
    all_missed = _missed(EDITS, originals, prints, width)
    print(f"{'stack of edits':<{width}} missed  worst pHash+dHash")
    stacks_missed = _missed(STACKS, originals, prints, width)
    print(f"{'further edit':<{width}} missed  worst pHash+dHash")
    further_missed = _missed(FURTHER_EDITS, originals, prints, width)
    print(f"{'held-out edit':<{width}} missed  worst pHash+dHash")
    held_missed = _missed(HELD_OUT_EDITS, originals, prints, width)
    pairs = list(itertools.combinations(prints.values(), 2))
    false = [similar.compare(a, b) for a, b in pairs]
    false_matches = sum(c.verdict != "different" for c in false)
    closest = min(c.phash + c.dhash for c in false)
    print(f"missed-match rate: {all_missed / (photos * len(EDITS)):.3%} "
          f"({all_missed} of {photos * len(EDITS)} edits)")
    print(f"missed-match rate of stacks: {stacks_missed / (photos * len(STACKS)):.3%} "
          f"({stacks_missed} of {photos * len(STACKS)} stacked copies)")
    print(f"missed-match rate of further edits: "
          f"{further_missed / (photos * len(FURTHER_EDITS)):.3%} "
          f"({further_missed} of {photos * len(FURTHER_EDITS)} copies)")
    print(f"missed-match rate of held-out edits: "
          f"{held_missed / (photos * len(HELD_OUT_EDITS)):.3%} "
          f"({held_missed} of {photos * len(HELD_OUT_EDITS)} copies)")
    print(f"false-match rate: {false_matches / len(pairs):.3%} ({false_matches} of {len(pairs)} "
          f"unrelated pairs; closest pHash+dHash {closest})")
    hard, hard_pairs = _hard_negatives(first)
    print(f"false-match rate of hard negatives: {hard / hard_pairs:.3%} ({hard} of {hard_pairs} "
          f"ordered pairs of products of one category, {_CATEGORIES} categories)")


def fingerprint_cpu(count: int) -> None:
    """One core's CPU time per fingerprint of a generated 640x480 JPEG (user+sys, the same
    in any load, unlike wall time)."""
    data = [jpeg(product_photo(50_000 + i)) for i in range(count)]
    start = os.times()
    for item in data:
        similar.fingerprint_bytes(item)
    end = os.times()
    cpu = (end.user - start.user) + (end.system - start.system)
    print(f"fingerprint CPU per 640x480 JPEG: {cpu / count * 1000:.2f} ms (user+sys, "
          f"{count} pictures, load average {os.getloadavg()[0]:.1f})")


def big_jpegs(count: int, cache: Path) -> list[Path]:
    cache.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = cache / f"photo-{i:04d}.jpg"
        if not path.exists():
            # Drawn at 1/4 size and upscaled: generating 12 MP directly takes minutes.
            image = product_photo(10_000 + i, (1000, 750)).resize((4000, 3000))
            path.write_bytes(jpeg(image, 88))
        paths.append(path)
    return paths


def imagehash_full_decode(paths: list[Path]) -> None:
    for path in paths:
        with Image.open(path) as image:
            imagehash.phash(image)


def _cpu() -> float:
    """This process's CPU time (user+sys) so far: unmoved by other processes' load."""
    t = os.times()
    return t.user + t.system


def speed(count: int, cache: Path) -> None:
    """CPU time per 12-MP JPEG, imagehash and iprdesk taking turns picture by picture in this
    one process (each file read once before, so the page cache serves both alike), then the
    wall time of iprdesk on all cores."""
    paths = big_jpegs(count, cache)
    for path in paths:
        path.read_bytes()
    peer = ours = 0.0
    for path in paths:
        start = _cpu()
        imagehash_full_decode([path])
        middle = _cpu()
        similar.fingerprint_file(path)
        end = _cpu()
        peer, ours = peer + middle - start, ours + end - middle
    start = time.perf_counter()
    results = list(similar.fingerprint_many(paths))
    wall = time.perf_counter() - start
    assert all(fp is not None for _, fp, _ in results)
    print(f"{count} JPEGs of 4000x3000, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"CPU per picture: imagehash.phash, full decode {peer / count * 1000:7.1f} ms; "
          f"iprdesk {ours / count * 1000:7.1f} ms ({peer / ours:.2f}x less, target 5x)")
    print(f"iprdesk, all cores: {count / wall:8.1f} images/s (wall time, moved by load)")


# Run in a fresh process each, which reports its own peak: VmHWM, the high-water mark of the
# memory it has had since exec (ru_maxrss would include this process's, inherited at fork).
_PEAK = {
    "iprdesk": "from iprdesk import similar\nfrom iprdesk.errors import BadInput\n"
               "try:\n    similar.fingerprint_file(path)\nexcept BadInput as e:\n"
               "    print(e.code, file=sys.stderr)",
    "imagehash": "import imagehash, pillow_heif\nfrom PIL import Image\n"
                 "pillow_heif.register_heif_opener()\nImage.MAX_IMAGE_PIXELS = None\n"
                 "with Image.open(path) as image:\n    imagehash.phash(image)",
}


def _peak(tool: str, path: str) -> tuple[float, float]:
    """(peak MB, seconds) of `tool` fingerprinting `path` in a process of its own."""
    code = (f"import sys\npath = sys.argv[1]\n{_PEAK[tool]}\n"
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])")
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True,
                       check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    return int(r.stdout) * 1024 / 1e6, time.perf_counter() - start


def memory() -> None:
    from tests.image_fixtures import transparent_png

    with tempfile.TemporaryDirectory() as folder:
        print(f"{'worst accepted picture':<32} {'iprdesk':>9} {'imagehash':>10} {'ratio':>6}")
        for kind in WORST:
            limit = similar.MAX_PIXELS[kind]
            path = worst_picture(kind, limit, folder)
            ours, _ = _peak("iprdesk", path)
            peer, _ = _peak("imagehash", path)
            label = f"{kind}, {limit / 1e6:.0f} MP"
            print(f"{label:<32} {ours:7.0f} MB {peer:7.0f} MB {peer / ours:5.1f}x"
                  f"{'' if ours < 300 else '  OVER 300 MB'}")
            os.unlink(path)
        bomb = Path(folder) / "13000x13000.png"
        bomb.write_bytes(transparent_png(13000))
        (ours, ours_s), (peer, peer_s) = _peak("iprdesk", str(bomb)), _peak("imagehash", str(bomb))
        print(f"{bomb.stat().st_size // 1000} KB PNG of 13000 x 13000: iprdesk refuses it in "
              f"{ours_s:.1f} s, {ours:.0f} MB; imagehash decodes it in {peer_s:.1f} s, "
              f"{peer:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0,
                        help="the first photo's seed: another set of photos and categories")
    parser.add_argument("--big", type=int, default=300)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "iprdesk-bench-similar")
    parser.add_argument("--speed", action="store_true",
                        help="only measure the CPU time per 12-MP JPEG against imagehash")
    parser.add_argument("--memory", action="store_true",
                        help="only measure the peak memory of each format's worst picture")
    args = parser.parse_args()
    if args.memory:
        memory()
        return
    if args.speed:
        speed(args.big, args.cache)
        return
    accuracy(args.photos, args.seed)
    fingerprint_cpu(args.photos)
    if args.big:
        print()
        speed(args.big, args.cache)


if __name__ == "__main__":
    main()
