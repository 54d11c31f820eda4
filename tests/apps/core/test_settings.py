import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _run_check(tmp_path, extra_env):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jinxiu.config.settings.production",
           "JINXIU_SECRET_KEY": "x" * 20 + "-production-like-secret-with-entropy-9f8e7d6c5b4a",
           "JINXIU_ALLOWED_HOSTS": "jinxiu.example.org", "JINXIU_VAR_DIR": str(tmp_path),
           **extra_env}
    env.pop("JINXIU_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixture
    return subprocess.run(
        [sys.executable, "-m", "jinxiu.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=REPO, timeout=120)


def test_production_profile_passes_check_deploy_without_warnings(tmp_path):
    result = _run_check(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked(tmp_path):
    result = _run_check(tmp_path, {"DJANGO_SETTINGS_MODULE": "jinxiu.config.settings.base"})
    assert "DEBUG" not in result.stdout  # security.W018 would name DEBUG


def test_secret_key_is_generated_once_into_var(tmp_path, monkeypatch):
    from jinxiu.config import env

    monkeypatch.delenv("JINXIU_SECRET_KEY", raising=False)
    monkeypatch.setenv("JINXIU_VAR_DIR", str(tmp_path))
    first = env.secret_key()
    assert len(first) > 50 and first == env.secret_key()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_bad_environment_values_are_named(monkeypatch):
    import pytest

    from jinxiu.config import env

    monkeypatch.setenv("JINXIU_DEBUG", "maybe")
    with pytest.raises(ValueError, match="JINXIU_DEBUG"):
        env.env_bool("JINXIU_DEBUG")


def test_models_and_migrations_agree():
    result = subprocess.run(
        [sys.executable, "-m", "jinxiu.cli", "makemigrations", "--check", "--dry-run"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jinxiu.config.settings.test"},
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, "run makemigrations: " + result.stdout
