"""The guards of patches.py against the installed LocalStack: every member a patch changes
exists (a contract test of LocalStack 4.13.1), a missing one fails loudly and applies nothing,
another LocalStack version applies nothing and says so. Patches applied here are undone."""

import logging

import pytest

from localstack.services.apigateway.legacy.provider import ApigatewayProvider
from localstack.services.lambda_.invocation import version_manager
from localstack_host_executor.patch_guard import (
    LOCALSTACK_VERSION,
    HostPatch,
    PatchTargetMissing,
    Target,
    apply_patches,
    installed_localstack_version,
    resolve,
)
from localstack_host_executor.patches import PATCHES
from localstack_host_executor.settings import load_settings

ALL_ON = load_settings({"HOST_EXECUTOR_SQS_ESM_CONCURRENCY": "4", "HOST_EXECUTOR_LAMBDA_METRICS": "0"})


@pytest.fixture
def undo():
    applied: list = []
    yield applied
    for p in reversed(applied):
        p.undo()


def test_written_for_the_installed_localstack():
    assert installed_localstack_version() == LOCALSTACK_VERSION == "4.13.1"


@pytest.mark.parametrize("target", [t for p in PATCHES for t in p.targets], ids=str)
def test_every_member_a_patch_changes_exists(target):
    assert resolve(target) is not None


def test_a_missing_member_module_or_parameter_is_named():
    provider = "localstack.services.apigateway.legacy.provider"
    with pytest.raises(PatchTargetMissing, match=r"ApigatewayProvider.get_stagez: no attribute 'get_stagez'"):
        resolve(Target(provider, "ApigatewayProvider.get_stagez"))
    with pytest.raises(PatchTargetMissing, match="module localstack.services.nope not importable"):
        resolve(Target("localstack.services.nope", "Thing"))
    with pytest.raises(PatchTargetMissing, match="no parameter stage_id"):
        resolve(Target(provider, "ApigatewayProvider.get_stages", ("deployment_id", "stage_id")))


def test_all_patches_apply_and_change_what_they_name(undo):
    stock_get_stages = ApigatewayProvider.get_stages
    stock_metric = version_manager.record_cw_metric_invocation
    undo.extend(apply_patches(LOCALSTACK_VERSION, ALL_ON, PATCHES))
    assert len(undo) == 8
    assert ApigatewayProvider.get_stages is not stock_get_stages
    assert version_manager.record_cw_metric_invocation is not stock_metric
    for p in reversed(undo):
        p.undo()
    undo.clear()
    assert ApigatewayProvider.get_stages is stock_get_stages
    assert version_manager.record_cw_metric_invocation is stock_metric


def test_patches_off_leaves_the_two_fixes_out_and_still_counts_throttles(undo):
    stock = ApigatewayProvider.get_stages
    stock_invoke = version_manager.LambdaVersionManager.invoke
    undo.extend(apply_patches(LOCALSTACK_VERSION, load_settings({"HOST_EXECUTOR_PATCHES": "0"}), PATCHES))
    assert len(undo) == 1
    assert ApigatewayProvider.get_stages is stock
    assert version_manager.LambdaVersionManager.invoke is not stock_invoke


def test_another_localstack_version_applies_nothing_and_says_so(undo, caplog):
    stock = ApigatewayProvider.get_stages
    undo.extend(apply_patches("4.14.0", ALL_ON, PATCHES))
    assert undo == []
    assert ApigatewayProvider.get_stages is stock
    assert "written for LocalStack 4.13.1, this is 4.14.0: none applied" in caplog.text


def test_a_missing_member_fails_loudly_and_applies_none(undo, caplog):
    broken = HostPatch(
        "renamed upstream",
        (Target("localstack.services.apigateway.legacy.provider", "ApigatewayProvider.get_stagez"),),
        lambda host, member: pytest.fail("must not be applied"),
        lambda host: True,
    )
    stock = ApigatewayProvider.get_stages
    with pytest.raises(PatchTargetMissing, match="renamed upstream: .*get_stagez"):
        undo.extend(apply_patches(LOCALSTACK_VERSION, ALL_ON, (PATCHES[0], broken)))
    assert ApigatewayProvider.get_stages is stock
    assert any(r.levelno == logging.ERROR and "get_stagez" in r.getMessage() for r in caplog.records)
