"""Times a person reads: local time (the OS's zone) with the zone, in their language."""

from datetime import UTC, datetime, timedelta

import pytest

from iprdesk.errors import BadInput
from iprdesk.timeutil import iso, parse_time, shown, zone_name


def test_shown_in_the_machines_zone_in_both_languages(local_zone):
    local_zone("Asia/Shanghai")
    moment = parse_time("2026-12-07T10:00:00Z")
    assert shown(moment, "en") == "2026-12-07 18:00 (UTC+8)"
    assert shown(moment, "zh_CN") == "2026年12月7日 18:00（UTC+8）"
    # A stored ISO string is taken as well, and the day changes with the zone.
    assert shown("2026-12-07T20:30:00Z", "en") == "2026-12-08 04:30 (UTC+8)"


def test_shown_follows_another_zone_and_its_daylight_saving(local_zone):
    local_zone("America/New_York")
    assert shown("2026-01-15T17:00:00Z", "en") == "2026-01-15 12:00 (UTC-5)"
    assert shown("2026-07-15T17:00:00Z", "en") == "2026-07-15 13:00 (UTC-4)"
    local_zone("Asia/Kolkata")
    assert shown("2026-07-15T17:00:00Z", "zh_CN") == "2026年7月15日 22:30（UTC+5:30）"


def test_as_utc_gives_scripts_iso_8601(local_zone):
    local_zone("Asia/Shanghai")
    assert shown("2026-12-07T18:00:00+08:00", "zh_CN", as_utc=True) == "2026-12-07T10:00:00Z"
    assert shown(None) == ""


def test_zone_names():
    assert zone_name(timedelta(0)) == "UTC"
    assert zone_name(timedelta(hours=8)) == "UTC+8"
    assert zone_name(timedelta(hours=-3, minutes=-30)) == "UTC-3:30"


def test_stored_times_stay_utc_and_bad_ones_are_named():
    assert iso(datetime(2026, 3, 1, 17, 30, tzinfo=UTC)) == "2026-03-01T17:30:00Z"
    with pytest.raises(BadInput, match="received"):
        parse_time("yesterday", "received")
