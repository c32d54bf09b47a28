"""Production settings pass `manage.py check --deploy` with only the documented variables set."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run_check(extra_env: dict) -> subprocess.CompletedProcess:
    unset = ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update({"DJANGO_SETTINGS_MODULE": "website.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_documented_variables(tmp_path):
    result = run_check(
        {
            "SECRET_KEY": "k7#Qp2!vR9zL@m4^xW8$tB1&nF6*hJ3(cD5)gS0-yU_eA+oI=" * 2,
            "ALLOWED_HOSTS": "gi.liangping.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "TRACE_SIGNING_KEYS": "k1:" + "s" * 40,
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_check({"ALLOWED_HOSTS": "gi.liangping.example", "TRACE_SIGNING_KEYS": "k1:abc"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
