"""Where each product image comes from: records, sealed originals, licences, audits.

`licence` compiles its phrase lists (~200 ms) when first used, not when the agent starts
(iprdesk.lazy)."""

from iprdesk.lazy import lazy_module

licence = lazy_module("iprdesk.provenance.licence")
