"""Production settings refuse to start without their secrets and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "plaidoyer.settings.production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/plaidoyer",
    "ALLOWED_HOSTS": "ch.example.org,fr.example.org,tg.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ADMIN_HOST": "admin.example.org",
    "ALTCHA_HMAC_KEY": "a-production-altcha-key-that-is-long-and-random-0123456789",
}


def manage(*args, env):
    # The test settings allow async-unsafe calls for the browser tests; production must not inherit that.
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_each_required_variable():
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "REDIS_URL", "ADMIN_HOST", "ALTCHA_HMAC_KEY"):
        env = {key: value for key, value in PRODUCTION_ENV.items() if key != name}
        result = manage("check", env=env)
        assert result.returncode != 0
        assert f"Production needs the environment variable {name}." in result.stderr


def test_production_refuses_sqlite():
    result = manage("check", env={**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///tmp/x.db"})
    assert result.returncode != 0
    assert "Production runs on PostgreSQL" in result.stderr


def test_load_demo_refuses_to_run_with_production_settings():
    result = manage("load_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "load_demo does not run with production settings" in result.stderr
    assert "Demo sections ready" not in result.stdout
