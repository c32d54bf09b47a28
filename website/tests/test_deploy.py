"""Production settings pass `manage.py check --deploy` with only the documented variables set."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from wagtail.models import Site

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
    result = run_check(production_env(tmp_path, CACHE_URL="redis://127.0.0.1:6379/1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_check({"ALLOWED_HOSTS": "gi.liangping.example", "TRACE_SIGNING_KEYS": "k1:abc"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- production defaults ----------------------------------------------------------------------------

ORIGIN = "https://gi.liangping.example"
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SHARED_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://r:6379"}}
MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def production_env(tmp_path, **extra) -> dict:
    static_root = tmp_path / "static"
    static_root.mkdir(exist_ok=True)
    (static_root / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.1.css"}, "version": "1.1"})
    )
    return {
        "SECRET_KEY": "k7#Qp2!vR9zL@m4^xW8$tB1&nF6*hJ3(cD5)gS0-yU_eA+oI=" * 2,
        "ALLOWED_HOSTS": "gi.liangping.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TRACE_SIGNING_KEYS": "k1:" + "s" * 40,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SITE_ORIGIN": ORIGIN,
        "CACHE_URL": "dbcache://lp_cache",
        "STATIC_ROOT": str(static_root),
        **extra,
    }


def deploy_ids(**kwargs) -> set[str]:
    """The ``website.W…`` ids ``check --deploy`` reports (run in this process, test database)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check", deploy=True, stdout=out, stderr=err)
    except SystemCheckError as error:
        err.write(str(error))
    text = out.getvalue() + err.getvalue()
    return {word.strip("():") for word in text.split() if word.strip("():").startswith("website.W")}


@pytest.fixture
def deployed(settings, tmp_path, db):
    """Test settings made to look like a correct deployment; each test breaks one thing."""
    settings.SITE_ORIGIN = ORIGIN
    settings.TRACE_BASE_URL = ""
    settings.CACHES = SHARED_CACHE
    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.1.css"}, "version": "1.1"})
    )
    Site.objects.filter(is_default_site=True).update(hostname="gi.liangping.example", port=443)
    assert deploy_ids() == set()
    return settings


def test_check_deploy_flags_a_per_process_cache(deployed):
    deployed.CACHES = LOCAL_CACHE
    assert deploy_ids() == {"website.W001"}


def test_check_deploy_flags_a_missing_cache_table(deployed):
    deployed.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lp_cache"}}
    assert deploy_ids() == {"website.W005"}
    call_command("createcachetable")
    assert deploy_ids() == set()


def test_check_deploy_flags_a_missing_or_empty_static_manifest(deployed, tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {}}))
    assert deploy_ids() == {"website.W002"}
    (tmp_path / "staticfiles.json").unlink()
    assert deploy_ids() == {"website.W002"}


@pytest.mark.parametrize("hostname", ["localhost", "127.0.0.1", "example.com", "other.example"])
def test_check_deploy_flags_a_default_site_that_is_not_the_public_host(deployed, hostname):
    Site.objects.filter(is_default_site=True).update(hostname=hostname, port=80)
    assert deploy_ids() == {"website.W003"}


@pytest.mark.parametrize(
    ("site_origin", "trace_base_url"),
    [("http://127.0.0.1:8000", ""), (ORIGIN, "http://gi.liangping.example"), (ORIGIN, "https://localhost")],
)
def test_check_deploy_flags_an_http_or_loopback_origin(deployed, site_origin, trace_base_url):
    deployed.SITE_ORIGIN = site_origin
    deployed.TRACE_BASE_URL = trace_base_url
    assert "website.W004" in deploy_ids()


def test_production_documented_sequence_passes_check_deploy(tmp_path):
    env = production_env(tmp_path)
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    base.update({"DJANGO_SETTINGS_MODULE": "website.settings.production", **env})
    for command in (["migrate", "--noinput"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, env=base, check=True, capture_output=True)  # noqa: S603
    result = run_check(env)
    assert "website.W003" in result.stdout + result.stderr  # the Site record still says localhost
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from wagtail.models import Site; "
         "Site.objects.filter(is_default_site=True).update(hostname='gi.liangping.example', port=443)"],
        cwd=BASE_DIR, env=base, check=True, capture_output=True,
    )  # fmt: skip
    result = run_check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"SITE_ORIGIN": ""}, "SITE_ORIGIN"),
        ({"SITE_ORIGIN": "http://gi.liangping.example"}, "SITE_ORIGIN"),
        ({"SITE_ORIGIN": "https://127.0.0.1:8000"}, "SITE_ORIGIN"),
        ({"TRACE_BASE_URL": "http://gi.liangping.example"}, "TRACE_BASE_URL"),
    ],
)
def test_production_refuses_to_start_without_an_https_origin_for_printed_codes(tmp_path, extra, named):
    result = run_check(production_env(tmp_path, **extra))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{named} must be the public https origin" in result.stderr


def test_production_says_at_start_up_that_the_cache_is_per_process(tmp_path):
    result = run_check(production_env(tmp_path, CACHE_URL="locmemcache://"))
    assert result.returncode != 0  # check --deploy --fail-level WARNING: W001
    assert "website.W001" in result.stderr
    # …and the warning is logged when any process starts (gunicorn runs no checks).
    assert "The default cache is per process" in result.stderr.split("System check identified")[0]


def test_demo_data_points_the_default_site_at_the_site_origin(settings, db):
    settings.SITE_ORIGIN = ORIGIN
    call_command("load_demo_data", stdout=io.StringIO(), stderr=io.StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("gi.liangping.example", 443)
    assert site.root_page.get_full_url() == f"{ORIGIN}/"  # what Wagtail's sitemap lists


def test_production_installs_no_development_tools(tmp_path):
    """The benchmark commands (devtools) exist under the dev and test settings only."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "website.settings.production", **production_env(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    commands = set(result.stdout.split())
    assert {"migrate", "issue_codes", "rebuild_search_index"} <= commands
    assert not {name for name in commands if name.startswith("bench_")}
