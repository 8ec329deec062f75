"""Every provider's signature scheme: valid, invalid, missing, rotated secrets and replays."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl

import pytest

from switchboard_shared.errors import Unauthorized, ValidationFailed
from switchboard_webhook_ingest.domain import Provider
from switchboard_webhook_ingest.signatures import VERIFIERS, SignedRequest, check_secret_shape

NOW = 1_772_377_600.0
BODY = b'{"call_id": "c-1", "event": "call_ended"}'
SECRET, PREVIOUS = "current-secret-0123456789", "previous-secret-9876543210"


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request(
    headers: dict[str, str], body: bytes = BODY, url: str = "", now: float = NOW
) -> SignedRequest:
    form = parse_qsl(body.decode()) if url else []
    return SignedRequest(body=body, headers=headers, url=url, form=form, now=now)


def verify(provider: Provider, signed: SignedRequest, secrets: list[str] | None = None) -> None:
    VERIFIERS[provider](signed, secrets or [SECRET])


def refused(
    provider: Provider, signed: SignedRequest, code: str, secrets: list[str] | None = None
) -> None:
    with pytest.raises(Unauthorized) as caught:
        verify(provider, signed, secrets)
    assert caught.value.code == code


# Bland: X-Webhook-Signature, hex HMAC-SHA256 of the body.


def test_bland_accepts_a_valid_signature() -> None:
    verify(Provider.BLAND, request({"x-webhook-signature": hex_hmac(SECRET, BODY)}))


def test_bland_refuses_a_signature_of_another_body() -> None:
    signed = request({"x-webhook-signature": hex_hmac(SECRET, BODY + b" ")})
    refused(Provider.BLAND, signed, "invalid_signature")


def test_bland_refuses_an_unsigned_request() -> None:
    refused(Provider.BLAND, request({}), "missing_signature")


def test_bland_accepts_the_previous_secret_during_a_rotation() -> None:
    signed = request({"x-webhook-signature": hex_hmac(PREVIOUS, BODY)})
    verify(Provider.BLAND, signed, [SECRET, PREVIOUS])
    refused(Provider.BLAND, signed, "invalid_signature", [SECRET])


# Vapi: x-signature = hex HMAC-SHA256 of "{x-timestamp}.{body}"; legacy x-vapi-secret.


def vapi_headers(secret: str, stamp: str) -> dict[str, str]:
    return {"x-timestamp": stamp, "x-signature": hex_hmac(secret, f"{stamp}.".encode() + BODY)}


def test_vapi_accepts_a_valid_timestamped_signature() -> None:
    verify(Provider.VAPI, request(vapi_headers(SECRET, str(int(NOW)))))


def test_vapi_accepts_a_millisecond_timestamp() -> None:
    verify(Provider.VAPI, request(vapi_headers(SECRET, str(int(NOW * 1000)))))


def test_vapi_refuses_a_signature_made_with_another_secret() -> None:
    refused(
        Provider.VAPI,
        request(
            vapi_headers("wrong-secret-000000", str(int(NOW))),
        ),
        "invalid_signature",
    )


def test_vapi_refuses_a_timestamp_outside_five_minutes_as_a_replay() -> None:
    stale = request(vapi_headers(SECRET, str(int(NOW - 301))))
    future = request(vapi_headers(SECRET, str(int(NOW + 301))))
    refused(Provider.VAPI, stale, "replayed")
    refused(Provider.VAPI, future, "replayed")


def test_vapi_refuses_a_timestamp_that_is_not_a_number() -> None:
    headers = {**vapi_headers(SECRET, "NaN"), "x-timestamp": "NaN"}
    refused(Provider.VAPI, request(headers), "invalid_signature")


def test_vapi_accepts_the_previous_secret_during_a_rotation() -> None:
    verify(Provider.VAPI, request(vapi_headers(PREVIOUS, str(int(NOW)))), [SECRET, PREVIOUS])


def test_vapi_accepts_its_legacy_shared_secret_header() -> None:
    verify(Provider.VAPI, request({"x-vapi-secret": SECRET}))
    refused(Provider.VAPI, request({"x-vapi-secret": "guess"}), "invalid_signature")


def test_vapi_refuses_an_unsigned_request() -> None:
    refused(Provider.VAPI, request({}), "missing_signature")


# Retell: x-retell-signature "v=<ms>,d=<hex HMAC-SHA256 of body + timestamp>".


def retell_header(secret: str, stamp_ms: int) -> dict[str, str]:
    digest = hex_hmac(secret, BODY + str(stamp_ms).encode())
    return {"x-retell-signature": f"v={stamp_ms},d={digest}"}


def test_retell_accepts_a_valid_signature() -> None:
    verify(Provider.RETELL, request(retell_header(SECRET, int(NOW * 1000))))


def test_retell_refuses_a_digest_over_the_body_alone() -> None:
    stamp = int(NOW * 1000)
    header = {"x-retell-signature": f"v={stamp},d={hex_hmac(SECRET, BODY)}"}
    refused(Provider.RETELL, request(header), "invalid_signature")


def test_retell_refuses_a_replayed_timestamp() -> None:
    refused(Provider.RETELL, request(retell_header(SECRET, int((NOW - 600) * 1000))), "replayed")


def test_retell_refuses_a_header_in_another_format() -> None:
    refused(
        Provider.RETELL,
        request({"x-retell-signature": hex_hmac(SECRET, BODY)}),
        "invalid_signature",
    )


def test_retell_refuses_an_unsigned_request() -> None:
    refused(Provider.RETELL, request({}), "missing_signature")


def test_retell_accepts_the_previous_secret_during_a_rotation() -> None:
    verify(Provider.RETELL, request(retell_header(PREVIOUS, int(NOW * 1000))), [SECRET, PREVIOUS])


# Twilio: base64 HMAC-SHA1 of URL + sorted(key + value).

TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_FORM = (
    b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234"
    b"&From=%2B14158675309&To=%2B18005551212"
)


def test_twilio_accepts_the_signature_of_twilios_published_example() -> None:
    signed = request(
        {"x-twilio-signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="}, TWILIO_FORM, TWILIO_URL
    )
    verify(Provider.TWILIO, signed, ["12345"])


def test_twilio_accepts_a_signature_computed_here() -> None:
    url = "https://switchboard.example.test/api/webhooks/twilio?token=abc"
    body = b"CallStatus=completed&CallSid=CA9&From=%2B15550001111"
    message = url + "CallSidCA9" + "CallStatuscompleted" + "From+15550001111"
    signature = base64.b64encode(
        hmac.new(SECRET.encode(), message.encode(), hashlib.sha1).digest()
    ).decode()
    verify(Provider.TWILIO, request({"x-twilio-signature": signature}, body, url))


def test_twilio_refuses_the_signature_of_another_url() -> None:
    signed = request(
        {"x-twilio-signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="}, TWILIO_FORM, TWILIO_URL + "&extra=1"
    )
    refused(Provider.TWILIO, signed, "invalid_signature", ["12345"])


def test_twilio_refuses_a_tampered_parameter() -> None:
    tampered = TWILIO_FORM.replace(b"Digits=1234", b"Digits=9999")
    signed = request({"x-twilio-signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="}, tampered, TWILIO_URL)
    refused(Provider.TWILIO, signed, "invalid_signature", ["12345"])


def test_twilio_refuses_an_unsigned_request() -> None:
    refused(Provider.TWILIO, request({}, TWILIO_FORM, TWILIO_URL), "missing_signature", ["12345"])


def test_twilio_accepts_the_previous_auth_token_during_a_rotation() -> None:
    signed = request(
        {"x-twilio-signature": "RSOYDt4T1cUTdK1PDd93/VVr8B8="}, TWILIO_FORM, TWILIO_URL
    )
    verify(Provider.TWILIO, signed, ["new-auth-token-000", "12345"])


def test_twilio_json_bodies_are_pinned_by_body_sha256() -> None:
    digest = hashlib.sha256(BODY).hexdigest()
    url = f"https://switchboard.example.test/api/webhooks/twilio?token=abc&bodySHA256={digest}"
    signature = base64.b64encode(
        hmac.new(SECRET.encode(), url.encode(), hashlib.sha1).digest()
    ).decode()
    good = SignedRequest(body=BODY, headers={"x-twilio-signature": signature}, url=url, now=NOW)
    bad = SignedRequest(
        body=BODY + b" ", headers={"x-twilio-signature": signature}, url=url, now=NOW
    )
    verify(Provider.TWILIO, good)
    refused(Provider.TWILIO, bad, "invalid_signature")


# Standard Webhooks: "v1,<base64 HMAC-SHA256 of id.timestamp.body>", space-separated.

STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def standard_headers(
    secret: str, stamp: int, message_id: str = "msg_1", body: bytes = BODY
) -> dict[str, str]:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


def test_standard_accepts_the_specifications_example() -> None:
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    signed = request(headers, b'{"test": 2432232314}', now=1614265330)
    verify(Provider.STANDARD, signed, [STANDARD_SECRET])


def test_standard_accepts_one_valid_signature_among_several() -> None:
    headers = standard_headers(STANDARD_SECRET, int(NOW))
    headers["webhook-signature"] = f"v1,bm9wZQ== v2,abc {headers['webhook-signature']}"
    verify(Provider.STANDARD, request(headers), [STANDARD_SECRET])


def test_standard_refuses_a_signature_over_another_message_id() -> None:
    headers = {**standard_headers(STANDARD_SECRET, int(NOW)), "webhook-id": "msg_other"}
    refused(Provider.STANDARD, request(headers), "invalid_signature", [STANDARD_SECRET])


def test_standard_refuses_a_replayed_timestamp() -> None:
    headers = standard_headers(STANDARD_SECRET, int(NOW) - 400)
    refused(Provider.STANDARD, request(headers), "replayed", [STANDARD_SECRET])


def test_standard_refuses_missing_headers() -> None:
    headers = standard_headers(STANDARD_SECRET, int(NOW))
    del headers["webhook-timestamp"]
    refused(Provider.STANDARD, request(headers), "missing_signature", [STANDARD_SECRET])


def test_standard_accepts_the_previous_secret_during_a_rotation() -> None:
    previous = "whsec_" + base64.b64encode(b"p" * 24).decode()
    headers = standard_headers(previous, int(NOW))
    verify(Provider.STANDARD, request(headers), [STANDARD_SECRET, previous])
    refused(Provider.STANDARD, request(headers), "invalid_signature", [STANDARD_SECRET])


def test_a_standard_secret_must_be_whsec_base64() -> None:
    with pytest.raises(ValidationFailed):
        check_secret_shape(Provider.STANDARD, "whsec_not base64!")
    check_secret_shape(Provider.STANDARD, STANDARD_SECRET)


# Convoso: no signing; the shared secret travels in X-Webhook-Secret.


@pytest.mark.parametrize("provider", [Provider.CONVOSO_CALLS, Provider.CONVOSO_LEADS])
def test_convoso_needs_its_shared_secret_header(provider: Provider) -> None:
    verify(provider, request({"x-webhook-secret": PREVIOUS}), [SECRET, PREVIOUS])
    refused(provider, request({"x-webhook-secret": "guess"}), "invalid_signature")
    refused(provider, request({}), "missing_signature")


@pytest.mark.parametrize("provider", list(Provider))
@pytest.mark.parametrize("value", ["é" * 10, "\x00", "v=1,d=é", "v1,ü", " ", "sha256=" + "z" * 64])
def test_no_header_text_makes_a_verifier_fail_other_than_with_401(
    provider: Provider, value: str
) -> None:
    names = [
        "x-webhook-signature",
        "x-signature",
        "x-timestamp",
        "x-vapi-secret",
        "x-retell-signature",
    ]
    names += [
        "x-twilio-signature",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "x-webhook-secret",
    ]
    with pytest.raises(Unauthorized):
        verify(provider, request(dict.fromkeys(names, value), url="https://x.test/"))
