"""The nearest large city to a GPS position, so a report can say "near Shenzhen".

An offline list, shared/places.json (no network lookups: the point is to keep the position
private): the cities where Joom sellers and their warehouses cluster, and the world's largest
cities, named in each UI language.
"""

import functools
import math

from iprdesk.text import shared_data

NEAR_KM = 80


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


@functools.lru_cache(maxsize=256)
def nearest_city(lat: float, lon: float) -> dict | None:
    """{"en": ..., "zh_CN": ...} for the nearest listed city within NEAR_KM, else None."""
    cities = shared_data.load("places.json")["cities"]
    best = min(cities, key=lambda c: _km(lat, lon, c["lat"], c["lon"]))
    if _km(lat, lon, best["lat"], best["lon"]) > NEAR_KM:
        return None
    return {lang: best[lang] for lang in shared_data.LANGUAGES}
