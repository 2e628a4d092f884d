"""Penalty history: strikes, penalty points and store blocks seen on account-health banners.

The extension sends each account banner it recognises (its page-map kind and its text); a
banner that reports a penalty becomes a sighting in `penalties.json` in the data directory,
with the dates it was first and last seen. The same banner seen again (same kind, same text
once spacing and case are set aside) is the same sighting: only its last-seen time and count
change. Where the store stands is the highest step of Joom's ladder (shared/penalties.json)
that a sighting shows; nothing is guessed from a banner whose text names no penalty.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from iprdesk.atomic import atomic_write_json
from iprdesk.errors import BadInput, disk_full_means
from iprdesk.text import shared_data
from iprdesk.timeutil import now_iso

FILE = "penalties.json"
MAX_TEXT = 2000
MAX_SIGHTINGS = 1000

_POINTS = re.compile(r"(\d+)\s*(?:penalty\s+)?points?\b|(\d+)\s*个?(?:罚分|处罚分|扣分)"
                     r"|扣(?:除)?\s*(\d+)\s*分|罚分\s*[:：]?\s*(\d+)", re.IGNORECASE)
_DAYS = re.compile(r"(?:block(?:ed)?|suspend(?:ed)?|clos(?:ed)?)\s+for\s+(\d+)\s*days?"
                   r"|(\d+)[-\s]days?\s+(?:account\s+|store\s+)?(?:block|suspension)"
                   r"|(?:封禁|封店|暂停|关闭)\s*(\d+)\s*天|(\d+)\s*天\s*的?(?:封禁|封店|暂停)",
                   re.IGNORECASE)
_PERMANENT = re.compile(r"permanent(?:ly)?\s+(?:blocked|closed|suspended|block|closure)"
                        r"|(?:blocked|closed|suspended)\s+permanently|永久(?:封禁|关闭|封店|停用)",
                        re.IGNORECASE)
_STRIKE = re.compile(r"\bstrikes?\b|违规记录|违规警告|侵权警告", re.IGNORECASE)
_DATE = re.compile(r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def rules() -> dict:
    return shared_data.load("penalties.json")


@dataclass
class Sighting:
    id: str
    banner: str  # the page map's banner kind
    text: str
    penalty: str  # "points", "block" or "strike"
    points: int | None
    days: int | None  # None with a block: permanent
    step: int | None  # the ladder step it shows; None for a strike that names none
    stated_date: str | None  # the first date the banner gives (YYYY-MM-DD), as it gives it
    first_seen: str
    last_seen: str
    times_seen: int = 1


def _first_number(match: re.Match | None) -> int | None:
    return next((int(g) for g in match.groups() if g), None) if match else None


def _step(penalty: str, days: int | None) -> int | None:
    for rung in rules()["ladder"]:
        if rung["penalty"] == penalty and (penalty == "points" or rung["days"] == days):
            return rung["step"]
    return None


def read_banner(banner: str, text: str) -> dict | None:
    """What penalty a banner's text reports (penalty, points, days, step, stated_date), or
    None when it reports none."""
    if banner not in rules()["banner_kinds"]:
        return None
    points = _first_number(_POINTS.search(text))
    days = _first_number(_DAYS.search(text))
    if _PERMANENT.search(text):
        penalty, days = "block", None
    elif days is not None:
        penalty = "block"
    elif points is not None:
        penalty = "points"
    elif _STRIKE.search(text):
        penalty = "strike"
    else:
        return None
    date = _DATE.search(text)
    stated = f"{date[1]}-{int(date[2]):02}-{int(date[3]):02}" if date else None
    return {"penalty": penalty, "points": points, "days": days, "stated_date": stated,
            "step": None if penalty == "strike" else _step(penalty, days)}


def _same_banner(banner: str, text: str) -> str:
    normal = " ".join(text.split()).casefold()
    return hashlib.sha256(f"{banner}\n{normal}".encode()).hexdigest()[:16]


class PenaltyHistory:
    def __init__(self, home: Path):
        self.path = Path(home) / FILE

    def sightings(self) -> list[Sighting]:
        if not self.path.exists():
            return []
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return [Sighting(**s) for s in raw["sightings"]]
        except (ValueError, KeyError, TypeError) as e:
            raise BadInput(key="error.penalties.damaged", params={"path": self.path, "e": e}) from e

    def record(self, banner: str, text: str, now: str | None = None) -> Sighting | None:
        """Record a banner seen on the account page; None when it reports no penalty."""
        if not isinstance(banner, str) or not isinstance(text, str) or not text.strip():
            raise BadInput(key="error.penalties.sighting_incomplete")
        text = " ".join(text.split())[:MAX_TEXT]
        found = read_banner(banner, text)
        if found is None:
            return None
        now = now or now_iso()
        sightings = self.sightings()
        key = _same_banner(banner, text)
        seen = next((s for s in sightings if s.id == key), None)
        if seen:
            seen.last_seen, seen.times_seen = now, seen.times_seen + 1
        else:
            seen = Sighting(id=key, banner=banner, text=text, first_seen=now, last_seen=now,
                            **found)
            sightings.append(seen)
            sightings = sightings[-MAX_SIGHTINGS:]
        with disk_full_means("penalty_not_recorded"):
            atomic_write_json(self.path, {"sightings": [asdict(s) for s in sightings]})
        return seen

    def standing(self) -> dict:
        """The history and where the store stands on the ladder: the highest step a sighting
        shows (0: none seen), that rung and the next one."""
        sightings = sorted(self.sightings(), key=lambda s: s.first_seen)
        data = rules()
        ladder = data["ladder"]
        step = max((s.step for s in sightings if s.step), default=0)
        return {
            "step": step,
            "current": ladder[step - 1] if step else None,
            "next": ladder[step] if step < len(ladder) else None,
            "strikes": sum(1 for s in sightings if s.penalty == "strike"),
            "sightings": [asdict(s) for s in sightings],
            "ladder": ladder,
            "warning": data["warning"],
        }
