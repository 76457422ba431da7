"""The domain's refusals form one hierarchy (mockcar.errors) and carry a kind, never an
HTTP status; the web layer's one table gives every kind a status."""

from __future__ import annotations

import pytest

from mockcar.domain.connect.flow import StepError
from mockcar.domain.connect.headless import SignInRefused
from mockcar.domain.vehicles.overrides import OverrideError
from mockcar.domain.webhooks.receiver_url import WebhookURLError
from mockcar.domain.webhooks.subscriptions import ManagementError
from mockcar.domain.world.clock import ClockRangeError
from mockcar.domain.world.faults import FaultError
from mockcar.domain.world.tenants import ScenarioRejected, TenantLimitReached
from mockcar.domain.world.world import LoginError
from mockcar.errors import DomainError, Kind
from mockcar.web import error_status

REFUSALS = [
    ManagementError(Kind.CONFLICT, "already subscribed"),
    LoginError("Incorrect email or password."),
    TenantLimitReached(3),
    ScenarioRejected(["no such scenario"]),
    ClockRangeError("out of range"),
    FaultError("bad time"),
    OverrideError({"odometer": "must be a number"}),
    WebhookURLError("must be an absolute http(s) URL"),
    StepError("Choose at least one vehicle."),
    SignInRefused("Incorrect email or password."),
]


@pytest.mark.parametrize("error", REFUSALS, ids=lambda e: type(e).__name__)
def test_each_domain_refusal_is_a_domain_error_without_a_status(error: DomainError) -> None:
    assert isinstance(error, DomainError)
    assert isinstance(error.kind, Kind)
    assert not hasattr(error, "status")
    assert str(error)  # the explanation a client reads


def test_every_kind_has_one_status() -> None:
    assert set(error_status.STATUS) == set(Kind)
    assert error_status.status(ManagementError(Kind.NOT_FOUND, "no such webhook")) == 404
    assert error_status.status(TenantLimitReached(3)) == 429
    assert error_status.status(LoginError("nope")) == 401
    assert error_status.status(SignInRefused("nope")) == 401
    assert error_status.status(StepError("nope")) == 400


def test_value_errors_stay_value_errors() -> None:
    # Callers that catch ValueError (the scenario loader's fault rules) keep working.
    assert isinstance(FaultError("bad"), ValueError)
    assert isinstance(ClockRangeError("bad"), ValueError)
