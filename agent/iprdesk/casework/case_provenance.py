"""The provenance of a case's images (issue 15): the records of the images filed under the case
or shown on its products, the vault items behind them (for the case's bundle), and the sealed
originals a counter-notice cites, each with what the vault and the records prove about it.

A counter-notice says "this picture is mine" under penalty of perjury, so every fact it cites
about an original is a check of its own (a preflight `Check`, ids in `ORIGINAL_FACTS`): `pass`
only on positive evidence read here, from the record and the vault item itself, never from
what someone typed. With the vault locked the original cannot be read: those facts are
`unknown` and the letter holds a gap saying to unlock it.
"""

from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from iprdesk import timeutil
from iprdesk.casework import case_images
from iprdesk.casework.cases import CONTROL, Case
from iprdesk.casework.preflight import Check
from iprdesk.errors import BadInput, NotFound
from iprdesk.images import similar
from iprdesk.metadata import inspect_image
from iprdesk.provenance.records import ProvenanceStore, Record
from iprdesk.text import i18n
from iprdesk.vault.errors import VaultDamaged

# What the letter may say about one sealed original, each with the check behind it.
ORIGINAL_FACTS = ("original.own", "original.matches", "original.camera", "original.captured",
                  "original.intact")
OWN_ORIGINS = ("own_photo", "own_design")
# Roles of a record's documents a bundle carries, in the order its report lists them.
BUNDLED_ROLES = ("original", "licence", "contract", "invoice")
MAX_ORIGINALS = 12  # a counter-notice names the few pictures complained of, not a catalogue
# Larger originals (RAW, PSD) are checked as they stream, but not read whole for their camera.
MAX_INSPECTED = 64 * 1024 * 1024
MATCHING = ("same", "near-duplicate")


def records(home: Path, case: Case, vault=None) -> list[Record]:
    """The provenance records of the case's images: those filed under the case or one of its
    products, and (with the vault unlocked) those of the product photos added to the case."""
    store = ProvenanceStore(home)
    found = {r.image: r for r in store.all()
             if r.case == case.id or (r.product and r.product in case.products)}
    if vault is not None and vault.unlocked:
        lookup = store.lookup()
        for item in vault.list(case=case.id, kind="photo"):
            record = lookup(item.sha256)
            if record is not None:
                found.setdefault(record.image, record)
    return sorted(found.values(), key=lambda r: (r.created_at, r.image))


def bundled_items(home: Path, case: Case, vault) -> tuple[list[Record], list[str]]:
    """The records of the case's images and the vault items behind them (originals, licences,
    contracts, invoices) still in the (unlocked) vault, for the case's bundle."""
    found = records(home, case, vault)
    present = {item.id for item in vault.list()}
    ids = [d.item for r in found for role in BUNDLED_ROLES for d in r.documents.get(role, [])
           if d.item in present]
    return found, list(dict.fromkeys(ids))


@dataclass
class SealedOriginal:
    """One original a counter-notice may cite: the letter's placeholders for it (a value is
    set only when the check behind it passed) and those checks."""

    name: str
    image: str  # the SHA-256 of the clean copy its record is filed under
    values: dict = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    def status(self, fact: str) -> str:
        return next(c.status for c in self.checks if c.id == fact)


def _own(record: Record) -> Check:
    if record.origin in OWN_ORIGINS:
        return Check("original.own", "pass", [("counter_notice.own.pass", {})])
    if record.origin is None:
        return Check("original.own", "unknown", [("counter_notice.own.unset", {})])
    return Check("original.own", "fail", [("counter_notice.own.other", {
        "origin": {lang: _origin_name(record.origin, lang) for lang in i18n.LANGUAGES}})])


def _origin_name(origin: str, lang: str) -> str:
    return i18n.text(f"provenance.origin.{origin}", lang)


def _all_unknown(key: str, params: dict | None = None) -> list[Check]:
    return [Check(fact, "unknown", [(key, params or {})]) for fact in ORIGINAL_FACTS[1:]]


def _plain(value: str) -> str:
    """A file's name or its EXIF as a line of the letter: control characters (a terminal's
    escape sequences, a forged line break) become spaces."""
    return " ".join(CONTROL.sub(" ", value).split())[:200]


def _camera(device: dict) -> str | None:
    make, model = _plain(device.get("make", "")), _plain(device.get("model", ""))
    if model and make and model.lower().startswith(make.lower()):
        return model
    return " ".join(part for part in (make, model) if part) or None


def _captured(value: str) -> str:
    """`2024-05-01 10:00:00 (UTC+08:00)`, or the camera's clock as it wrote it."""
    day, _, rest = value.partition("T")
    clock, offset = rest[:8], rest[8:]
    return f"{day} {clock} (UTC{offset})" if offset else \
        f"{day} {clock} (camera clock, no time zone recorded)"


def _read(vault, document, record: Record) -> tuple[Check, bytes | None, object]:
    """The intact check of one original document, with its bytes when small enough to
    inspect, and its vault item."""
    try:
        item = vault.item(document.item)
    except NotFound:
        return Check("original.intact", "fail", [("counter_notice.intact.gone",
                                                  {"item": document.item})]), None, None
    data, chunks = None, []
    try:
        for chunk in vault.chunks(item.id):  # authenticated, and its SHA-256 checked at the end
            if item.size <= MAX_INSPECTED:
                chunks.append(chunk)
    except VaultDamaged:
        return Check("original.intact", "fail", [("counter_notice.intact.damaged",
                                                  {"item": item.id})]), None, item
    if document.sha256 and document.sha256 != item.sha256:
        return Check("original.intact", "fail", [("counter_notice.intact.mismatch",
                                                  {"item": item.id})]), None, item
    if item.size <= MAX_INSPECTED:
        data = b"".join(chunks)
    return Check("original.intact", "pass", [("counter_notice.intact.pass", {})]), data, item


def _proof(record: Record, document, vault, references) -> SealedOriginal:
    name = _plain(document.name or record.name or document.item)
    original = SealedOriginal(name=name, image=record.image, values={"original_name": name})
    original.checks.append(_own(record))
    if vault is None or not vault.unlocked:
        original.checks += _all_unknown("counter_notice.locked")
        return original
    intact, data, item = _read(vault, document, record)
    if intact.status != "pass":
        original.checks += [Check(fact, "unknown", [("counter_notice.not_intact", {})])
                            for fact in ORIGINAL_FACTS[1:-1]] + [intact]
        return original
    original.values.update(sha256=item.sha256, sealed=timeutil.shown(item.added_at, "en",
                                                                      zone=UTC))
    if data is None:
        original.checks += [Check(fact, "unknown", [("counter_notice.too_large", {})])
                            for fact in ORIGINAL_FACTS[1:-1]] + [intact]
        return original
    original.checks.append(_matches(data, name, references))
    try:
        findings = inspect_image(data, name).findings
    except BadInput:
        findings = None
    camera = _camera(findings.device) if findings else None
    if camera:
        original.values["camera"] = camera
        original.checks.append(Check("original.camera", "pass", [("counter_notice.camera.pass",
                                                                  {})]))
    else:
        original.checks.append(Check("original.camera", "unknown", [(
            "counter_notice.camera.none" if findings else "counter_notice.unreadable", {})]))
    if findings and findings.captured:
        original.values["captured"] = _captured(findings.captured)
        original.checks.append(Check("original.captured", "pass", [(
            "counter_notice.captured.pass", {})]))
    else:
        original.checks.append(Check("original.captured", "unknown", [(
            "counter_notice.captured.none" if findings else "counter_notice.unreadable", {})]))
    original.checks.append(intact)
    return original


def _matches(data: bytes, name: str, references) -> Check:
    if not references:
        return Check("original.matches", "unknown", [("counter_notice.matches.no_complained",
                                                      {})])
    try:
        _, comparison = similar.closest(similar.fingerprint_bytes(data, name), references)
    except BadInput:
        return Check("original.matches", "unknown", [("counter_notice.unreadable", {})])
    if comparison.verdict in MATCHING:
        return Check("original.matches", "pass", [("counter_notice.matches.pass", {})])
    return Check("original.matches", "fail", [("counter_notice.matches.different", {})])


def originals(home: Path, case: Case, vault=None) -> list[SealedOriginal]:
    """The sealed originals of the case's images that a counter-notice may cite, at most
    MAX_ORIGINALS. When the complained pictures are known (`case_images.references`), an
    original whose picture is not one of them proves nothing about the complaint and is left
    out; when they are not known, each original is cited with that fact a gap."""
    references = [(label, fp) for _, label, fp in case_images.references(home, [case.id])]
    found = []
    for record in records(home, case, vault):
        for document in record.documents.get("original", []):
            original = _proof(record, document, vault, references)
            if references and original.status("original.matches") == "fail":
                continue
            found.append(original)
    return found[:MAX_ORIGINALS]
