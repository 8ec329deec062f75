"""docker-compose.yml follows the Compose specification and runs the seven services safely.

The schema check uses the compose-spec schema vendored in `check-jsonschema` (no network); the
rest reads the file as Compose would, YAML merge keys included, without a Docker engine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from switchboard_deploy.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
PROMETHEUS = ROOT / "deploy" / "prometheus.yml"
COLLECTOR = ROOT / "deploy" / "otel-collector.yaml"
DOCKERFILE = ROOT / "Dockerfile"
SECRET_VARIABLES = (
    "POSTGRES_PASSWORD",
    "DB_SERVICE_PASSWORD",
    "SECRETS_KEY",
    "BOOTSTRAP_OWNER_EMAIL",
    "BOOTSTRAP_OWNER_PASSWORD",
)
NAMES = [spec.name for spec in SERVICES]

Service = dict[str, Any]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Service]:
    found: dict[str, Service] = compose["services"]
    return found


def check_against_compose_spec(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec"]
    return subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)


def test_the_compose_file_follows_the_compose_specification() -> None:
    done = check_against_compose_spec(COMPOSE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_specification_check_rejects_an_invalid_compose_file(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  gateway:\n    image: x\n    readonly: true\n")
    done = check_against_compose_spec(broken)
    assert done.returncode != 0


def test_all_seven_services_run_from_one_image_chosen_by_the_command(
    services: dict[str, Service],
) -> None:
    images = {services[spec.name]["image"] for spec in SERVICES}
    assert len(images) == 1
    assert services["topics"]["image"] in images
    for spec in SERVICES:
        assert services[spec.name]["command"] == [spec.module]
        assert services[spec.name]["build"]["target"] == "runtime"


def test_our_containers_are_non_root_read_only_and_without_capabilities(
    services: dict[str, Service],
) -> None:
    for name in [*NAMES, "topics"]:
        service = services[name]
        assert service["user"] == "10001:10001", name
        assert service["read_only"] is True, name
        assert "/tmp" in service["tmpfs"], name
        assert service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name


def test_infrastructure_containers_drop_capabilities_and_privilege_escalation(
    services: dict[str, Service],
) -> None:
    for name in ("kafka", "postgres", "otel-collector", "prometheus"):
        assert services[name]["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in services[name]["security_opt"], name
        assert services[name].get("privileged", False) is False, name
    assert services["postgres"]["user"] == "postgres"


def test_only_the_gateway_publishes_a_port(services: dict[str, Service]) -> None:
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"gateway"}
    assert services["gateway"]["ports"] == ["${GATEWAY_PORT:-8000}:8000"]


def test_each_service_is_healthy_only_when_ready(services: dict[str, Service]) -> None:
    for spec in SERVICES:
        check = services[spec.name]["healthcheck"]
        assert check["test"][:3] == ["CMD", "python", "-c"]
        assert "/ready" in check["test"][3]
        assert "HTTP_PORT" in check["test"][3]
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    assert "kafka-broker-api-versions" in services["kafka"]["healthcheck"]["test"][1]


def test_services_start_after_the_database_the_broker_and_the_topics(
    services: dict[str, Service],
) -> None:
    for spec in SERVICES:
        needs = services[spec.name]["depends_on"]
        assert needs["postgres"]["condition"] == "service_healthy"
        assert needs["kafka"]["condition"] == "service_healthy"
        assert needs["topics"]["condition"] == "service_completed_successfully"
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_each_service_gets_its_port_and_the_addresses_of_the_others(
    services: dict[str, Service],
) -> None:
    for spec in SERVICES:
        env = services[spec.name]["environment"]
        assert env["HTTP_PORT"] == spec.port
        assert env["HTTP_HOST"] == "0.0.0.0"
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
        assert env["JWKS_URL"] == "http://gateway:8000/.well-known/jwks.json"
        assert env["DATABASE_URL"].endswith("@postgres:5432/switchboard")
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
        for other in SERVICES:
            assert env[other.url_variable] == f"http://{other.name}:{other.port}"


def test_secrets_are_required_from_the_environment_and_never_committed() -> None:
    text = COMPOSE.read_text()
    for variable in SECRET_VARIABLES:
        uses = re.findall(r"\$\{" + variable + r"(.?.?)", text)
        assert uses, variable
        assert all(use == ":?" for use in uses), variable
    assert "env_file" not in text
    assert not (ROOT / ".env").exists() or ".env" in (ROOT / ".gitignore").read_text()


def test_kafka_runs_in_kraft_mode_and_topics_come_from_the_one_shot_job(
    services: dict[str, Service],
) -> None:
    kafka = services["kafka"]
    env = kafka["environment"]
    assert kafka["image"].startswith("apache/kafka:")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert not any("ZOOKEEPER" in key for key in env)
    topics = services["topics"]
    assert topics["entrypoint"] == ["switchboard"]
    assert topics["command"] == ["topics", "--bootstrap-servers", "kafka:9092"]
    assert topics["restart"] == "no"


def test_prometheus_scrapes_the_metrics_of_every_service() -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "switchboard"]
    assert job["metrics_path"] == "/metrics"
    targets = {t for group in job["static_configs"] for t in group["targets"]}
    assert targets == {f"{spec.name}:{spec.port}" for spec in SERVICES}


def test_the_collector_receives_the_traces_the_services_send() -> None:
    config = yaml.safe_load(COLLECTOR.read_text())
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"] == "0.0.0.0:4318"
    assert "otlp" in config["service"]["pipelines"]["traces"]["receivers"]


def test_the_image_builds_from_the_lock_and_runs_as_an_unprivileged_user() -> None:
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)$", text, flags=re.MULTILINE)
    assert stages == ["builder", "runtime"]
    assert "uv sync --locked --no-dev --all-packages --no-editable" in text
    runtime = text.split("AS runtime", 1)[1]
    assert "USER 10001:10001" in runtime
    assert 'ENTRYPOINT ["python", "-m"]' in runtime
    assert 'CMD ["switchboard_gateway"]' in runtime
    assert not re.search(r"^(ENV|ARG) .*(PASSWORD|SECRET)", text, flags=re.MULTILINE)
