"""The preflight's facts about a case: its documents (given, or from the vault), the images
(given, or the case's product photos in the vault and the pictures its old URLs served), the
recorded dead-URL verdicts and the agent's watch list."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from iprdesk.casework import case_images
from iprdesk.images import similar
from iprdesk.provenance.records import ProvenanceStore, image_sha256
from iprdesk.urls import watch as urlwatch
from iprdesk.vault import Vault
from iprdesk.vault.meta import NEWER_SUPERSEDES, split_superseded


@dataclass
class Document:
    name: str
    data: bytes


@dataclass
class Inputs:
    """What the preflight looks at. A document list of None means the documents could not be
    read at all, for the reason in `documents_problem` (a message key)."""

    agreement: list[Document] | None = None
    payment: list[Document] | None = None
    documents_problem: str | None = None
    # Image files given, or the case's product photos read from the vault (Documents).
    new_images: list[Path | Document] = field(default_factory=list)
    complained_images: list[Path | Document] = field(default_factory=list)
    # The complained pictures, as first served by the case's watched old URLs or dropped as
    # files: (URL or file name, fingerprint).
    complained_references: list[tuple[str, similar.Fingerprint]] = field(default_factory=list)
    # Dead-URL verdicts for the case ({"url", "verdict", "checked_at"}; verdict None: watched,
    # not checked yet), from the agent's watch list and the vault; None if there are none.
    url_results: list[dict] | None = None
    # Per document kind, the older documents a newer one replaced, left unread (their names).
    superseded: dict[str, list[str]] = field(default_factory=dict)
    # Copies of a complained image the upload check caught and the seller uploaded anyway,
    # not yet removed from the product (their names).
    uploaded_copies: list[str] = field(default_factory=list)
    # Copies marked removed on the seller's word, no check having seen them gone (names).
    stated_removals: list[str] = field(default_factory=list)
    # Per new image (in order), whether it has a provenance record; None: not looked up.
    provenance: list[bool] | None = None



def _url_results(raw: bytes) -> list[dict]:
    """Dead-URL results as recorded by `check-urls --record`: one result or a list."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return []
    if isinstance(value, dict):
        value = value.get("results", [value])
    return [r for r in value if isinstance(r, dict) and isinstance(r.get("url"), str)]


def _provenance(home: Path, images: list) -> list[bool]:
    """Per new image (a file or a Document), whether it has a provenance record."""
    lookup = ProvenanceStore(home).lookup()
    found = []
    for image in images:
        try:
            sha = image_sha256(image) if isinstance(image, Path) else hashlib.sha256(
                image.data).hexdigest()
        except OSError:
            found.append(False)  # unreadable: the image checks name it
            continue
        found.append(lookup(sha) is not None)
    return found


def gather(home: Path, case, *, agreement: list[Document] | None = None,
           payment: list[Document] | None = None, new_images=(), complained_images=(),
           vault=None) -> Inputs:
    """The preflight's inputs: documents given directly win; the rest come from the case's
    evidence in the vault when it is unlocked (`vault`), else they are reported unreadable.
    Of a kind a newer document supersedes (shared/evidence_kinds.json), only the newest is
    read: the last one given, or the vault's latest capture."""
    inputs = Inputs(new_images=list(new_images), complained_images=list(complained_images))
    for kind, given in (("agreement", agreement), ("payment", payment)):
        if given and kind in NEWER_SUPERSEDES and len(given) > 1:
            inputs.superseded[kind] = [doc.name for doc in given[:-1]]
            given = given[-1:]
        setattr(inputs, kind, given)
    # The agent's scheduled re-checks of the case's old URLs (readable without the vault).
    watched = urlwatch.WatchList(home).list(case.id)
    # The complained pictures: those the old URLs served, those the seller dropped as files.
    inputs.complained_references = [(label, fp) for _, label, fp
                                    in case_images.references(home, [case.id])]
    inputs.uploaded_copies = [p.name for p in case_images.uploaded_copies(home, case.id)]
    inputs.stated_removals = [p.name for p in case_images.stated_removals(home, case.id)]
    if watched:
        inputs.url_results = [{"url": w.url, **{k: (w.last or {}).get(k)
                                                for k in ("verdict", "checked_at")}}
                              for w in watched]
    if vault is None or not vault.unlocked:
        inputs.documents_problem = ("preflight.doc.locked" if Vault.exists(home)
                                    else "preflight.doc.no_vault")
        inputs.provenance = _provenance(home, inputs.new_images)
        return inputs
    for kind in ("agreement", "payment"):
        if getattr(inputs, kind) is None:
            items, older = split_superseded(vault.list(case=case.id, kind=kind))
            if older:
                inputs.superseded[kind] = [i.original_name or i.id for i in older]
            setattr(inputs, kind, [Document(item.original_name or item.id, vault.read(item.id))
                                   for item in items])
    if not inputs.new_images:
        # The new images the seller added to the case (cleaned as they were added).
        inputs.new_images = [Document(item.original_name or item.id, vault.read(item.id))
                             for item in vault.list(case=case.id, kind="photo")]
    recorded = vault.list(case=case.id, kind="url-check")
    if recorded:
        inputs.url_results = (inputs.url_results or []) + [
            r for item in recorded for r in _url_results(vault.read(item.id))]
    inputs.provenance = _provenance(home, inputs.new_images)
    return inputs
