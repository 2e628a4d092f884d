"""Keep URL checks as evidence: each result is sealed into the vault under its case.

Adding to the vault needs no passphrase, so scheduled re-checks record while it is locked.
"""

import json
from pathlib import Path

from iprdesk.errors import IprdeskError
from iprdesk.text import i18n
from iprdesk.urls.check import CheckResult
from iprdesk.vault import Vault, VaultMissing


class VaultUnavailable(IprdeskError):
    code = "vault_missing"
    status = 409


def _open_vault(home: Path) -> Vault:
    try:
        return Vault.open(home)
    except VaultMissing as e:
        raise VaultUnavailable(key=e.key, params=e.params) from e


def ensure_vault(home: Path) -> None:
    """Fail before any work when results could not be recorded."""
    _open_vault(home)


def evidence(result: CheckResult, case: str) -> tuple[bytes, dict]:
    """The bytes and metadata stored for one check: the full result as JSON."""
    data = json.dumps(result.to_json(), indent=2, ensure_ascii=False, sort_keys=True).encode()
    meta = {
        "kind": "url-check",
        "case": case,
        "source_url": result.url,
        "captured_at": result.checked_at,
        "content_type": "application/json",
        "note": f"{result.verdict}: {_said(result, 'en')} / {_said(result, 'zh_CN')}",
    }
    return data, meta


def _said(result: CheckResult, lang: str) -> str:
    """Why the verdict, then who answered (the origin or a cache) when a picture was served."""
    if not result.cache:
        return result.reason[lang]
    return i18n.text("urlcheck.reason_and_cache", lang, reason=result.reason[lang],
                     cache=result.cache[lang])


def record_results(home: Path, case: str, results: list[CheckResult]) -> list[str]:
    """Seal every result into the vault in one go (all or none); returns the evidence ids."""
    items = _open_vault(home).add_many([evidence(r, case) for r in results])
    return [item.id for item in items]
