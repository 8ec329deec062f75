"""The JWKS key source under concurrent first use: nobody is refused a key being fetched."""

import asyncio
import json

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from switchboard_shared.auth.tokens import JwksKeySource


def jwks_document(kid: str) -> dict[str, object]:
    jwk = json.loads(OKPAlgorithm.to_jwk(Ed25519PrivateKey.generate().public_key()))
    return {"keys": [{**jwk, "kid": kid}]}


def slow_jwks_client(kid: str, fetches: list[int]) -> httpx.AsyncClient:
    async def answer(request: httpx.Request) -> httpx.Response:
        fetches.append(1)
        await asyncio.sleep(0.05)
        return httpx.Response(200, json=jwks_document(kid))

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


async def test_requests_that_arrive_during_the_first_fetch_all_get_the_key() -> None:
    fetches: list[int] = []
    keys = JwksKeySource("http://gateway/jwks", client=slow_jwks_client("k1", fetches))
    found = await asyncio.gather(*(keys.public_key("k1") for _ in range(20)))
    assert all(key is not None for key in found)
    assert len(fetches) == 1


async def test_an_unknown_key_id_is_fetched_for_at_most_once_in_the_refresh_interval() -> None:
    fetches: list[int] = []
    keys = JwksKeySource("http://gateway/jwks", client=slow_jwks_client("k1", fetches))
    found = await asyncio.gather(*(keys.public_key("nobody") for _ in range(20)))
    assert found == [None] * 20
    assert len(fetches) == 1
