"""The `switchboard` command: run the platform, create topics, operate it."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

from switchboard_deploy.audit_cli import add_audit_commands
from switchboard_deploy.stack import Stack
from switchboard_deploy.topics import create_topics


def _run(args: argparse.Namespace) -> int:
    from switchboard_deploy.demo import print_welcome, seed_demo

    owner_email = os.environ.setdefault("BOOTSTRAP_OWNER_EMAIL", "owner@switchboard.local")
    owner_password = os.environ.setdefault("BOOTSTRAP_OWNER_PASSWORD", "switchboard-demo-owner")
    stack = Stack(data_dir=Path(args.data_dir))

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored
    started = time.monotonic()
    try:
        print("starting infrastructure ...", flush=True)
        stack.start_infrastructure()
        print("starting the seven services ...", flush=True)
        stack.start_services()
        demo = seed_demo(stack.url("gateway"), owner_email, owner_password)
        print_welcome(stack, demo, owner_email, owner_password, time.monotonic() - started)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\nstopping ...", flush=True)
        stack.stop()
        print("stopped.", flush=True)
    return 0


def _topics(args: argparse.Namespace) -> int:
    created = asyncio.run(create_topics(args.bootstrap_servers, args.replication_factor))
    print("\n".join(created) or "all topics exist")
    return 0


def _rotate_keys(_: argparse.Namespace) -> int:
    from switchboard_gateway.rotation import rotate_signing_key
    from switchboard_gateway.settings import GatewaySettings
    from switchboard_shared.settings import load_settings

    settings = load_settings(GatewaySettings)
    kid = asyncio.run(rotate_signing_key(settings))
    print(f"new signing key {kid}; the previous key stays published until its tokens expire")
    return 0


def _contract(args: argparse.Namespace) -> int:
    from switchboard_shared.contract import asyncapi_document, event_json_schemas

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, document in (
        ("asyncapi.json", asyncapi_document()),
        ("events.schema.json", event_json_schemas()),
    ):
        (out / name).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        print(out / name)
    return 0


def _dead_letters(args: argparse.Namespace) -> int:
    """Lists or redrives call-store's dead letters through the platform's admin routes, as the
    signed-in operator whose token is in SWITCHBOARD_TOKEN (replays are audited in their name)."""
    import httpx

    token = os.environ.get("SWITCHBOARD_TOKEN")
    if not token:
        print("set SWITCHBOARD_TOKEN to an access token with dead_letters:manage", file=sys.stderr)
        return 2
    method, path = {
        "list": ("GET", "/api/admin/calls/dlq"),
        "replay": ("POST", "/api/admin/calls/dlq/replay"),
    }[args.dlq_command]
    try:
        response = httpx.request(
            method,
            args.url.rstrip("/") + path,
            params={"topic": args.topic},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
    except httpx.HTTPError as error:
        print(f"cannot reach {args.url}: {error}", file=sys.stderr)
        return 1
    print(response.text, file=sys.stdout if response.is_success else sys.stderr)
    return 0 if response.is_success else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="switchboard")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the whole platform on this machine")
    run.add_argument("--data-dir", default=".data")
    run.set_defaults(func=_run)
    topics = commands.add_parser("topics", help="create every topic (and its dead-letter topic)")
    topics.add_argument(
        "--bootstrap-servers", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    )
    topics.add_argument(
        "--replication-factor",
        type=int,
        default=int(os.environ.get("KAFKA_REPLICATION_FACTOR", "1")),
        help="replicas of each new topic (1 for a single broker, 3 for a production cluster)",
    )
    topics.set_defaults(func=_topics)
    keys = commands.add_parser("keys", help="manage the gateway's token signing keys")
    key_commands = keys.add_subparsers(dest="key_command", required=True)
    rotate = key_commands.add_parser(
        "rotate",
        help="sign new tokens with a new key (DATABASE_URL, SECRETS_KEY as for the gateway)",
    )
    rotate.set_defaults(func=_rotate_keys)
    dlq = commands.add_parser("dlq", help="list or replay call-store's dead letters")
    dlq.add_argument("dlq_command", choices=["list", "replay"])
    dlq.add_argument("--topic", choices=["calls", "leads"], default="calls")
    dlq.add_argument(
        "--url",
        default=os.environ.get("SWITCHBOARD_URL", "http://127.0.0.1:8000"),
        help="the gateway (SWITCHBOARD_URL)",
    )
    dlq.set_defaults(func=_dead_letters)
    contract = commands.add_parser("contract", help="write the AsyncAPI and JSON Schema documents")
    contract.add_argument("--out", default="docs/contract")
    contract.set_defaults(func=_contract)
    add_audit_commands(commands)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
