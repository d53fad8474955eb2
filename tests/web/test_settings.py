"""Settings: every one documented and defaulted, all settable from MODELGRAPH_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from modelgraph.settings import Settings, settings_table


def test_every_setting_has_a_default_and_a_description():
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 15, name
        assert not field.is_required(), name
    Settings()  # all defaults are valid


def test_the_settings_table_lists_every_environment_variable():
    table = settings_table()
    for name in Settings.model_fields:
        assert f"`MODELGRAPH_{name.upper()}`" in table


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MODELGRAPH_QUERY_TIMEOUT_S", "2.5")
    monkeypatch.setenv("MODELGRAPH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MODELGRAPH_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("MODELGRAPH_ADMIN_TOKEN", "hunter2")
    monkeypatch.setenv("MODELGRAPH_ALLOW_SERVICE_CALLS", "true")
    settings = Settings()
    assert settings.query_timeout_s == 2.5
    assert settings.data_dir == Path(tmp_path)
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.allow_service_calls is True
    assert settings.admin_token.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(settings)


def test_a_store_url_from_the_environment_chooses_a_triplestore(monkeypatch):
    assert Settings().store_url is None
    monkeypatch.setenv("MODELGRAPH_STORE_URL", "http://127.0.0.1:7878")
    assert Settings().store_url == "http://127.0.0.1:7878"
    monkeypatch.setenv("MODELGRAPH_STORE_URL", "")
    assert Settings().store_url is None


def test_cors_origins_also_accept_a_json_list(monkeypatch):
    monkeypatch.setenv("MODELGRAPH_CORS_ORIGINS", '["*"]')
    assert Settings().cors_origins == ["*"]


def test_the_defaults_are_safe():
    settings = Settings()
    assert settings.host == "127.0.0.1"
    assert settings.allow_service_calls is False
    assert settings.admin_token is None
    assert settings.cors_origins == []


@pytest.mark.parametrize(
    "name, value", [("port", -1), ("query_timeout_s", 0), ("workers", 0), ("log_format", "xml"),
                    ("store_url", "/var/lib/modelgraph")]
)
def test_an_invalid_setting_is_refused_naming_it(name, value):
    with pytest.raises(ValidationError, match=name):
        Settings(**{name: value})
