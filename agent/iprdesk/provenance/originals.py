"""Originals sealed before stripping: the upload guard and the watched folder remove a photo's
camera, serial number and capture time from the public copy, yet those facts are the seller's
best proof that the photo is theirs. So the original bytes go into the vault first, as kind
`original`, linked to the clean copy by both hashes (the vault item's `sha256` and
`clean_sha256`) and to the product when the upload names it, and the image's provenance record
lists it. Sealing needs no passphrase (the vault's public key), so it works locked, like a
capture; a large original is streamed from its file, never held whole in memory.
"""

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from iprdesk.provenance.records import Document, ProvenanceStore
from iprdesk.vault import Vault

log = logging.getLogger("iprdesk.provenance")


def seal_original(home: Path, vault: Vault, source, *, name: str, clean_sha256: str,
                  sealed_by: str, product: str | None = None) -> Document:
    """Seal `source` (bytes, or a path streamed from disk) as the original of the clean copy
    whose SHA-256 is `clean_sha256`, and list it in that image's provenance record."""
    meta = {"kind": "original", "original_name": name[:500], "clean_sha256": clean_sha256,
            "product_ids": [product] if product else []}
    item = vault.add_many([(source, meta)])[0]
    document = Document(item=item.id, sha256=item.sha256, name=name, sealed_at=item.added_at,
                        sealed_by=sealed_by)
    ProvenanceStore(home).set(clean_sha256, name=name, product=product,
                              documents={"original": [document]})
    log.info("sealed the original of %s (%s) before cleaning", name, item.id)
    return document


def keeper(home: Path, open_vault: Callable[[], Vault], sealed_by: str):
    """What a cleaner calls with (name, original bytes, clean bytes) to keep the original:
    nothing happens when the two are the same (nothing was removed) or there is no vault;
    a failure is logged, never raised (cleaning goes on, the seller's upload is not held)."""

    def keep(name: str, original: bytes, clean: bytes | memoryview,
             product: str | None = None) -> Document | None:
        if original == clean or not Vault.exists(home):
            return None
        try:
            return seal_original(home, open_vault(), original, name=name,
                                 clean_sha256=hashlib.sha256(clean).hexdigest(),
                                 sealed_by=sealed_by, product=product)
        except Exception:  # noqa: BLE001 - the clean copy must not wait on the vault
            log.exception("could not seal the original of %s", name)
            return None

    return keep
