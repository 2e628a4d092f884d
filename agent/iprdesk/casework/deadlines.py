"""Deadlines and their urgency: the one place their states are computed.

The rules are data (`shared/deadlines.json`): each starts at an event, is met by another, and
warns at its `warn_before_hours`. Everything that shows a deadline (the CLI, the popup, the
overlays, the notifications) gets its state from here, judged at one `now`: the agent's clock
(`timeutil.Clock`), which the tests move. A complaint row of the Panel that has no case yet
gets the same answer from its received time (`preview`).
"""

from datetime import datetime, timedelta

from iprdesk.errors import BadInput
from iprdesk.text import i18n, shared_data
from iprdesk.timeutil import iso, parse_time

# States in which a deadline's clock runs (as opposed to pending: not started, done: met).
RUNNING = ("ok", "warning", "urgent", "overdue", "due")
MAX_PREVIEW_ROWS = 500
MAX_COMPLAINANT = 200


def rules() -> list[dict]:
    return shared_data.load("deadlines.json")["deadlines"]


def event_names() -> dict:
    return shared_data.load("deadlines.json")["events"]


def _judge(rule: dict, due: datetime, now: datetime) -> tuple[str, datetime | None]:
    """The state a running deadline is in at `now`, and when it next changes (None once past
    due). The warning levels: first `warning`, at the last `urgent`; past due a deadline is
    `overdue`, a reminder `due` (a date to act on, never overdue in red)."""
    levels = sorted(rule["warn_before_hours"], reverse=True)
    steps = [("warning", due - timedelta(hours=levels[0])),
             ("urgent", due - timedelta(hours=levels[-1])),
             ("overdue" if rule["kind"] == "deadline" else "due", due)]
    state = "ok"
    for name, starts in steps:
        if now >= starts:
            state = name
    upcoming = [starts for _, starts in steps if starts > now]
    return state, min(upcoming, default=None)


def states(events: dict[str, str], closed: bool, now: datetime) -> list[dict]:
    """Each rule's deadline for these events at `now`: its state (pending: clock not started,
    done, ok, warning, urgent, overdue or due), due time, time left, and `next_warning`: when
    the next level starts (a warning, or the due time itself)."""
    result = []
    for rule in rules():
        item = {"id": rule["id"], "kind": rule["kind"], "label": rule["label"], "due": None,
                "seconds_left": None, "ms_left": None, "next_warning": None}
        start = events.get(rule["from"])
        if start is None:
            item["state"] = "pending"
        else:
            due = parse_time(start, rule["from"]) + timedelta(hours=rule["hours"])
            left = due - now
            item.update(due=iso(due), seconds_left=int(left.total_seconds()),
                        ms_left=int(left.total_seconds() * 1000))
            if rule["done_when"] in events or closed:
                item["state"] = "done"
            else:
                item["state"], change = _judge(rule, due, now)
                item["next_warning"] = iso(change) if change else None
        result.append(item)
    return result


def next_deadline(items: list[dict]) -> dict | None:
    """The earliest deadline still running (overdue ones first), or None."""
    running = [d for d in items if d["state"] in RUNNING]
    return min(running, key=lambda d: d["seconds_left"], default=None)


def preview(rows, now: datetime, firm_of) -> list[dict]:
    """The deadlines of complaint rows that have no case yet, as their case would have them:
    each row `{received, complainant}` (received: ISO 8601, or null when the page's date could
    not be read) gets `{deadlines, schedule_a_firm}`. `firm_of` names the Schedule A firm."""
    if not isinstance(rows, list):
        raise BadInput(key="error.deadlines.rows_shape")
    if len(rows) > MAX_PREVIEW_ROWS:
        raise BadInput(key="error.deadlines.too_many_rows", params={"max_rows": MAX_PREVIEW_ROWS})
    answers = []
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict) or set(row) - {"received", "complainant"}:
            raise BadInput(key="error.deadlines.row_fields", params={"n": n})
        received, complainant = row.get("received"), row.get("complainant") or ""
        if received is not None and not isinstance(received, str):
            raise BadInput(key="error.deadlines.row_received", params={"n": n})
        if not isinstance(complainant, str) or len(complainant) > MAX_COMPLAINANT:
            raise BadInput(key="error.deadlines.row_complainant",
                           params={"n": n, "max_complainant": MAX_COMPLAINANT})
        events = {"received": iso(parse_time(received, f"Row {n}: received"))} if received else {}
        answers.append({"deadlines": states(events, False, now),
                        "schedule_a_firm": firm_of(complainant)})
    return answers


def duration_text(seconds: int, lang: str) -> str:
    """'1 d 4 h' / '3 h 20 min' / '12 min' ('3 小时 20 分钟'): the two largest units, in the
    user's language; the extension's lib/time-classic.js:duration says the same."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    units = i18n.text("time.units", lang).split("|")
    parts = [(n, u) for n, u in zip((days, hours, minutes), units, strict=True) if n][:2]
    return " ".join(f"{n} {u}" for n, u in parts or [(0, units[2])])


def countdown_text(seconds: int, lang: str) -> str:
    """'in 3 h 20 min' / '2 d 4 h ago', in the user's language."""
    return i18n.text("time.ago" if seconds < 0 else "time.in", lang,
                     duration=duration_text(seconds, lang))
