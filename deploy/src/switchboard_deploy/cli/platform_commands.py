"""`switchboard run | topics | keys rotate | contract`: run the platform and prepare a cluster."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path
from typing import Annotated

import typer

from switchboard_deploy.stack import Stack
from switchboard_deploy.topics import create_topics

DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:19092"

BootstrapServers = Annotated[
    str,
    typer.Option(
        envvar="KAFKA_BOOTSTRAP_SERVERS", help="the Kafka cluster (KAFKA_BOOTSTRAP_SERVERS)"
    ),
]


def run(
    data_dir: Annotated[str, typer.Option(help="where PostgreSQL keeps its data")] = ".data",
) -> None:
    """Run the whole platform on this machine (Ctrl-C stops it)."""
    from switchboard_deploy.demo import print_welcome, seed_demo

    owner_email = os.environ.setdefault("BOOTSTRAP_OWNER_EMAIL", "owner@switchboard.local")
    owner_password = os.environ.setdefault("BOOTSTRAP_OWNER_PASSWORD", "switchboard-demo-owner")
    stack = Stack(data_dir=Path(data_dir))

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


def topics(
    bootstrap_servers: BootstrapServers = DEFAULT_BOOTSTRAP_SERVERS,
    replication_factor: Annotated[
        int,
        typer.Option(
            envvar="KAFKA_REPLICATION_FACTOR",
            help="replicas of each new topic (1 for a single broker, 3 for a production cluster)",
        ),
    ] = 1,
) -> None:
    """Create every topic (and its dead-letter topic); safe to run again."""
    created = asyncio.run(create_topics(bootstrap_servers, replication_factor))
    print("\n".join(created) or "all topics exist")


def rotate_keys() -> None:
    """Sign new tokens with a new key (DATABASE_URL, SECRETS_KEY as for the gateway)."""
    from switchboard_gateway.rotation import rotate_signing_key
    from switchboard_gateway.settings import GatewaySettings
    from switchboard_shared.settings import load_settings

    settings = load_settings(GatewaySettings)
    kid = asyncio.run(rotate_signing_key(settings))
    print(f"new signing key {kid}; the previous key stays published until its tokens expire")


def contract(
    out: Annotated[str, typer.Option(help="the folder to write them in")] = "docs/contract",
) -> None:
    """Write the AsyncAPI and JSON Schema documents of the bus, generated from the models."""
    from switchboard_shared.contract import asyncapi_document, event_json_schemas

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in (
        ("asyncapi.json", asyncapi_document()),
        ("events.schema.json", event_json_schemas()),
    ):
        (folder / name).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        print(folder / name)
