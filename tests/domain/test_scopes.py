from __future__ import annotations

from mockcar.domain.world.scopes import DEFAULT_SCOPE, RequestedScope


def test_required_prefix_is_stripped_and_remembered() -> None:
    scope = RequestedScope.parse("required:read_odometer read_vin read_vin bogus_scope")
    assert scope.permissions == ("read_odometer", "read_vin")
    assert scope.required == {"read_odometer"}
    assert scope.unknown == ("bogus_scope",)
    assert scope.grantable({"read_vin"}) == ("read_odometer", "read_vin")
    assert scope.grantable(set()) == ("read_odometer",)


def test_no_scope_means_the_application_default() -> None:
    assert RequestedScope.parse(None).permissions == DEFAULT_SCOPE
    assert RequestedScope.parse("   ").permissions == DEFAULT_SCOPE
