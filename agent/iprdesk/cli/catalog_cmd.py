"""`iprdesk catalog sync`: the store's live catalogue, so audit and check-urls can cover it."""

import asyncio

import click

from iprdesk.atomic import atomic_write_bytes
from iprdesk.cli.common import echo_json, home_option, home_path, json_option, warn
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
              help="Also write every image URL to this file, one per line "
                   "(for `iprdesk check-urls --from`).")
@json_option
@home_option
def catalog_sync(token_file, api_url, urls_out, as_json, home):
    """List every product with all its image URLs (main, extra, variants).

    Saved as catalog.json in the data folder.
    """
    home = home_path(home)
    api = merchantapi.MerchantApi(merchantapi.read_token(token_file), api_url)

    def progress(count):
        if not as_json:
            warn(f"{count} products… / 已获取 {count} 个商品…")

    products = asyncio.run(api.products(on_page=progress))
    path = merchantapi.save_catalog(home, products)
    urls = merchantapi.image_urls(products)
    if urls_out:
        atomic_write_bytes(urls_out, ("\n".join(urls) + "\n").encode(), mode=0o644)
    if as_json:
        echo_json({"catalog": str(path), "products": len(products), "image_urls": len(urls),
                   "requests": api.requests})
    else:
        click.echo(f"{len(products)} products with {len(urls)} image URLs saved to {path}. / "
                   f"已保存 {len(products)} 个商品、{len(urls)} 个图片链接到 {path}。")


commands = [catalog]
