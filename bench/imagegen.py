"""Generated product-style photos and the edits sellers (and infringers) make to them.

Shared by bench/similar.py (threshold measurement) and the tests, so both measure the same
thing. Everything is seeded: the same seed always gives the same picture.
"""

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps


def _backdrop(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A lit backdrop: a gradient between two colours drawn from `rng`, top to bottom."""
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    image = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), image)


def product_photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A made-up product shot: a lit background, a few solid objects, texture and a label."""
    rng = random.Random(seed)
    w, h = size
    image = _backdrop(rng, size)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 7)):
        colour = tuple(rng.randrange(256) for _ in range(3))
        x0, y0 = rng.uniform(-0.2, 0.9) * w, rng.uniform(-0.2, 0.9) * h
        x1, y1 = x0 + rng.uniform(0.1, 0.6) * w, y0 + rng.uniform(0.1, 0.6) * h
        shape = rng.choice(("ellipse", "rectangle", "polygon"))
        if shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == "rectangle":
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([(rng.uniform(0, w), rng.uniform(0, h)) for _ in range(rng.randint(3, 6))],
                         fill=colour)
    # Seeded (Image.effect_noise draws from C's rand(), which no seed reaches): the same seed
    # gives the same picture in every run, so a test over these pictures cannot flicker.
    sigma = rng.uniform(8, 30)
    grain = np.random.default_rng(seed).normal(128, sigma, (h, w)).clip(0, 255)
    noise = Image.fromarray(grain.astype(np.uint8), "L").convert("RGB")
    image = Image.blend(image, noise, 0.08).filter(ImageFilter.GaussianBlur(max(1, w // 400)))
    ImageDraw.Draw(image).text((w * 0.05, h * 0.05), f"SKU {seed:05d}", fill=(0, 0, 0))
    return image


def catalogue_photo(category: int, product: int, size: tuple[int, int] = (640, 480)
                    ) -> Image.Image:
    """A shop's shot of one product of a category: every product of a category is shot on the
    same backdrop, in the same place and light, labelled alike and (odd categories) under the
    same shop banner; only the product (its shape, colours and size) differs. Two products of
    one category are different pictures that look alike: the hard negatives."""
    look = random.Random(category)
    item = random.Random(category * 1000 + product)
    w, h = size
    image = _backdrop(look, size)
    draw = ImageDraw.Draw(image)
    # The stand the product sits on, and where it sits: the category's layout.
    stand = tuple(look.randrange(256) for _ in range(3))
    draw.rectangle((0, h * 0.78, w, h), fill=stand)
    cx, cy, reach = look.uniform(0.4, 0.6) * w, look.uniform(0.45, 0.55) * h, look.uniform(
        0.25, 0.35)
    for _ in range(item.randint(2, 4)):
        colour = tuple(item.randrange(256) for _ in range(3))
        rx, ry = item.uniform(0.3, 1) * reach * w, item.uniform(0.3, 1) * reach * h
        x, y = cx + item.uniform(-0.5, 0.5) * rx, cy + item.uniform(-0.5, 0.5) * ry
        shape = item.choice(("ellipse", "rectangle", "polygon"))
        if shape == "ellipse":
            draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=colour)
        elif shape == "rectangle":
            draw.rectangle((x - rx, y - ry, x + rx, y + ry), fill=colour)
        else:
            draw.polygon([(x + item.uniform(-1, 1) * rx, y + item.uniform(-1, 1) * ry)
                          for _ in range(item.randint(3, 6))], fill=colour)
    grain = np.random.default_rng(category * 1000 + product).normal(128, 15, (h, w))
    noise = Image.fromarray(grain.clip(0, 255).astype(np.uint8), "L").convert("RGB")
    image = Image.blend(image, noise, 0.08).filter(ImageFilter.GaussianBlur(max(1, w // 400)))
    ImageDraw.Draw(image).text((w * 0.05, h * 0.05), f"SKU {category:03d}-{product:02d}",
                               fill=(0, 0, 0))
    if category % 2:
        image = _banner(image, "bottom", 0.12, stand, (255, 255, 255))
    return image


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _crop(image: Image.Image, fraction: float) -> Image.Image:
    w, h = image.size
    dx, dy = int(w * fraction), int(h * fraction)
    return image.crop((dx, dy, w - dx, h - dy))


def _cut(image: Image.Image, left=0.0, top=0.0, right=0.0, bottom=0.0) -> Image.Image:
    """The picture with the given shares cut off its sides."""
    w, h = image.size
    return image.crop((int(w * left), int(h * top), w - int(w * right), h - int(h * bottom)))


def _pad(image: Image.Image, sides: float, ends: float, colour) -> Image.Image:
    """The picture on a bigger canvas of one colour."""
    w, h = image.size
    return ImageOps.expand(image.convert("RGB"), border=(int(w * sides), int(h * ends)),
                           fill=colour)


def _caption(image: Image.Image) -> Image.Image:
    image = image.copy()
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, h * 0.88, w, h), fill=(255, 255, 255))
    draw.text((w * 0.05, h * 0.9), "NEW ARRIVAL - FREE SHIPPING", fill=(200, 0, 0))
    return image


def _hue(image: Image.Image, degrees: int) -> Image.Image:
    """The same picture in other colours, as a seller offers "another colour" of a product."""
    h, s, v = image.convert("RGB").convert("HSV").split()
    h = h.point(lambda x: (x + degrees * 256 // 360) % 256)
    return Image.merge("HSV", (h, s, v)).convert("RGB")


def _caption_top(image: Image.Image) -> Image.Image:
    image = image.copy()
    w, h = image.size
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w, h * 0.12), fill=(220, 0, 0))
    draw.text((w * 0.05, h * 0.03), "SALE -50% 限时特价", fill=(255, 255, 255))
    return image


def _banner(image: Image.Image, side: str, share: float, colour=(255, 255, 255),
            text=(200, 0, 0)) -> Image.Image:
    """A shop's banner laid over `share` of the picture along one `side` (top, bottom, left,
    right): a plain band with its text, hiding what was under it."""
    image = image.convert("RGB").copy()
    w, h = image.size
    box = {"top": (0, 0, w, h * share), "bottom": (0, h * (1 - share), w, h),
           "left": (0, 0, w * share, h), "right": (w * (1 - share), 0, w, h)}[side]
    draw = ImageDraw.Draw(image)
    draw.rectangle(box, fill=colour)
    for line in range(3):
        draw.text((box[0] + (box[2] - box[0]) * 0.08,
                   box[1] + (box[3] - box[1]) * (0.15 + 0.25 * line)),
                  ("HOT SALE", "FREE SHIPPING", "包邮 限时特价")[line], fill=text)
    return image


# name -> edit. Each keeps the picture recognisably the same one: a near-duplicate.
EDITS = {
    "resize-50%": lambda im: im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS),
    "jpeg-q40": lambda im: Image.open(io.BytesIO(jpeg(im, 40))),
    "mirror": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "crop-5%": lambda im: _crop(im, 0.05),
    "crop-15%": lambda im: _crop(im, 0.15),
    "crop-left-20%": lambda im: _cut(im, left=0.20),
    "crop-corner-15%": lambda im: _cut(im, top=0.15, right=0.15),
    "pad-white-10%": lambda im: _pad(im, 0.10, 0.10, (255, 255, 255)),
    "pad-black-sides-20%": lambda im: _pad(im, 0.20, 0, (0, 0, 0)),
    "square-canvas": lambda im: ImageOps.pad(im.convert("RGB"), (max(im.size),) * 2,
                                             color=(255, 255, 255)),
    "brighter-25%": lambda im: ImageEnhance.Brightness(im).enhance(1.25),
    "darker-25%": lambda im: ImageEnhance.Brightness(im).enhance(0.75),
    "contrast-30%": lambda im: ImageEnhance.Contrast(im).enhance(1.3),
    "caption": _caption,
    "caption-top": _caption_top,
    "banner-bottom-30%": lambda im: _banner(im, "bottom", 0.30),
    "banner-top-25%": lambda im: _banner(im, "top", 0.25, (20, 20, 20), (255, 220, 0)),
    "banner-left-25%": lambda im: _banner(im, "left", 0.25, (230, 30, 30), (255, 255, 255)),
    "banner-right-30%": lambda im: _banner(im, "right", 0.30),
    "hue-60": lambda im: _hue(im, 60),
    "hue-180": lambda im: _hue(im, 180),
    "tint-red": lambda im: Image.blend(im.convert("RGB"), Image.new("RGB", im.size, (255, 0, 0)),
                                       0.25),
    "grayscale": lambda im: im.convert("L").convert("RGB"),
    "mirror+hue": lambda im: _hue(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 120),
    "mirror+crop+jpeg": lambda im: Image.open(io.BytesIO(jpeg(
        _crop(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 0.03), 60))),
}



def _mirror(image: Image.Image) -> Image.Image:
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def _stack(*edits):
    """The edits applied in turn, left to right (each an EDITS name or a function)."""
    def apply(image: Image.Image) -> Image.Image:
        for edit in edits:
            image = (EDITS[edit] if isinstance(edit, str) else edit)(image)
        return image
    return apply


# name -> edits a seller's designer applies together to a copied picture (cut it, turn it
# round, give it another colour, put the shop's banner on it): each stack is a near-duplicate
# as much as any single edit, and the one that gets through the check is the one the
# complainant finds next. Deterministic: the same picture always gives the same copy.
STACKS = {
    "crop+mirror+hue+caption": _stack("crop-5%", "mirror", "hue-60", "caption"),
    "crop-10%+mirror+hue180+caption": _stack(lambda im: _crop(im, 0.10), "mirror", "hue-180",
                                             "caption"),
    "crop-corner+recolour+caption": _stack("crop-corner-15%", "tint-red", "caption-top"),
    "crop-left+mirror+hue180": _stack("crop-left-20%", "mirror", "hue-180"),
    "crop-15%+mirror+caption": _stack("crop-15%", "mirror", "caption"),
    "crop+grayscale+caption-top": _stack("crop-5%", "grayscale", "caption-top"),
    "square-canvas+mirror+hue": _stack("mirror", "hue-60", "square-canvas"),
    "crop+mirror+brighter+jpeg": _stack("crop-5%", "mirror", "brighter-25%", "jpeg-q40"),
    "crop-corner+mirror+contrast+caption": _stack("crop-corner-15%", "mirror", "contrast-30%",
                                                  "caption"),
    "resize+crop+hue+caption": _stack("resize-50%", "crop-5%", "hue-180", "caption"),
    "crop+mirror+hue+banner-bottom-30%": _stack("crop-5%", "mirror", "hue-60",
                                                "banner-bottom-30%"),
    "crop-corner+tint+banner-top-25%": _stack("crop-corner-15%", "tint-red", "banner-top-25%"),
    "mirror+hue180+banner-left-25%": _stack("mirror", "hue-180", "banner-left-25%"),
    "crop+grayscale+banner-right-30%": _stack("crop-5%", "grayscale", "banner-right-30%"),
}


def _inset(image: Image.Image, scale: float, at: tuple[float, float]) -> Image.Image:
    """The picture shrunk to `scale` and set into a busy scene of the same size (another
    generated photo, drawn from the picture's own pixels so the same picture always gets the
    same scene), its top-left corner at `at` (shares of the free room)."""
    image = image.convert("RGB")
    w, h = image.size
    scene = product_photo(int(np.asarray(image.resize((4, 4))).sum()) + 90_000, (w, h))
    small = image.resize((round(w * scale), round(h * scale)), Image.Resampling.LANCZOS)
    scene.paste(small, (round((w - small.width) * at[0]), round((h - small.height) * at[1])))
    return scene


def _turn(image: Image.Image, degrees: float, cut: float = 0.0) -> Image.Image:
    """The picture turned `degrees` anticlockwise: by quarter turns whole (the canvas turned
    with it), by a small angle inside its own frame (the corners left white), then `cut` off
    every side (as a seller hides those corners)."""
    image = image.convert("RGB")
    if degrees % 90 == 0:
        return image.rotate(degrees, expand=True)
    turned = image.rotate(degrees, Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    return _crop(turned, cut) if cut else turned


# name -> edit further than EDITS' (deeper cuts, a picture set into a busy scene, turned):
# measured apart (bench/similar.py), the rate each is missed a figure of its own to bring down.
FURTHER_EDITS = {
    "crop-25%": lambda im: _crop(im, 0.25),
    "crop-left-35%": lambda im: _cut(im, left=0.35),
    "crop-corner-25%": lambda im: _cut(im, top=0.25, right=0.25),
    "inset-busy-70%": lambda im: _inset(im, 0.70, (0.5, 0.5)),
    "inset-busy-60%-aside": lambda im: _inset(im, 0.60, (0.2, 0.7)),
    "rotate-90": lambda im: _turn(im, 90),
    "rotate-180": lambda im: _turn(im, 180),
    "rotate-270": lambda im: _turn(im, 270),
    "rotate-5": lambda im: _turn(im, 5),
    "rotate-minus-10+crop": lambda im: _turn(im, -10, 0.08),
    "mirror+rotate-90": lambda im: _turn(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 90),
}


# name -> an edit of a kind FURTHER_EDITS has, at shares and angles no part or turn of the
# fingerprint is cut or turned at (held out: measured, never tuned to), and copies turned and
# cut or recoloured at once: what shows whether a rule generalises beyond the shares it was
# measured with.
HELD_OUT_EDITS = {
    "crop-22%": lambda im: _crop(im, 0.22),
    "crop-27%": lambda im: _crop(im, 0.27),
    "crop-30%": lambda im: _crop(im, 0.30),
    "crop-31%": lambda im: _crop(im, 0.31),
    "crop-bottom-24%": lambda im: _cut(im, bottom=0.24),
    "crop-left-30%": lambda im: _cut(im, left=0.30),
    "crop-top-40%": lambda im: _cut(im, top=0.40),
    "crop-right-45%": lambda im: _cut(im, right=0.45),
    "crop-corner-20%": lambda im: _cut(im, bottom=0.20, left=0.20),
    "crop-corner-30%": lambda im: _cut(im, top=0.30, left=0.30),
    "crop-off-centre": lambda im: _cut(im, 0.12, 0.28, 0.22, 0.06),
    "rotate-3": lambda im: _turn(im, 3),
    "rotate-minus-7": lambda im: _turn(im, -7),
    "inset-busy-55%-corner": lambda im: _inset(im, 0.55, (0.9, 0.1)),
    "inset-busy-80%-aside": lambda im: _inset(im, 0.80, (0.1, 0.6)),
    "rotate-90+crop-10%": lambda im: _crop(_turn(im, 90), 0.10),
    "rotate-270+hue-60": lambda im: _hue(_turn(im, 270), 60),
    "mirror+rotate-180+tint": lambda im: EDITS["tint-red"](_turn(_mirror(im), 180)),
}


# The worst picture compare/audit accept in each format of iprdesk.images.similar.MAX_PIXELS,
# for its memory: (file name, mode, save options). Four channels where the format has them, a
# TIFF in one strip (libtiff holds it whole beside the picture), a progressive CMYK JPEG (libjpeg
# holds every coefficient), a baseline JPEG at 1/8 scale.
WORST = {
    "JPEG": ("worst.jpg", "CMYK", {"quality": 60}),
    "progressive JPEG": ("worst-progressive.jpg", "CMYK", {"progressive": True, "quality": 80}),
    "PNG": ("worst.png", "RGBA", {"compress_level": 1}),
    "GIF": ("worst.gif", "P", {"transparency": 0}),
    "BMP": ("worst.bmp", "RGBA", {}),
    "TIFF": ("worst.tif", "CMYK", {"compression": "tiff_lzw", "strip_size": 2**31}),
    "WebP": ("worst.webp", "RGBA", {"lossless": True, "quality": 0, "method": 0}),
    "HEIC": ("worst.heic", "RGBA", {"quality": 30}),
}


def worst_picture(kind: str, pixels: int, folder) -> str:
    """Write the worst `kind` picture of about `pixels` pixels (a plain one: decoding costs
    the same whatever is drawn) into `folder`; returns its path."""
    from pathlib import Path

    name, mode, options = WORST[kind]
    if kind == "HEIC":
        import pillow_heif

        pillow_heif.register_heif_opener()
    side = int(pixels ** 0.5)
    image = Image.new("RGB", (side, side), (200, 120, 40))
    ImageDraw.Draw(image).rectangle((side // 4, side // 4, side // 2, side), fill=(20, 80, 200))
    path = Path(folder) / name
    image.convert(mode).save(path, **options)
    return str(path)
