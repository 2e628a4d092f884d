"""Near-duplicate engine: accuracy of the documented thresholds, and speed against imagehash.

    python bench/similar.py [--photos 120] [--big 300] [--cache DIR]

1. Accuracy: every generated photo gets each edit of bench/imagegen.EDITS; prints, per edit,
   the missed-match rate at iprdesk.similar.THRESHOLDS, and the false-match rate over all
   pairs of unrelated photos.
2. Speed: hashes per second on twelve-megapixel JPEGs, iprdesk (draft-mode decode, all cores)
   against imagehash.phash on a full decode, measured in the same run. Target: 5x.
"""

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "agent"),
                str(Path(__file__).resolve().parents[1])]

import imagehash  # noqa: E402
from PIL import Image  # noqa: E402

from bench.imagegen import EDITS, jpeg, product_photo  # noqa: E402
from iprdesk import similar  # noqa: E402


def accuracy(photos: int) -> None:
    originals = {seed: product_photo(seed) for seed in range(photos)}
    prints = {seed: similar.fingerprint_bytes(jpeg(im)) for seed, im in originals.items()}
    print(f"thresholds: {similar.THRESHOLDS}")
    print(f"{'edit':<20} missed  worst pHash+dHash")
    all_missed = 0
    for name, edit in EDITS.items():
        missed, worst = 0, 0
        for seed, image in originals.items():
            c = similar.compare(prints[seed], similar.fingerprint_bytes(jpeg(edit(image), 95)))
            missed += c.verdict == "different"
            worst = max(worst, c.phash + c.dhash)
        all_missed += missed
        print(f"{name:<20} {missed / photos:6.2%}  {worst}")
    pairs = list(itertools.combinations(prints.values(), 2))
    false = [similar.compare(a, b) for a, b in pairs]
    false_matches = sum(c.verdict != "different" for c in false)
    closest = min(c.phash + c.dhash for c in false)
    print(f"missed-match rate: {all_missed / (photos * len(EDITS)):.3%} "
          f"({all_missed} of {photos * len(EDITS)} edits)")
    print(f"false-match rate: {false_matches / len(pairs):.3%} ({false_matches} of {len(pairs)} "
          f"unrelated pairs; closest pHash+dHash {closest})")


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


def speed(count: int, cache: Path) -> None:
    paths = big_jpegs(count, cache)
    start = time.perf_counter()
    imagehash_full_decode(paths)
    peer = time.perf_counter() - start
    start = time.perf_counter()
    for _ in similar.fingerprint_many(paths, workers=1):
        pass
    one_core = time.perf_counter() - start
    start = time.perf_counter()
    results = list(similar.fingerprint_many(paths))
    ours = time.perf_counter() - start
    assert all(fp is not None for _, fp, _ in results)
    print(f"{count} JPEGs of 4000x3000, {os.cpu_count()} cores")
    print(f"imagehash.phash, full decode: {count / peer:8.1f} images/s")
    print(f"iprdesk, 1 core:              {count / one_core:8.1f} images/s "
          f"({peer / one_core:.1f}x)")
    print(f"iprdesk, all cores:           {count / ours:8.1f} images/s ({peer / ours:.1f}x, "
          "target 5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=120)
    parser.add_argument("--big", type=int, default=300)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "iprdesk-bench-similar")
    args = parser.parse_args()
    accuracy(args.photos)
    print()
    speed(args.big, args.cache)


if __name__ == "__main__":
    main()
