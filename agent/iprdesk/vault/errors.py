"""What can go wrong with the vault, in words a seller can act on.

The words live in shared/messages (`vault.error.*`): each error carries its key and
parameters, rendered in the reader's language where it reaches a terminal or the extension.
"""

from iprdesk.errors import IprdeskError
from iprdesk.text.i18n import Message


class VaultMissing(IprdeskError):
    code = "vault_missing"
    status = 409

    def __init__(self):
        super().__init__(key="vault.error.missing")


class VaultExists(IprdeskError):
    code = "vault_exists"
    status = 409

    def __init__(self, where):
        super().__init__(key="vault.error.exists", params={"where": str(where)})


class VaultLocked(IprdeskError):
    code = "vault_locked"
    status = 423

    def __init__(self):
        super().__init__(key="vault.error.locked")


class WrongPassphrase(IprdeskError):
    code = "wrong_passphrase"
    status = 403

    def __init__(self, retry_in: int = 0):
        """`retry_in`: seconds the next try must wait (backoff.py), said when not 0."""
        super().__init__(key="vault.error.wrong_passphrase_wait" if retry_in
                         else "vault.error.wrong_passphrase", params={"seconds": retry_in})
        self.retry_in = retry_in


class PassphraseBackoff(IprdeskError):
    """A passphrase tried while the delay after wrong ones runs: refused without checking."""

    code = "passphrase_backoff"
    status = 429

    def __init__(self, seconds: int):
        super().__init__(key="vault.error.passphrase_backoff", params={"seconds": seconds})
        self.retry_in = seconds
        self.headers = {"Retry-After": str(seconds)}


class WeakPassphrase(IprdeskError):
    code = "weak_passphrase"
    status = 400

    def __init__(self, minimum: int):
        super().__init__(key="vault.error.weak_passphrase", params={"min": minimum})


class VaultDamaged(IprdeskError):
    code = "vault_damaged"
    status = 500

    def __init__(self, what: Message):
        """`what`: what is damaged, a message of its own (rendered in the same language)."""
        super().__init__(key="vault.error.damaged", params={"what": what})
        self.what = what


class NotABundle(IprdeskError):
    """A file given to verify-bundle that is not an appeal bundle iprdesk can read at all (as
    opposed to a bundle that reads but was altered, which verify reports problem by problem)."""

    code = "not_a_bundle"
    status = 400

    def __init__(self, why: Message):
        """`why`: what is wrong with the file, a message of its own."""
        super().__init__(key="vault.error.not_a_bundle", params={"why": why})
        self.why = why
