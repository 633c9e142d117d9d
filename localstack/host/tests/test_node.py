"""Which node runs a nodejs<major>.x function (node.py): the per-major setting, the cache of
the registry's node packages, PATH, then the fallback with a warning. Stand-in node binaries
are shell scripts that print a version; the last test runs a real runtime through one."""

import logging
import os
from pathlib import Path

import pytest

from localstack.services.lambda_.invocation.runtime_executor import LambdaRuntimeException
from localstack_host_executor import node as node_module
from localstack_host_executor.node import cached_node, choose_node, node_for
from localstack_host_executor.settings import load_settings


def fake_node(path: Path, version: str, real: str | None = None) -> str:
    """A `node` that prints `version`, and runs the real node for anything else."""
    path.parent.mkdir(parents=True, exist_ok=True)
    run = f'exec "{real}" "$@"' if real else "exit 1"
    path.write_text(f'#!/bin/sh\nif [ "$1" = --version ]; then echo {version}; exit 0; fi\n{run}\n')
    path.chmod(0o755)
    return str(path)


def in_cache(cache: Path, folder: str, version: str, real: str | None = None) -> str:
    return fake_node(cache / folder / "node_modules" / ".bin" / "node", version, real)


@pytest.fixture(autouse=True)
def fresh_versions(monkeypatch):
    monkeypatch.setattr(node_module, "_VERSIONS", {})
    monkeypatch.setattr(node_module, "_CHOSEN", {})


def test_the_newest_cached_install_of_the_major_wins(tmp_path):
    cache = tmp_path / "cache"
    in_cache(cache, "node24-24.9.0", "v24.9.0")
    newest = in_cache(cache, "node24-24.21.0", "v24.21.0")
    in_cache(cache, "node26-26.1.0", "v26.1.0")
    (cache / "node24-24.30.0").mkdir()  # no binary in it: not an install
    (cache / "localstack-py313-abc").mkdir()
    assert cached_node(cache, "24") == Path(newest)
    assert cached_node(cache, "22") is None
    assert cached_node(tmp_path / "absent", "24") is None
    host = load_settings({"LAMBDA_HOST_NODE_CACHE": str(cache)})
    choice = choose_node("24", host, which=lambda _: None)
    assert (choice.path, choice.version, choice.source) == (newest, "v24.21.0", "cache")


def test_the_per_major_setting_comes_first_and_must_exist(tmp_path):
    cache = tmp_path / "cache"
    in_cache(cache, "node24-24.21.0", "v24.21.0")
    mine = fake_node(tmp_path / "mine" / "node", "v24.1.0")
    host = load_settings({"LAMBDA_HOST_NODE_CACHE": str(cache), "LAMBDA_HOST_NODE_BIN_24": mine})
    assert choose_node("24", host).source == "LAMBDA_HOST_NODE_BIN_24"
    missing = load_settings({"LAMBDA_HOST_NODE_BIN_24": str(tmp_path / "nope")})
    with pytest.raises(LambdaRuntimeException, match="LAMBDA_HOST_NODE_BIN_24=.* does not exist"):
        choose_node("24", missing)


def test_path_when_its_major_matches_else_the_fallback(tmp_path):
    on_path = fake_node(tmp_path / "bin" / "node", "v24.3.0")
    default = fake_node(tmp_path / "default" / "node", "v20.20.2")
    host = load_settings({"LAMBDA_HOST_NODE_BIN": default})
    assert choose_node("24", host, which=lambda _: on_path).source == "PATH"
    fallback = choose_node("22", host, which=lambda _: on_path)
    assert (fallback.path, fallback.source, fallback.major) == (default, "fallback", "20")
    with pytest.raises(LambdaRuntimeException, match="no node binary"):
        choose_node("22", load_settings({}), which=lambda _: None)


def test_the_choice_is_logged_once_per_major_a_fallback_as_a_warning(host_settings, caplog, node_bin):
    caplog.set_level(logging.INFO, logger="localstack_host_executor.node")
    first = node_for("nodejs24.x")
    assert node_for("nodejs24.x") is first
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "no Node 24 found" in message
    assert f"nodejs24.x functions run on node {first.version} ({node_bin})" in message
    assert "npm install --prefix" in message and "node@24" in message


def test_a_function_runs_on_the_cached_node_of_its_major(host_settings, environments, tmp_path, node_bin, caplog):
    cache = tmp_path / "node-cache"
    wrapper = in_cache(cache, "node24-24.21.0", "v24.21.0", real=node_bin)
    host_settings({"LAMBDA_HOST_NODE_CACHE": str(cache)})
    caplog.set_level(logging.INFO, logger="localstack_host_executor.node")
    executor = environments("index.echo", runtime="nodejs24.x")
    assert executor.process.popen.args[0] == wrapper
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert f"nodejs24.x functions run on node v24.21.0 ({wrapper}, from cache)" in caplog.text
    assert os.path.exists(wrapper)
