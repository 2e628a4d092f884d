"""The preflight's facts about a case: its documents (given, or from the vault), the images,
the recorded dead-URL verdicts and the agent's watch list."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from iprdesk.urls import watch as urlwatch
from iprdesk.vault import Vault


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
    new_images: list[Path] = field(default_factory=list)
    complained_images: list[Path] = field(default_factory=list)
    # Dead-URL verdicts for the case ({"url", "verdict", "checked_at"}; verdict None: watched,
    # not checked yet), from the agent's watch list and the vault; None if there are none.
    url_results: list[dict] | None = None
    # Older payment proofs of the case that a newer one replaced, left unread (their names).
    superseded_payments: list[str] = field(default_factory=list)



def _url_results(raw: bytes) -> list[dict]:
    """Dead-URL results as recorded by `check-urls --record`: one result or a list."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return []
    if isinstance(value, dict):
        value = value.get("results", [value])
    return [r for r in value if isinstance(r, dict) and isinstance(r.get("url"), str)]


def gather(home: Path, case, *, agreement: list[Document] | None = None,
           payment: list[Document] | None = None, new_images=(), complained_images=(),
           vault=None) -> Inputs:
    """The preflight's inputs: documents given directly win; the rest come from the case's
    evidence in the vault when it is unlocked (`vault`), else they are reported unreadable."""
    inputs = Inputs(agreement=agreement, payment=payment, new_images=list(new_images),
                    complained_images=list(complained_images))
    # The agent's scheduled re-checks of the case's old URLs (readable without the vault).
    watched = urlwatch.WatchList(home).list(case.id)
    if watched:
        inputs.url_results = [{"url": w.url, **{k: (w.last or {}).get(k)
                                                for k in ("verdict", "checked_at")}}
                              for w in watched]
    if vault is None or not vault.unlocked:
        inputs.documents_problem = ("preflight.doc.locked" if Vault.exists(home)
                                    else "preflight.doc.no_vault")
        return inputs
    for kind in ("agreement", "payment"):
        if getattr(inputs, kind) is None:
            items = vault.list(case=case.id, kind=kind)
            if kind == "payment" and len(items) > 1:
                # A corrected bank slip replaces the one before it: only the newest is read.
                items = sorted(items, key=lambda item: item.captured_at)
                inputs.superseded_payments = [i.original_name or i.id for i in items[:-1]]
                items = items[-1:]
            setattr(inputs, kind, [Document(item.original_name or item.id, vault.read(item.id))
                                   for item in items])
    recorded = vault.list(case=case.id, kind="url-check")
    if recorded:
        inputs.url_results = (inputs.url_results or []) + [
            r for item in recorded for r in _url_results(vault.read(item.id))]
    return inputs
