"""Time as iprdesk stores it: UTC, to the second, written `2026-03-01T09:30:00Z`.

Everything kept on disk or sent to the extension uses these. A time a person reads is shown
by `shown`, the one formatting function of the agent's side: local time (the OS's zone) with
the zone stated, in the reader's language; `as_utc` gives scripts ISO 8601 in UTC instead.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from iprdesk.errors import BadInput
from iprdesk.text import i18n


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# Set to 1 in the agent's environment, the agent's clock can be moved (`PUT /v1/test/clock`):
# the tests see deadlines warn without waiting days. Never set for a user.
TEST_CLOCK_ENV = "IPRDESK_TEST_CLOCK"


@dataclass
class Clock:
    """The agent's clock, the one "now" deadline states are judged at: the real UTC time,
    shifted by `offset` where the environment allows it (tests only)."""
    adjustable: bool = False
    offset: timedelta = timedelta(0)

    @classmethod
    def from_environment(cls) -> "Clock":
        return cls(adjustable=os.environ.get(TEST_CLOCK_ENV) == "1")

    def now(self) -> datetime:
        return utc_now() + self.offset


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now_ms() -> datetime:
    """Now to the millisecond, for `iso_ms` (`utc_now` is to the second, as stored times are)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def iso_ms(moment: datetime) -> str:
    """ISO 8601 UTC to the millisecond, for what happens several times a second (URL checks):
    which of two came last must not be a tie. `moment` from `utc_now_ms`, not `utc_now`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return iso(utc_now())


def parse_time(value: str, what: str = "time") -> datetime:
    """ISO 8601; a time without an offset is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise BadInput(key="error.time.not_iso", params={
            "what": what, "value": value, "example": "2026-03-01T09:30:00Z"}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def zone_name(offset: timedelta | None) -> str:
    """A UTC offset as people read it: UTC+8, UTC-3, UTC+5:30, UTC."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02}" if rest else "")


def local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """The moment in `zone` (the reader's), by default the machine's own time zone (the OS's:
    TZ, /etc/localtime, Windows)."""
    return moment.astimezone(zone)


# Set by the CLI's --utc: scripts read every time as ISO 8601 UTC.
_for_scripts = False


def show_utc(on: bool) -> None:
    global _for_scripts
    _for_scripts = bool(on)


def shown_date(day: date, lang: str = "en") -> str:
    """A calendar date for a person (a licence's end): `2027-12-31` / `2027年12月31日`."""
    return i18n.text("time.date", lang, year=day.year, month=day.month, day=day.day)


def zone(name: str) -> tzinfo:
    """The time zone an IANA name says (`Asia/Shanghai`): the reader's, when it is not the
    machine's (the browser tells its own)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: the CLI's times need none

    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(key="error.request.bad_zone", params={"zone": str(name)[:60]}) from None


def shows(lang: str = "en", *, as_utc: bool | None = None,
          zone: tzinfo | None = None) -> Callable[[datetime | str | None], str]:
    """`shown` with the language and zone fixed, for many times (a listing of 10,000): the
    template and each UTC offset's name are looked up once, not for each time."""
    for_scripts = _for_scripts if as_utc is None else as_utc
    template = i18n.template("time.local", lang)
    names: dict[timedelta | None, str] = {}

    def show(moment: datetime | str | None) -> str:
        if moment is None or moment == "":
            return ""
        if isinstance(moment, str):
            moment = parse_time(moment)
        if for_scripts:
            return iso(moment)
        at = moment.astimezone(zone) if zone else local(moment)
        offset = at.utcoffset()
        name = names.get(offset)
        if name is None:
            name = names[offset] = zone_name(offset)
        return i18n.fill(template, year=at.year, month=at.month, day=at.day,
                         clock=f"{at.hour:02}:{at.minute:02}", zone=name)

    return show


def shown(moment: datetime | str | None, lang: str = "en", *, as_utc: bool | None = None,
          zone: tzinfo | None = None) -> str:
    """A time for a person: `2026-12-07 18:00 (UTC+8)` / `2026年12月7日 18:00（UTC+8）`, in
    the machine's zone (or `zone`, the reader's); with as_utc (default: the CLI's --utc), ISO
    8601 UTC for scripts. A stored ISO string is taken too; None is shown as an empty string."""
    return shows(lang, as_utc=as_utc, zone=zone)(moment)
