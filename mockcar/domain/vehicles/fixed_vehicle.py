"""Smartcar's fixed v3 test vehicle: the id and bearer token the official SDKs' end-to-end
tests send to https://vehicle.api.smartcar.com (node-sdk `test/end-to-end/v3`), which
Smartcar answers with plausible data for any application.

mockcar serves it in every World, whatever the scenario: `GET /v3/vehicles/{id}`,
`/signals` and `/signals/{code}` with `Authorization: Bearer test-data-token`. Smartcar
does not say which car it is; mockcar makes it a parked, plugged-in 2022 Tesla Model 3
(a car with every battery and charge signal), built afresh for each request from fixed
values, so no World state changes and every read agrees with the one before.
"""

from __future__ import annotations

from datetime import datetime

from mockcar.domain.vehicles.vehicle import Location, Powertrain, Region, Vehicle, VehicleState

VEHICLE_ID = "tst2e255-d3c8-4f90-9fec-e6e68b98e9cb"
ACCESS_TOKEN = "test-data-token"
VIN = "5YJ3E1EA7NF000001"


def vehicle(now: datetime) -> Vehicle:
    """The fixed test vehicle as it reads at `now` (its data is from `now`)."""
    state = VehicleState(
        odometer_km=32_874.6, location=Location(37.4292, -122.1381), locked=True,
        battery_level=0.62, plugged_in=True, charging=True, charge_limit=0.8,
        cabin_target_c=21.0,
    )
    return Vehicle(
        id=VEHICLE_ID, make="TESLA", model="Model 3", year=2022, vin=VIN,
        powertrain=Powertrain.BEV, region=Region.US, state=state, updated_at=now,
        battery_capacity_kwh=75.0, range_km_full=568.0,
    )
