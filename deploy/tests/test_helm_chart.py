"""The Helm chart lints and renders offline with Helm's own library, and every manifest it
renders is a valid Kubernetes object that runs each service safely.

No cluster, Docker or helm binary: `render_chart.py` runs in a throwaway Python 3.12 environment
holding the `helm-sdkpy` wheel (Helm's Go library), and `kubernetes-validate` checks each object
against the Kubernetes schemas, rejecting unknown fields.
"""

from __future__ import annotations

import copy
import glob
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from switchboard_deploy.services import SERVICES

KUBERNETES_VERSION = "1.30"
KUBERNETES_VERSIONS = ("1.25", KUBERNETES_VERSION, kubernetes_validate.latest_version())
HELM_SDKPY = "helm-sdkpy==0.1.32"
ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "switchboard"
RENDER = Path(__file__).with_name("render_chart.py")
SECRET_KEYS = {"DATABASE_URL", "DB_SERVICE_PASSWORD", "SECRETS_KEY"}
OUTER_ENVIRONMENT = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
OWNER_KEYS = {"BOOTSTRAP_OWNER_EMAIL", "BOOTSTRAP_OWNER_PASSWORD"}
VARIANT = {
    "ingress": {"enabled": True, "host": "switchboard.test", "className": "nginx"},
    "serviceDefaults": {
        "autoscaling": {"enabled": False},
        "podDisruptionBudget": {"enabled": False},
    },
    "services": {"call-store": {"replicas": 4}},
    "config": {"otlpEndpoint": "http://otel-collector:4318"},
}

Manifest = dict[str, Any]


def _runs(python: str) -> bool:
    try:
        return (
            subprocess.run([python, "--version"], capture_output=True, timeout=20).returncode == 0
        )
    except OSError:
        return False


def _python_312() -> str | None:
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [shutil.which("python3.12")]
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.12*/bin/python3.12"), reverse=True)
    return next((c for c in candidates if c and _runs(c)), None)


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    return found


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _render_process(chart: Path, values: Path | None) -> subprocess.CompletedProcess[str]:
    python = _python_312()
    if python is None:
        pytest.skip("rendering with helm-sdkpy needs Python 3.12, and no python3.12 was found")
    command = [_uv(), "run", "--isolated", "--no-project", "--python", python]
    command += ["--with", HELM_SDKPY, "python", str(RENDER), str(chart)]
    command += ["--values", str(values)] if values else []
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    return subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, cwd=ROOT)


def render(tmp_path: Path, overrides: dict[str, Any] | None = None) -> list[Manifest]:
    values = None
    if overrides:
        defaults = yaml.safe_load((CHART / "values.yaml").read_text())
        values = tmp_path / "values.json"
        values.write_text(json.dumps(_deep_merge(defaults, overrides)))
    done = _render_process(CHART, values)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> list[Manifest]:
    return render(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory) -> list[Manifest]:
    return render(tmp_path_factory.mktemp("variant"), VARIANT)


def of_kind(docs: list[Manifest], kind: str) -> list[Manifest]:
    return [doc for doc in docs if doc["kind"] == kind]


def by_component(docs: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {d["metadata"]["labels"]["app.kubernetes.io/component"]: d for d in of_kind(docs, kind)}


def container(deployment: Manifest) -> Manifest:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def env_of(deployment: Manifest) -> dict[str, Manifest]:
    return {item["name"]: item for item in container(deployment)["env"]}


def test_every_rendered_manifest_is_a_valid_kubernetes_object(
    manifests: list[Manifest], variant: list[Manifest]
) -> None:
    for version in KUBERNETES_VERSIONS:
        for doc in manifests + variant:
            kubernetes_validate.validate(doc, version, strict=True)


def test_strict_validation_rejects_a_misspelled_field(manifests: list[Manifest]) -> None:
    broken = copy.deepcopy(of_kind(manifests, "Deployment")[0])
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_lint_refuses_a_chart_with_a_broken_template(tmp_path: Path) -> None:
    chart = tmp_path / "switchboard"
    shutil.copytree(CHART, chart)
    (chart / "templates" / "broken.yaml").write_text("kind: ConfigMap\n  data: [\n")
    done = _render_process(chart, None)
    assert done.returncode != 0
    assert "templates/broken.yaml" in done.stderr


def test_values_that_break_the_values_schema_are_refused(tmp_path: Path) -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    del values["services"]["audit"]["port"]
    broken = tmp_path / "values.json"
    broken.write_text(json.dumps(values))
    done = _render_process(CHART, broken)
    assert done.returncode != 0
    assert "values.yaml" in done.stderr


def test_each_service_has_one_deployment_and_one_service_on_its_port(
    manifests: list[Manifest],
) -> None:
    deployments = by_component(manifests, "Deployment")
    services = by_component(manifests, "Service")
    assert len(of_kind(manifests, "Deployment")) == len(deployments) == 7
    assert len(of_kind(manifests, "Service")) == len(services) == 7
    for spec in SERVICES:
        main = container(deployments[spec.name])
        assert main["args"] == [spec.module]
        assert main["ports"] == [{"name": "http", "containerPort": spec.port, "protocol": "TCP"}]
        assert env_of(deployments[spec.name])["HTTP_PORT"]["value"] == str(spec.port)
        assert services[spec.name]["spec"]["ports"][0]["port"] == spec.port


def test_each_service_selects_exactly_its_own_pods(manifests: list[Manifest]) -> None:
    deployments = by_component(manifests, "Deployment")
    for name, service in by_component(manifests, "Service").items():
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        selector = service["spec"]["selector"]
        assert selector.items() <= pod_labels.items()
        assert selector == deployments[name]["spec"]["selector"]["matchLabels"]
        others = [d for n, d in deployments.items() if n != name]
        assert all(
            not selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
            for d in others
        )


def test_liveness_probes_health_and_readiness_probes_ready(manifests: list[Manifest]) -> None:
    for deployment in of_kind(manifests, "Deployment"):
        main = container(deployment)
        assert main["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        assert main["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
        assert main["startupProbe"]["httpGet"]["path"] == "/health"


def test_every_pod_runs_as_non_root_on_a_read_only_root_filesystem(
    manifests: list[Manifest],
) -> None:
    pods = [d["spec"]["template"]["spec"] for d in of_kind(manifests, "Deployment")]
    pods += [job["spec"]["template"]["spec"] for job in of_kind(manifests, "Job")]
    assert len(pods) == 8
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        (main,) = pod["containers"]
        context = main["securityContext"]
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        assert {"name": "tmp", "mountPath": "/tmp"} in main["volumeMounts"]
        assert {v["name"]: v for v in pod["volumes"]}["tmp"]["emptyDir"]


def test_every_container_requests_and_limits_cpu_and_memory(manifests: list[Manifest]) -> None:
    containers = [container(d) for d in of_kind(manifests, "Deployment")]
    containers += [
        job["spec"]["template"]["spec"]["containers"][0] for job in of_kind(manifests, "Job")
    ]
    for main in containers:
        for bound in ("requests", "limits"):
            assert set(main["resources"][bound]) == {"cpu", "memory"}


def test_every_service_has_an_autoscaler_and_a_disruption_budget(
    manifests: list[Manifest],
) -> None:
    deployments = by_component(manifests, "Deployment")
    autoscalers = by_component(manifests, "HorizontalPodAutoscaler")
    budgets = by_component(manifests, "PodDisruptionBudget")
    assert set(autoscalers) == set(budgets) == set(deployments)
    for name, deployment in deployments.items():
        target = autoscalers[name]["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
        assert autoscalers[name]["spec"]["minReplicas"] >= 2
        assert "replicas" not in deployment["spec"]
        assert budgets[name]["spec"]["selector"] == deployment["spec"]["selector"]


def test_secrets_are_only_referenced_from_the_existing_secret(manifests: list[Manifest]) -> None:
    assert of_kind(manifests, "Secret") == []
    for name, deployment in by_component(manifests, "Deployment").items():
        env = env_of(deployment)
        wanted = SECRET_KEYS | (OWNER_KEYS if name == "gateway" else set())
        from_secret = {k for k, item in env.items() if "secretKeyRef" in item.get("valueFrom", {})}
        assert from_secret == wanted
        assert all(env[k]["valueFrom"]["secretKeyRef"]["name"] == "switchboard" for k in wanted)
    (config,) = of_kind(manifests, "ConfigMap")
    assert not set(config["data"]) & (SECRET_KEYS | OWNER_KEYS)


def test_the_shared_config_points_every_service_at_the_others(manifests: list[Manifest]) -> None:
    (config,) = of_kind(manifests, "ConfigMap")
    data = config["data"]
    services = by_component(manifests, "Service")
    gateway = services["gateway"]["metadata"]["name"]
    assert data["JWKS_URL"] == f"http://{gateway}:8000/.well-known/jwks.json"
    assert data["HTTP_HOST"] == "0.0.0.0"
    assert data["KAFKA_ENABLE_IDEMPOTENCE"] == "true"
    for spec in SERVICES:
        host = services[spec.name]["metadata"]["name"]
        assert data[spec.url_variable] == f"http://{host}:{spec.port}"
    for deployment in of_kind(manifests, "Deployment"):
        refs = container(deployment)["envFrom"]
        assert refs == [{"configMapRef": {"name": config["metadata"]["name"]}}]


def test_topics_are_created_by_a_pre_install_and_pre_upgrade_hook(
    manifests: list[Manifest],
) -> None:
    (job,) = of_kind(manifests, "Job")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    main = job["spec"]["template"]["spec"]["containers"][0]
    assert main["command"] == ["switchboard"]
    assert main["args"][:3] == ["topics", "--bootstrap-servers", "kafka:9092"]
    assert main["args"][3:] == ["--replication-factor", "3"]


def test_toggles_add_an_ingress_and_drop_autoscalers_and_budgets(variant: list[Manifest]) -> None:
    (ingress,) = of_kind(variant, "Ingress")
    gateway = by_component(variant, "Service")["gateway"]["metadata"]["name"]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == "switchboard.test"
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == gateway
    assert of_kind(variant, "HorizontalPodAutoscaler") == []
    assert of_kind(variant, "PodDisruptionBudget") == []
    replicas = {n: d["spec"]["replicas"] for n, d in by_component(variant, "Deployment").items()}
    assert replicas == {spec.name: 4 if spec.name == "call-store" else 2 for spec in SERVICES}
    (config,) = of_kind(variant, "ConfigMap")
    assert config["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"


def test_no_ingress_is_rendered_by_default(manifests: list[Manifest]) -> None:
    assert of_kind(manifests, "Ingress") == []
