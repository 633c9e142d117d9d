"""The Host check of LocalStack's gateway in host mode (host_guard.py): the shared table of the
local clouds' guards (tests/fixtures/guard-hosts.json, also read by common/http-guard.test.ts),
LocalStack's own names, the setting, and the handler in a real rolo handler chain."""

import json
from pathlib import Path

import pytest
from localstack.aws.api import RequestContext
from localstack.aws.chain import HandlerChain
from localstack.http import Request, Response

from localstack_host_executor import host_guard
from localstack_host_executor import settings as settings_module
from localstack_host_executor.settings import HostSettingError, load_settings

CASES = json.loads(
    (Path(__file__).parents[3] / "tests" / "fixtures" / "guard-hosts.json").read_text()
)


@pytest.mark.parametrize("host", CASES["allowed"])
def test_lets_loopback_hosts_through(host):
    assert host_guard.is_allowed_host(host)


@pytest.mark.parametrize("host", CASES["refused"])
def test_refuses_foreign_hosts(host):
    assert not host_guard.is_allowed_host(host)


@pytest.mark.parametrize(
    "host",
    [
        "localhost.localstack.cloud:4566",
        "dockercoins-site.s3-website.localhost.localstack.cloud:4566",
        "sqs.us-east-1.localhost.localstack.cloud:4566",
    ],
)
def test_lets_localstacks_own_names_through(host):
    assert host_guard.is_allowed_host(host)


@pytest.mark.parametrize(
    "host", ["localstack.cloud", "evil.localstack.cloud:4566", "localhost.localstack.cloud.evil.example"]
)
def test_refuses_lookalikes_of_localstacks_names(host):
    assert not host_guard.is_allowed_host(host)


def test_no_host_header_passes():
    assert host_guard.is_allowed_host(None)


def test_allowed_hosts_setting():
    extra = load_settings({"LOCAL_ALLOWED_HOSTS": "Devbox.lan, .example.test"}).allowed_hosts
    assert extra == ("devbox.lan", ".example.test")
    assert host_guard.is_allowed_host("devbox.lan:4566", extra)
    assert host_guard.is_allowed_host("a.example.test", extra)
    assert not host_guard.is_allowed_host("a.devbox.lan", extra)
    with pytest.raises(HostSettingError, match="LOCAL_ALLOWED_HOSTS"):
        load_settings({"LOCAL_ALLOWED_HOSTS": "http://devbox.lan"})


def _run_chain(host: str):
    reached = []
    chain = HandlerChain(
        request_handlers=[host_guard.guard_host, lambda chain, context, response: reached.append(True)],
        response_handlers=[lambda chain, context, response: reached.append("response handler")],
    )
    context = RequestContext(Request("POST", "/", headers={"Host": host, "Origin": "http://x"}))
    response = Response()
    chain.handle(context, response)
    return response, reached


def test_the_handler_refuses_before_any_other_runs(monkeypatch):
    monkeypatch.setattr(settings_module, "_loaded", load_settings({}))
    response, reached = _run_chain("evil.example:4566")
    assert response.status_code == 403
    assert reached == []  # neither the next request handler nor the response handlers (CORS)
    assert "access-control-allow-origin" not in response.headers
    body = json.loads(response.data)
    assert "LOCAL_ALLOWED_HOSTS" in body["error"] and "evil.example:4566" in body["error"]


def test_the_handler_lets_loopback_through(monkeypatch):
    monkeypatch.setattr(settings_module, "_loaded", load_settings({}))
    response, reached = _run_chain("127.0.0.1:4566")
    assert reached == [True, "response handler"]
    assert response.status_code == 200
