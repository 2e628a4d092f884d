"""`iprdesk catalog sync`: the store's live catalogue, so check-urls can cover its images."""

import asyncio

import click

from iprdesk.atomic import atomic_write_bytes
from iprdesk.cli.common import echo_json, json_option, text, warn
from iprdesk.merchant import api as merchantapi


@click.group()
def catalog():
    """The store's live catalogue from the Joom Merchant API."""


@catalog.command("sync")
@click.option("--token-file", required=True, type=click.Path(dir_okay=False),
              help="File holding the Merchant API access token (never printed or logged).")
@click.option("--api-url", default=merchantapi.DEFAULT_API, show_default=True,
              help="Merchant API base address.")
@click.option("--urls-out", type=click.Path(dir_okay=False),
              help="Write every image URL to this file, one per line "
                   "(for `iprdesk check-urls --from`).")
@click.option("--out", "products_out", type=click.Path(dir_okay=False),
              help="Write every product with its image URLs to this JSON file.")
@json_option
def catalog_sync(token_file, api_url, urls_out, products_out, as_json):
    """List every product with all its image URLs (main, extra, variants).

    Nothing is kept in the data folder: the lists go where --out and --urls-out say.
    """
    api = merchantapi.MerchantApi(merchantapi.read_token(token_file), api_url)

    def progress(count):
        if not as_json:
            warn(text("catalog.progress", count=count))

    products = asyncio.run(api.products(on_page=progress))
    urls = merchantapi.image_urls(products)
    if products_out:
        merchantapi.save_products(products_out, products)
    if urls_out:
        atomic_write_bytes(urls_out, ("\n".join(urls) + "\n").encode(), mode=0o644)
    if as_json:
        echo_json({"products": len(products), "image_urls": len(urls),
                   "requests": api.requests})
    else:
        click.echo(text("catalog.synced", products=len(products), urls=len(urls)))


commands = [catalog]
