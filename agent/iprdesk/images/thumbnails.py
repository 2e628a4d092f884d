"""Small pictures of a case's images for the seller's eyes (the case page, the bundle's report):
a JPEG no bigger than `SIDE` pixels each way, decoded within the limits the image comparison
keeps (`similar.MAX_PIXELS`), so a hostile file costs no more here than there."""

import base64
import io

from iprdesk.images import similar

SIDE = 160


def thumbnail(data: bytes, name: str = "image", side: int = SIDE) -> bytes:
    """The picture in `data` as a JPEG at most `side` pixels wide and high; BadInput when it is
    no picture this reads."""
    image = similar.decoded(data, name, side)
    with image:
        image.thumbnail((side, side))
        out = io.BytesIO()
        flat = image.convert("RGB") if image.mode != "RGB" else image
        flat.save(out, "JPEG", quality=80)
    return out.getvalue()


def data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
