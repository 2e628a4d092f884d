"""Time as iprdesk stores it: UTC, to the second, written `2026-03-01T09:30:00Z`.

Everything kept on disk or sent to the extension uses these; showing a time in the user's
own zone is the job of whoever renders it.
"""

from datetime import UTC, datetime

from iprdesk.errors import BadInput


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    return iso(utc_now())


def parse_time(value: str, what: str = "time") -> datetime:
    """ISO 8601; a time without an offset is taken as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise BadInput(f"{what}: {value!r} is not an ISO 8601 time "
                       "(e.g. 2026-03-01T09:30:00Z)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
