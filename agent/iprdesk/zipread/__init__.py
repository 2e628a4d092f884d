"""Reading members of a zip someone else may have made (an appeal bundle, a backup) without
trusting its headers: each member is inflated block by block up to a limit the reader sets,
so a zip bomb costs at most that limit, and every way a damaged member fails is one error."""

import zipfile
import zlib

READ_BLOCK = 1 << 20
# CRC, inflate, truncation, method, encryption
UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
              RuntimeError, ValueError)


class Unreadable(Exception):
    pass


class TooLarge(Exception):
    pass


def inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
    """A member's bytes, block by block as it inflates: TooLarge once it holds more than
    `limit` bytes (nothing beyond that is read), Unreadable when it does not inflate."""
    read = 0
    try:
        with zf.open(info) as member:
            while block := member.read(min(READ_BLOCK, limit + 1 - read)):
                read += len(block)
                if read > limit:
                    raise TooLarge
                yield block
    except UNREADABLE as e:
        raise Unreadable(str(e)) from e
