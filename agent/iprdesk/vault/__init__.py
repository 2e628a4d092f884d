"""The encrypted evidence vault (DESIGN section 4).

    from iprdesk.vault import Vault
    vault = Vault.open(home)                    # VaultMissing if `iprdesk vault init` never ran
    object_id = vault.add(data, {"kind": "url-check", "case": "C-1", "source_url": url})
    vault.unlock(passphrase)                    # WrongPassphrase, PassphraseBackoff; needed
                                                # from here on
    vault.list(case="C-1")                      # [Item(id, kind, sha256, case, ...)]
    vault.read(object_id)                       # the original bytes, authenticated
    vault.relabel(object_id, {"case": "C-2"})   # -> Item under a new id, same content

Adding never needs the passphrase; listing, reading, relabel, export and delete do
(VaultLocked).
"""

from iprdesk.errors import DiskFull
from iprdesk.vault.errors import (
    PassphraseBackoff,
    VaultDamaged,
    VaultExists,
    VaultLocked,
    VaultMissing,
    WeakPassphrase,
    WrongPassphrase,
)
from iprdesk.vault.meta import KINDS, Item

__all__ = ["KINDS", "DiskFull", "Item", "PassphraseBackoff", "Vault", "VaultDamaged",
           "VaultExists", "VaultLocked", "VaultMissing", "VerifyReport", "WeakPassphrase",
           "WrongPassphrase"]


def __getattr__(name: str):
    """`Vault` and `VerifyReport` from the store, imported on first use (PEP 562): its
    cryptography is not for an agent that has not touched the vault yet."""
    if name in ("Vault", "VerifyReport"):
        from iprdesk.vault import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
