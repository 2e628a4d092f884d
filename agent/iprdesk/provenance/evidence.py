"""The vault items behind a provenance record: a document sealed for it (a file the seller
gives: streamed, works locked), one already in the vault linked by its id (needs the vault
unlocked, to check it is there and take its hash), and the licence check of the record's
licence, read back from the vault."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from iprdesk.errors import BadInput, NotFound
from iprdesk.provenance import licence
from iprdesk.provenance.records import ROLES, Document, Record

if TYPE_CHECKING:  # in annotations only: the agent's start does not load the vault's store
    from iprdesk.vault import Vault

MAX_LICENCE_BYTES = 20 * 1024 * 1024  # a licence is a few pages; refuse a stray video


def too_large(size: int, name: str) -> None:
    if size > MAX_LICENCE_BYTES:
        raise BadInput(key="provenance.licence_too_large",
                       params={"file": name, "mb": MAX_LICENCE_BYTES // (1024 * 1024)})


def seal_document(vault: Vault, role: str, source: Path | bytes, *, name: str | None = None,
                  product: str | None = None, case: str | None = None,
                  sealed_by: str = "cli") -> Document:
    """Seal a file (a path, streamed from disk: a 500 MB PSD is never held whole in memory;
    or the bytes the desk sent, named `name`) as a record's `role` document (an original, a
    licence, a contract, an invoice). Needs no passphrase."""
    if role not in ROLES:
        raise BadInput(key="provenance.bad_role",
                       params={"role": str(role)[:40], "roles": ", ".join(ROLES)})
    name = (name or Path(source).name)[:500]
    item = vault.add_many([(source, {
        "kind": ROLES[role], "original_name": name,
        "product_ids": [product] if product else [], "case": case})])[0]
    return Document(item=item.id, sha256=item.sha256, name=name,
                    sealed_at=item.added_at, sealed_by=sealed_by)


def linked_document(vault: Vault, ref: str) -> Document:
    """A vault item (id or unique prefix) as a record's document; the vault must be unlocked."""
    item = vault.item(ref)
    return Document(item=item.id, sha256=item.sha256, name=item.original_name)


def licence_check(vault: Vault, record: Record, seller: dict, today: date) -> licence.LicenceCheck:
    """The check of the record's newest licence, read from the (unlocked) vault."""
    documents = record.documents.get("licence") or []
    if not documents:
        raise NotFound(key="provenance.no_licence", params={"image": record.image[:12]})
    item = vault.item(documents[-1].item)
    too_large(item.size, item.original_name or item.id)
    return licence.check_licence(vault.read(item.id), seller, today)
