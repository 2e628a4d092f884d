"""`iprdesk catalog sync`: the store's live catalogue, so check-urls can cover its images; the
stores whose catalogue the agent and `provenance audit --catalogue` read (`store-add`...)."""

import asyncio

import click

from iprdesk.atomic import atomic_write_bytes
from iprdesk.cli.common import echo_json, home_option, home_path, json_option, text, warn
from iprdesk.merchant import api as merchantapi
from iprdesk.merchant.stores import StoreTokens


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


@catalog.command("store-add")
@click.argument("name")
@click.option("--token-file", required=True, type=click.Path(dir_okay=False),
              help="File holding the store's Merchant API access token; it is copied into "
                   "the data folder (readable by you alone) and never printed or logged.")
@home_option
def store_add(name, token_file, home):
    """Keep a store (NAME: yours to choose) whose catalogue the provenance audit reads; a
    store kept already gets the new token."""
    StoreTokens(home_path(home)).set(name, merchantapi.read_token(token_file))
    click.echo(text("merchant.store.added", name=name))


@catalog.command("stores")
@json_option
@home_option
def store_list(as_json, home):
    """List the stores kept (their names; never a token)."""
    names = StoreTokens(home_path(home)).names()
    if as_json:
        echo_json({"stores": names})
    else:
        click.echo("\n".join(names) if names else text("merchant.store.none_kept"))


@catalog.command("store-remove")
@click.argument("name")
@home_option
def store_remove(name, home):
    """Forget a store and its token."""
    StoreTokens(home_path(home)).remove(name)
    click.echo(text("merchant.store.removed", name=name))


commands = [catalog]
