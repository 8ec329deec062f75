"""Lint and render a Helm chart offline with Helm's own Go library (the helm-sdkpy wheel).

    python render_chart.py CHART [--values FILE]

Prints every rendered manifest as one YAML stream on stdout and exits 1 when `helm lint` reports
an error or a warning. No cluster, no helm binary and no network are needed.

The library exposes `Lint` (which renders every template with the chart's values, as
`helm lint` does) but no `template` action. So the chart is copied, its templates are also
placed where `.Files` can read them, and one extra template renders each of them with `tpl`
(Helm's engine, the chart's helpers, the same values and release) and hands the result out
through `fail`, which lint mode logs instead of raising. The chart itself is linted untouched.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import helm_sdkpy

SEVERITIES = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}
SOURCES = "render-src"
MARKER = "SWITCHBOARD-RENDERED:"
DUMP_TEMPLATE = (
    '{{- $out := "" -}}\n'
    '{{- range $path, $_ := .Files.Glob "' + SOURCES + '/*.yaml" }}\n'
    "{{- $body := tpl ($.Files.Get $path) $ -}}\n"
    '{{- $out = printf "%s---\\n# Source: %s\\n%s\\n" $out (base $path) $body -}}\n'
    "{{- end }}\n"
    '{{- fail (printf "' + MARKER + '%s" (b64enc $out)) }}\n'
)


def lint(chart: Path) -> dict[str, Any]:
    result: dict[str, Any] = asyncio.run(
        helm_sdkpy.Lint(helm_sdkpy.Configuration()).run(str(chart))
    )
    return result


def problems(result: dict[str, Any]) -> list[str]:
    return [
        f"{SEVERITIES.get(m['Severity'], m['Severity'])}: {m['Path']}"
        for m in result.get("Messages") or []
        if m["Severity"] >= 2
    ]


def copy_chart(chart: Path, values: Path | None, into: Path) -> Path:
    target = into / chart.name
    shutil.copytree(chart, target)
    if values is not None:
        shutil.copyfile(values, target / "values.yaml")
    return target


def instrument(chart: Path) -> None:
    sources = chart / SOURCES
    sources.mkdir()
    for template in sorted((chart / "templates").glob("*.yaml")):
        shutil.copyfile(template, sources / template.name)
    (chart / "templates" / "zz-render.yaml").write_text(DUMP_TEMPLATE)


def lint_capturing_stderr(chart: Path, scratch: Path) -> str:
    """The Go library logs to file descriptor 2 directly, so that is what is captured."""
    log = scratch / "helm.log"
    saved = os.dup(2)
    with log.open("wb") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            lint(chart)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return log.read_text(errors="replace")


def rendered_from(log: str) -> str:
    found = re.search(re.escape(MARKER) + r"([A-Za-z0-9+/=]*)", log)
    if found is None:
        raise SystemExit(f"the chart did not render:\n{log}")
    return base64.b64decode(found.group(1)).decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chart", type=Path)
    parser.add_argument("--values", type=Path, help="replaces the chart's values.yaml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        chart = copy_chart(args.chart.resolve(), args.values, scratch / "plain")
        found = problems(lint(chart))
        if found:
            print("helm lint:", *found, sep="\n  ", file=sys.stderr)
            return 1
        instrument(chart)
        sys.stdout.write(rendered_from(lint_capturing_stderr(chart, scratch)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
