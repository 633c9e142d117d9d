"""The guard of the host executor's patches (patches.py): each names the LocalStack release
it was written for and the members it changes; ``apply_patches`` applies all the wanted ones,
or none: on another release none, with a warning; on that release, a missing member fails
LocalStack's start naming each one, instead of a patch that silently does nothing."""

import importlib
import importlib.metadata
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .settings import HostSettings

LOG = logging.getLogger(__name__)

# The LocalStack release whose source these patches were written against and tested with.
LOCALSTACK_VERSION = "4.13.1"


class PatchTargetMissing(RuntimeError):
    """What a patch changes is not in this LocalStack."""


@dataclass(frozen=True)
class Target:
    """A member of LocalStack a patch changes: ``module``, then ``path`` ("Class.method")."""

    module: str
    path: str
    # Parameters the patch passes or reads by name.
    params: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.module}.{self.path}"


def resolve(target: Target) -> Any:
    """The member, or PatchTargetMissing naming what is missing."""
    try:
        found: Any = importlib.import_module(target.module)
    except ImportError as e:
        raise PatchTargetMissing(f"{target}: module {target.module} not importable ({e})") from e
    for part in target.path.split("."):
        if not hasattr(found, part):
            raise PatchTargetMissing(f"{target}: no attribute {part!r}")
        found = getattr(found, part)
    if target.params:
        try:
            parameters = inspect.signature(found).parameters
        except (TypeError, ValueError) as e:
            raise PatchTargetMissing(f"{target}: not a function ({e})") from e
        missing = [p for p in target.params if p not in parameters]
        if missing:
            raise PatchTargetMissing(f"{target}: no parameter {', '.join(missing)}")
    return found


@dataclass(frozen=True)
class HostPatch:
    name: str
    targets: tuple[Target, ...]
    # Applies the patch, given the settings and the resolved targets (in the order of
    # `targets`); returns the
    # localstack.utils.patch.Patch objects it applied (tests undo them).
    apply: Callable[..., list]
    wanted: Callable[[HostSettings], bool]


def installed_localstack_version() -> str:
    try:
        return importlib.metadata.version("localstack-core")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def apply_patches(version: str, host: HostSettings, patches: tuple[HostPatch, ...]) -> list:
    """Applies the wanted patches, all or none; returns the applied Patch objects."""
    wanted = [p for p in patches if p.wanted(host)]
    if not wanted:
        return []
    if version != LOCALSTACK_VERSION:
        LOG.warning(
            "host executor patches: written for LocalStack %s, this is %s: none applied (%s)",
            LOCALSTACK_VERSION, version, ", ".join(p.name for p in wanted),
        )
        return []
    resolved: list[tuple[HostPatch, list]] = []
    missing: list[str] = []
    for p in wanted:
        try:
            resolved.append((p, [resolve(t) for t in p.targets]))
        except PatchTargetMissing as e:
            missing.append(f"{p.name}: {e}")
    if missing:
        message = "host executor patches: LocalStack lacks what they patch: " + "; ".join(missing)
        LOG.error("%s", message)
        raise PatchTargetMissing(message)
    applied: list = []
    for p, members in resolved:
        applied.extend(p.apply(host, *members))
        LOG.info("host executor patch applied: %s", p.name)
    return applied

