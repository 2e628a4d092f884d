"""The agent's front door (DESIGN section 3), each rule exercised on a real loopback socket."""

import pytest

from tests.conftest import EXTENSION_ORIGIN


async def test_health_for_the_paired_extension(agent):
    r = await agent.get("/v1/health")
    assert r.status == 200
    body = await r.json()
    assert body["paired"] is True and body["version"]
    assert r.headers["Access-Control-Allow-Origin"] == EXTENSION_ORIGIN
    assert r.headers["Vary"] == "Origin"
    assert r.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1:1", "localhost.evil.com:{port}",
                                  "127.0.0.1.nip.io:{port}", ""])
async def test_foreign_host_header_is_misdirected(agent, host):
    r = await agent.get("/v1/health", headers={"Host": host.format(port=agent.port)})
    assert r.status == 421
    assert (await r.json())["error"]["code"] == "misdirected"
    assert "Access-Control-Allow-Origin" not in r.headers


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
async def test_loopback_host_names_are_served(agent, host):
    r = await agent.get("/v1/health", headers={"Host": host.format(port=agent.port)})
    assert r.status == 200


@pytest.mark.parametrize("origin", ["https://evil.example", "chrome-extension://aaaabbbbccccdddd",
                                    "null", "https://merchant.joom.com"])
async def test_other_origins_get_403_without_cors(agent, origin):
    r = await agent.get("/v1/health", headers={"Origin": origin})
    assert r.status == 403
    assert "Access-Control-Allow-Origin" not in r.headers
    r = await agent.request("OPTIONS", "/v1/health", headers={"Origin": origin})
    assert r.status == 403
    assert "Access-Control-Allow-Origin" not in r.headers


async def test_preflight_for_the_extension(agent):
    r = await agent.request("OPTIONS", "/v1/health", auth=False,
                            headers={"Access-Control-Request-Method": "GET"})
    assert r.status == 204
    assert r.headers["Access-Control-Allow-Origin"] == EXTENSION_ORIGIN
    assert "Authorization" in r.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("auth_header", [None, "Bearer ", "Bearer wrong", "Basic abc",
                                         "bearer x" * 300])
async def test_missing_or_wrong_token_is_401(agent, auth_header):
    headers = {"Authorization": auth_header} if auth_header else {}
    r = await agent.get("/v1/health", auth=False, headers=headers)
    assert r.status == 401
    assert (await r.json())["error"]["code"] == "unauthorized"


async def test_unknown_route_needs_a_token_and_then_404s(agent):
    assert (await agent.get("/v1/nope", auth=False)).status == 401
    r = await agent.get("/v1/nope")
    assert r.status == 404
    assert (await r.json())["error"]["code"] == "not_found"


FRONT_DOOR = [
    # (request, status, code, English, Chinese)
    (dict(path="/v1/health", headers={"Host": "evil.example:80"}), 421, "misdirected",
     "This agent only answers on its loopback address.", "助手只在本机回环地址上应答。"),
    (dict(path="/v1/health", headers={"Origin": "https://evil.example"}), 403,
     "forbidden_origin", "Requests from this origin are not allowed.", "不接受来自此来源的请求。"),
    (dict(path="/v1/nope"), 404, "not_found", "The agent has no such address.",
     "助手没有这个地址。"),
    (dict(path="/v1/health", method="DELETE"), 405, "method_not_allowed",
     "This address of the agent does not take this method.", "助手的这个地址不接受此请求方法。"),
    (dict(path="/v1/health", auth=False), 401, "unauthorized",
     "Pair the extension first (missing or unknown token).",
     "请先配对扩展（缺少令牌或令牌无效）。"),
]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize(("call", "status", "code", "en", "zh"), FRONT_DOOR,
                         ids=[c[2] for c in FRONT_DOOR])
async def test_the_front_doors_refusals_speak_the_requests_language(agent, lang, call, status,
                                                                    code, en, zh):
    call = dict(call)
    headers = {"Accept-Language": lang, **call.pop("headers", {})}
    r = await agent.request(call.pop("method", "GET"), call.pop("path"), headers=headers, **call)
    assert r.status == status
    assert (await r.json())["error"] == {"code": code, "key": f"error.{code}",
                                         "message": en if lang == "en" else zh}
    if status == 405:
        assert "GET" in r.headers["Allow"]


async def test_json_body_over_the_route_limit_is_413(agent):
    r = await agent.post("/v1/pair", data=b"x" * 5000,
                         headers={"Content-Type": "application/json"})
    assert r.status == 413
    assert (await r.json())["error"]["code"] == "too_large"
    r = await agent.post("/v1/pair", data=b"x" * 5000,
                         headers={"Content-Type": "application/json", "Accept-Language": "zh"})
    assert (await r.json())["error"]["message"].startswith("请求内容超过 ")


async def test_chunked_body_over_the_limit_is_413(agent):
    async def gen():
        for _ in range(10):
            yield b"x" * 1000

    r = await agent.post("/v1/pair", data=gen(), headers={"Content-Type": "application/json"})
    assert r.status == 413


@pytest.mark.parametrize("body,ctype", [(b"{not json", "application/json"),
                                        (b"[1,2]", "application/json"),
                                        (b'{"code": 5}', "application/json"),
                                        (b"\xff\xfe", "application/json"),
                                        (b'{"code":"x"}', "text/plain")])
async def test_bad_pair_bodies_get_clear_errors(agent, body, ctype):
    r = await agent.post("/v1/pair", data=body, auth=False, headers={"Content-Type": ctype})
    assert r.status in (400, 415)
    err = (await r.json())["error"]
    assert err["code"] and err["message"]
    assert "Traceback" not in err["message"]


async def test_pairing_gives_a_working_token(agent, home):
    from iprdesk.server.pairing import AuthStore

    code, _ = AuthStore(home).new_code()
    r = await agent.post("/v1/pair", json={"code": code.lower()}, auth=False)
    assert r.status == 200
    token = (await r.json())["token"]
    assert len(token) >= 40
    r = await agent.get("/v1/health", headers={"Authorization": f"Bearer {token}"})
    assert r.status == 200
    # The code is one-time.
    r = await agent.post("/v1/pair", json={"code": code}, auth=False)
    assert r.status == 403


async def test_pairing_without_the_extension_origin_is_refused(agent, home):
    from iprdesk.server.pairing import AuthStore

    code, _ = AuthStore(home).new_code()
    r = await agent.post("/v1/pair", json={"code": code}, auth=False, origin=False)
    assert r.status == 403


async def test_more_extension_ids_can_be_configured(aiohttp_client, home, token):
    from aiohttp.test_utils import TestServer

    from iprdesk.config import Config
    from iprdesk.server.app import make_app
    from iprdesk.server.http import STATE_KEY

    Config(extra_extension_ids=["abcdefghijklmnopabcdefghijklmnop"]).save(home)
    server = TestServer(make_app(home, port=0), host="127.0.0.1")
    await server.start_server()
    server.app[STATE_KEY].port = server.port
    client = await aiohttp_client(server)
    edge = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    r = await client.get("/v1/health", headers={"Origin": edge,
                                                "Authorization": f"Bearer {token}"})
    assert r.status == 200
    assert r.headers["Access-Control-Allow-Origin"] == edge


def test_a_config_typo_is_an_error_not_ignored(home):
    from iprdesk.config import Config
    from iprdesk.errors import BadInput

    (home / "config.json").write_text('{"extra_extension_id": []}')
    with pytest.raises(BadInput, match="extra_extension_id"):
        Config.load(home)


async def test_malformed_http_does_not_hurt_the_agent(agent):
    import asyncio

    junk = [b"\x00\xff" * 100 + b"\r\n\r\n",
            b"GET /v1/health HTTP/1.1\r\nX: " + b"a" * 100_000 + b"\r\n\r\n",
            b"POST /v1/pair HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            b"GET /../../etc/passwd HTTP/1.1\r\n\r\n"]
    for payload in junk:
        reader, writer = await asyncio.open_connection("127.0.0.1", agent.port)
        writer.write(payload)
        await writer.drain()
        head = await asyncio.wait_for(reader.read(200), 5)
        writer.close()
        assert b"Traceback" not in head
    r = await agent.get("/v1/health")
    assert r.status == 200
