"""What can go wrong with the vault, in words a seller can act on (English / 简体中文)."""

from iprdesk.errors import IprdeskError


class VaultMissing(IprdeskError):
    code = "vault_missing"
    status = 409

    def __init__(self):
        super().__init__("There is no evidence vault yet: run `iprdesk vault init`. / "
                         "还没有证据库：请先运行 `iprdesk vault init`。")


class VaultExists(IprdeskError):
    code = "vault_exists"
    status = 409

    def __init__(self, where):
        super().__init__(f"An evidence vault already exists in {where}. / 证据库已存在：{where}。")


class VaultLocked(IprdeskError):
    code = "vault_locked"
    status = 423

    def __init__(self):
        super().__init__("The vault is locked: unlock it with your passphrase to see or export "
                         "evidence (adding works while locked). / 证据库已锁定：查看或导出证据需要"
                         "输入密码（锁定时仍可添加证据）。")


class WrongPassphrase(IprdeskError):
    code = "wrong_passphrase"
    status = 403

    def __init__(self):
        super().__init__("Wrong passphrase for the evidence vault. / 证据库密码不正确。")


class WeakPassphrase(IprdeskError):
    code = "weak_passphrase"
    status = 400


class DiskFull(IprdeskError):
    code = "disk_full"
    status = 507

    def __init__(self, what: str):
        super().__init__(f"The disk is full: {what}. Nothing was changed; free some space and "
                         f"try again. / 磁盘已满，未做任何更改；请清理空间后重试。")


class VaultDamaged(IprdeskError):
    code = "vault_damaged"
    status = 500

    def __init__(self, what: str):
        super().__init__(f"{what}. Run `iprdesk vault verify` for a full report. / "
                         f"证据库数据已损坏或被篡改，请运行 `iprdesk vault verify` 查看详情。")
