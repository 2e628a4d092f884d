"""Picture comparison: perceptual fingerprints, and the badges a product page shows for them.

`similar` brings numpy and Pillow's decoders: it is loaded on first use (iprdesk.lazy), so
`from iprdesk.images import similar` costs nothing until it is used."""

from iprdesk.lazy import lazy_module

similar = lazy_module("iprdesk.images.similar")
