"""Cases: one complaint the seller is working on, its facts, events and deadlines.

A case is a JSON file `cases/<id>.json` in the data directory, written atomically. Deadlines
are not stored: they are computed from the case's events and `shared/deadlines.json`, so a
changed rule (say, 72 hours instead of 48) applies to every case at once, with no migration.
The CLI and the agent both write cases, so every read-modify-write holds `cases/.lock`.
"""

import contextlib
import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from iprdesk.atomic import atomic_write_json
from iprdesk.casework import deadlines
from iprdesk.errors import BadInput, Conflict, IprdeskError, NotFound
from iprdesk.locking import exclusive
from iprdesk.text import shared_data
from iprdesk.text.i18n import Message
from iprdesk.timeutil import iso, parse_time, utc_now
from iprdesk.urls.check import parse_url
from iprdesk.urls.watch import WatchList

COMPLAINT_TYPES = ("copyright", "trademark")
CASE_ID = re.compile(r"^c-[0-9a-f]{8}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Joom ids are hex or alphanumeric; allow the separators sellers paste, refuse anything that
# could break a file name, a report or a template.
PLAIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
MAX_PRODUCTS = 500
MAX_TEXT = 200


def _plain_id(value, what: Message) -> str:
    text = str(value or "").strip()
    if not PLAIN_ID.match(text):
        raise BadInput(key="error.case.not_plain_id", params={"what": what, "text": text})
    return text


def _plain_text(value, what: Message) -> str:
    # Control characters (terminal escape sequences from a page) become spaces.
    text = " ".join(CONTROL.sub(" ", str(value or "")).split())
    if not text:
        raise BadInput(key="error.case.required", params={"what": what})
    if len(text) > MAX_TEXT:
        raise BadInput(key="error.case.too_long", params={"what": what, "max_text": MAX_TEXT})
    return text


def parse_products(value) -> list[str]:
    """Product IDs from a list or a comma/space separated string, duplicates removed."""
    if not isinstance(value, list | str):
        raise BadInput(key="error.case.products_shape")
    items = value if isinstance(value, list) else re.split(r"[,\s]+", str(value or ""))
    products = []
    for item in items:
        if str(item).strip():
            product = _plain_id(item, Message("case.field.product_id"))
            if product not in products:
                products.append(product)
    if not products:
        raise BadInput(key="error.case.no_products")
    if len(products) > MAX_PRODUCTS:
        raise BadInput(key="error.case.too_many_products", params={"max_products": MAX_PRODUCTS})
    return products


@dataclass
class Case:
    id: str
    complaint_id: str
    store_id: str
    type: str
    complainant: str
    products: list[str]
    # Event name (see shared/deadlines.json "events") -> ISO UTC time; "received" always set.
    events: dict[str, str]
    created: str
    status: str = "open"
    closed: str | None = None
    # Public URLs of the complained images, for the dead-URL checks.
    old_urls: list[str] = field(default_factory=list)
    # The court's case number when a lawsuit is behind the complaint (1:26-cv-01234, 案号).
    court_case: str | None = None
    # The law firm acting for the complainant, whom the seller writes to: read from the notice,
    # else the Schedule A firm the complainant names; the seller may correct it.
    law_firm: str | None = None

    @property
    def received(self) -> datetime:
        return parse_time(self.events["received"], "received")

    def deadline_states(self, now: datetime | None = None) -> list[dict]:
        """Each deadline's state at `now` (casework.deadlines)."""
        return deadlines.states(self.events, self.status == "closed", now or utc_now())

    def next_deadline(self, now: datetime | None = None) -> dict | None:
        return deadlines.next_deadline(self.deadline_states(now))

    def to_dict(self, now: datetime | None = None) -> dict:
        data = asdict(self)
        data["received"] = self.events["received"]
        data["deadlines"] = self.deadline_states(now)
        upcoming = deadlines.next_deadline(data["deadlines"])
        data["next_deadline"] = upcoming["id"] if upcoming else None
        data["schedule_a_firm"] = self.schedule_a_firm()
        return data

    def schedule_a_firm(self) -> str | None:
        """The known Schedule A firm the complainant names, or the one acting for it."""
        return schedule_a_firm(self.complainant) or (
            schedule_a_firm(self.law_firm) if self.law_firm else None)


class UnknownCase(NotFound):
    """A case reference (a case id or a complaint ID) that names no case: the message lists
    the open cases to choose from, never a new label made up on the spot."""

    code = "unknown_case"

    def __init__(self, ref: str, open_cases: list["Case"]):
        shown = [f"{c.id} ({c.complaint_id}, {c.complainant})" for c in open_cases]
        super().__init__(key="case.unknown" if shown else "case.unknown_none",
                         params={"ref": str(ref)[:100], "cases": shown})
        self.details = {"open_cases": [{"id": c.id, "complaint_id": c.complaint_id,
                                        "complainant": c.complainant} for c in open_cases]}


def _normalise_firm(name: str) -> str:
    words = re.sub(r"[^a-z0-9&]+", " ", name.lower().replace(" and ", " & ")).split()
    suffixes = {"ltd", "llc", "llp", "pa", "p", "a", "pc", "inc", "law", "firm", "the"}
    return " ".join(w for w in words if w not in suffixes)


def same_party(a: str, b: str) -> bool:
    """Whether two names are one firm's ("Greer, Burns & Crain, Ltd." and "Greer Burns and
    Crain"): a complainant that is its own law firm."""
    return _normalise_firm(a) == _normalise_firm(b)


def schedule_a_firm(complainant: str) -> str | None:
    """The known Schedule A law firm named in the complainant, if any (shared/lawfirms.json)."""
    text = f" {_normalise_firm(complainant)} "
    for firm in shared_data.load("lawfirms.json")["firms"]:
        for name in (firm["name"], *firm["aliases"]):
            key = _normalise_firm(name)
            if key and f" {key} " in text:
                return firm["name"]
    return None


class CaseStore:
    def __init__(self, home: Path):
        self.home = home
        self.root = home / "cases"

    @contextlib.contextmanager
    def _locked(self):
        self.root.mkdir(exist_ok=True, mode=0o700)
        with exclusive(self.root / ".lock"):
            yield

    def _path(self, case_id: str) -> Path:
        if not CASE_ID.match(str(case_id)):
            raise BadInput(key="error.case.not_a_case_id", params={"case_id": case_id})
        return self.root / f"{case_id}.json"

    def _save(self, case: Case) -> None:
        atomic_write_json(self._path(case.id), asdict(case))

    def get(self, case_id: str) -> Case:
        path = self._path(case_id)
        try:
            return Case(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise NotFound(key="error.case.no_such_case", params={"case_id": case_id}) from None
        except (ValueError, TypeError) as e:
            raise IprdeskError(key="error.case.damaged", params={"path": path, "e": e},
                               code="case_damaged", status=500) from e

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return [p.stem for p in sorted(self.root.glob("c-*.json"))]

    def all(self, status: str | None = None) -> list[Case]:
        cases = [self.get(case_id) for case_id in self.ids()]
        return [c for c in cases if status is None or c.status == status]

    def resolve(self, ref: str) -> Case:
        """The case a reference names: a case id, or a complaint ID (its open case, else its
        latest closed one); UnknownCase, listing the open cases, when none."""
        ref = str(ref or "").strip()
        if CASE_ID.match(ref) and self._path(ref).exists():
            return self.get(ref)
        every = self.all()
        named = [c for c in every if c.complaint_id == ref]
        if named:
            return min(named, key=lambda c: (c.status != "open", -parse_time(
                c.created, "created").timestamp()))
        raise UnknownCase(ref, [c for c in every if c.status == "open"])

    def find_open(self, complaint_id: str) -> Case | None:
        return next((c for c in self.all("open") if c.complaint_id == complaint_id), None)

    def new(self, *, complaint_id, store_id, type, complainant, products, received=None,
            old_urls=None, court_case=None, law_firm=None, now: datetime | None = None) -> Case:
        now = now or utc_now()
        complaint_id = _plain_id(complaint_id, Message("notice.field.complaint_id"))
        if type not in COMPLAINT_TYPES:
            raise BadInput(key="error.case.bad_type",
                           params={"type": type, "complaint_types": list(COMPLAINT_TYPES)})
        received_at = parse_time(received, "--received") if received else now
        if received_at > now + timedelta(minutes=5):
            raise BadInput(key="error.case.received_in_future",
                           params={"received": iso(received_at)})
        complainant = _plain_text(complainant, Message("case.field.complainant"))
        case = Case(
            id="",
            complaint_id=complaint_id,
            store_id=_plain_id(store_id, Message("notice.field.store_id")),
            type=type,
            complainant=complainant,
            products=parse_products(products),
            events={"received": iso(received_at)},
            created=iso(now),
            old_urls=_urls(old_urls or []),
            court_case=(_plain_text(court_case, Message("notice.field.court_case"))
                        if court_case else None),
            law_firm=(_plain_text(law_firm, Message("case.field.law_firm")) if law_firm
                      else schedule_a_firm(complainant)),
        )
        self._check_watch_room(None, case.old_urls)
        with self._locked():
            existing = self.find_open(complaint_id)
            if existing:
                raise Conflict(key="error.case.exists",
                               params={"complaint_id": complaint_id, "case": existing.id},
                               code="case_exists")
            while True:
                case.id = f"c-{secrets.token_hex(4)}"
                if not self._path(case.id).exists():
                    break
            self._save(case)
        self._watch(case)
        return case

    def _watch(self, case: Case) -> None:
        """The agent re-checks a case's old image URLs until they are dead (casework.old_urls)."""
        if case.old_urls:
            WatchList(self.home).add(case.id, case.old_urls)

    def _check_watch_room(self, case_id: str | None, urls: list[str]) -> None:
        """Refuse URLs the watch list could not take before the case is saved with them."""
        if urls:
            WatchList(self.home).check_room(case_id, urls)

    def record_event(self, case_id: str, event: str, at: str | None = None,
                     now: datetime | None = None) -> Case:
        """Record that something happened (offer received, images replaced...), which starts
        or meets deadlines."""
        names = deadlines.event_names()
        if event not in names or event == "received":
            choices = [n for n in names if n != "received"]
            raise BadInput(key="error.case.unknown_event",
                           params={"event": event, "choices": choices})
        moment = parse_time(at, "--at") if at else (now or utc_now())
        with self._locked():
            case = self.get(case_id)
            if moment < case.received:
                raise BadInput(key="error.case.event_before_received",
                               params={"event": event, "at": iso(moment)})
            case.events[event] = iso(moment)
            self._save(case)
        return case

    def add_urls(self, case_id: str, urls: list[str]) -> Case:
        with self._locked():
            case = self.get(case_id)
            case.old_urls = _urls(case.old_urls + list(urls))
            self._check_watch_room(case_id, case.old_urls)
            self._save(case)
        self._watch(case)
        return case

    def remove_url(self, case_id: str, url: str) -> bool:
        """Take `url` off the case's old URLs; False when the case did not list it."""
        with self._locked():
            case = self.get(case_id)
            if url not in case.old_urls:
                return False
            case.old_urls = [u for u in case.old_urls if u != url]
            self._save(case)
        return True

    def set_law_firm(self, case_id: str, law_firm: str | None) -> Case:
        """The seller's correction of the law firm; empty (or None) says there is none."""
        text = str(law_firm or "").strip()
        name = _plain_text(text, Message("case.field.law_firm")) if text else None
        with self._locked():
            case = self.get(case_id)
            case.law_firm = name
            self._save(case)
        return case

    def close(self, case_id: str, now: datetime | None = None) -> Case:
        with self._locked():
            case = self.get(case_id)
            if case.status == "closed":
                raise Conflict(key="error.case.already_closed",
                               params={"case_id": case_id}, code="case_closed")
            case.status = "closed"
            case.closed = iso(now or utc_now())
            self._save(case)
        return case

    def by_urgency(self, now: datetime | None = None) -> list[Case]:
        """Open cases, the one whose next deadline comes first at the top; cases with no
        running deadline last, newest first."""
        def key(case):
            upcoming = case.next_deadline(now)
            if upcoming is None:
                return (1, -parse_time(case.created, "created").timestamp())
            return (0, upcoming["seconds_left"])

        return sorted(self.all("open"), key=key)


def _urls(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(parse_url(str(url)) for url in urls))
