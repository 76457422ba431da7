"""The collection's "Setup (headless)" folder: vehicles for this run, then a token.

Newman cannot click through Connect, and make-specific endpoints answer only for a car of
their make, which a scenario may lack. So the folder, through the control API and as the
demo application (HTTP Basic, its client id and secret):

1. adds one vehicle per role below to a fresh test-mode owner (`postman-<time>@…`, chosen
   by the first request's pre-request script, so runs never share vehicles or grants and
   nothing the scenario already holds is touched), storing each id in the environment;
2. completes Connect headlessly with the token exchange (`POST /_mockcar/applications/
   {client_id}/connect`, `exchange: true`, mockcar.web.control.connect), storing
   `access_token`, `refresh_token` and `user_id`.

Which vehicle a request targets is decided here from the capability table
(mockcar.domain.vehicles.capabilities): the first role whose car can answer the endpoint. The
everyday car is first, a US plug-in hybrid of a make with service history, so it answers
every general endpoint but diagnostics (GM and FCA only: the Chevrolet does).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from mockcar.domain.vehicles import capabilities
from mockcar.web.control.operations import APPLICATION_PREFIX
from mockcar.web.docs.postman.model import Call, basic

# Below /_mockcar: the demo application's own control API, as that application.
DEMO_PREFIX = APPLICATION_PREFIX.replace("{client_id}", "{{client_id}}")
DEMO_AUTH = basic("{{client_id}}", "{{client_secret}}")
OWNER_DOMAIN = "example.com"


BRAND_NAMES = {"bmw": "BMW", "mini": "MINI"}


def brand(make: str) -> str:
    """A make as folder and request names spell it: `tesla` -> `Tesla`, `bmw` -> `BMW`."""
    return BRAND_NAMES.get(make, make.title())


@dataclass(frozen=True)
class SetupVehicle:
    """A car the setup adds: `variable` is the environment variable holding its id;
    `fields` a scenario vehicle (scenarios/default.yaml documents the keys)."""

    variable: str
    fields: MappingProxyType[str, Any]

    @property
    def make(self) -> str:
        return str(self.fields["make"])

    @property
    def region(self) -> str:
        return str(self.fields.get("region", "US"))

    @property
    def powertrain(self) -> str:
        return str(self.fields["powertrain"])

    @property
    def test_level(self) -> str | None:
        return None

    @property
    def label(self) -> str:
        return f"{brand(self.make.lower())} {self.fields['model']}"


def _car(variable: str, make: str, model: str, year: int, powertrain: str,
         **extra: Any) -> SetupVehicle:
    fields = {"make": make, "model": model, "year": year, "powertrain": powertrain,
              "region": "US", **extra}
    if powertrain in ("BEV", "PHEV"):
        # Plugged in and charging, half full below a 90% limit: the meters (/charge/
        # ammeter, voltmeter, completion) answer only while a cable is in, and a start
        # is refused at the limit. What is left out is drawn from the owner's email,
        # which differs per run.
        fields = {"plugged_in": True, "charging": True, "charge_limit": 0.9, **fields,
                  "battery": {"level": 0.5, **extra.get("battery", {})}}
    return SetupVehicle(variable, MappingProxyType(fields))


EVERYDAY = _car("vehicle_id", "TOYOTA", "RAV4 Prime", 2023, "PHEV", charging=False)
# One car per make with make-specific endpoints. A make missing here gets a
# generic electric car of that make (`make_vehicle`).
MAKE_CARS: dict[str, SetupVehicle] = {
    car.make.lower(): car for car in (
        _car("vehicle_id_tesla", "TESLA", "Model 3", 2022, "BEV"),
        _car("vehicle_id_chevrolet", "CHEVROLET", "Bolt EV", 2022, "BEV"),
        _car("vehicle_id_cadillac", "CADILLAC", "LYRIQ", 2024, "BEV",
             battery={"capacity": 102}),
        _car("vehicle_id_bmw", "BMW", "i4", 2023, "BEV"),
        _car("vehicle_id_mini", "MINI", "Cooper SE", 2022, "BEV", battery={"capacity": 32.6}),
        _car("vehicle_id_ford", "FORD", "Mustang Mach-E", 2023, "BEV"),
        # Lincoln sells plug-in hybrids, not electric cars.
        _car("vehicle_id_lincoln", "LINCOLN", "Aviator Grand Touring", 2023, "PHEV",
             battery={"capacity": 13.6}, fuel={"capacity": 75}),
        _car("vehicle_id_nissan", "NISSAN", "LEAF", 2022, "BEV"),
        _car("vehicle_id_audi", "AUDI", "e-tron", 2022, "BEV"),
    )
}
# Cars the Management folder gives up: one disconnected by its owner's token
# (DELETE /vehicles/{id}/application), one by the management token.
TO_DISCONNECT = _car("vehicle_id_to_disconnect", "TOYOTA", "Camry", 2023, "HEV")
TO_DELETE = _car("vehicle_id_to_delete", "TOYOTA", "Prius", 2022, "HEV")


def make_vehicle(make: str) -> SetupVehicle:
    """The car the setup adds for make-specific endpoints of `make` (lower case)."""
    found = MAKE_CARS.get(make)
    if found is not None:
        return found
    return _car(f"vehicle_id_{make}", make.upper(), f"{make.title()} EV", 2024, "BEV",
                battery={"capacity": 75})


def vehicles() -> tuple[SetupVehicle, ...]:
    """Every car the setup adds, in the order the owner gets them (the everyday car
    first: "All Vehicles" stores the first id as `vehicle_id`)."""
    makes = sorted(capabilities.BRAND_SEGMENTS)
    return (EVERYDAY, *(make_vehicle(make) for make in makes), TO_DISCONNECT, TO_DELETE)


def vehicle_for(target: capabilities.Endpoint) -> SetupVehicle | None:
    """The first setup car that can answer `target`, or None."""
    for car in vehicles():
        if car in (TO_DISCONNECT, TO_DELETE):
            continue
        if capabilities.reason(car, target) is None:
            return car
    return None


FRESH_OWNER = (
    "// A fresh test-mode owner per run: runs never share vehicles or grants.",
    f'pm.environment.set("owner_email", "postman-" + Date.now() + "@{OWNER_DOMAIN}");',
)


def calls() -> list[Call]:
    """The setup folder's requests, in order."""
    result: list[Call] = []
    for index, car in enumerate(vehicles()):
        save = [(car.variable, "body.id")]
        if car is EVERYDAY:
            save.append(("vin", "body.vin"))
        result.append(Call(
            name=f"Add {car.label} ({car.variable})",
            method="POST", path=DEMO_PREFIX + "/vehicles", status=201, key="id",
            body={"owner": "{{owner_email}}", "vehicle": dict(car.fields)},
            auth=DEMO_AUTH, save=tuple(save),
            prerequest=FRESH_OWNER if index == 0 else (),
            description="Adds a car to this run's owner through the control API "
            "(`POST /_mockcar/applications/{client_id}/vehicles`), as a scenario would.",
            route=("POST", APPLICATION_PREFIX + "/vehicles"),
        ))
    count = len(vehicles())
    result.append(Call(
        name="Get an access token (headless Connect)",
        method="POST", path=DEMO_PREFIX + "/connect", key="access_token",
        body={"email": "{{owner_email}}", "exchange": True}, auth=DEMO_AUTH,
        save=(("access_token", "body.access_token"), ("refresh_token", "body.refresh_token"),
              ("user_id", "body.user_id")),
        checks=(f'pm.test("connects all {count} cars", function () {{',
                f"    pm.expect(pm.response.json().vehicles).to.have.lengthOf({count});",
                "});"),
        description="Connect in test mode without the pages, then the code redeemed at "
        "the token endpoint: what Postman's Get New Access Token does through a browser. "
        "Every permission is granted.",
        route=("POST", APPLICATION_PREFIX + "/connect"),
    ))
    return result
