"""The README's copy-paste session runs as printed against a running platform."""

import re
import subprocess
from pathlib import Path

import pytest

from switchboard_deploy.demo import seed_demo
from switchboard_deploy.testing import Owner

pytestmark = pytest.mark.e2e

README = Path(__file__).parents[2] / "README.md"


def readme_session() -> str:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), re.S)
    return next(block for block in blocks if "API=" in block)


def test_the_readme_session_posts_a_webhook_and_lists_the_call(
    gateway_url: str, platform_owner: Owner
) -> None:
    seed_demo(gateway_url, platform_owner.email, platform_owner.password)
    script = readme_session().replace("API=http://127.0.0.1:8000", f"API={gateway_url}")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert '"duplicate": false' in result.stdout.replace('"duplicate":false', '"duplicate": false')
    assert '"call_id": "readme-call-1"' in result.stdout
