"""The application under test in the README's pytest example: a fleet dashboard's
backend, written against the official Smartcar Python SDK as any app would be. Nothing
here knows about mockcar."""

from __future__ import annotations

from dataclasses import dataclass

import smartcar

SCOPE = ["read_vehicle_info", "read_battery", "read_security", "control_security"]


@dataclass
class Session:
    access_token: str
    refresh_token: str


def login(client: smartcar.AuthClient, code: str) -> Session:
    """The redirect handler: trade Connect's code for tokens."""
    access = client.exchange_code(code)
    return Session(access.access_token, access.refresh_token)


def refresh(client: smartcar.AuthClient, session: Session) -> Session:
    access = client.exchange_refresh_token(session.refresh_token)
    return Session(access.access_token, access.refresh_token)


def low_battery(session: Session, threshold: float = 0.2) -> list[str]:
    """The electric vehicles below `threshold`, skipping the ones that cannot say
    (a combustion car, a car that is asleep)."""
    low = []
    for vehicle_id in smartcar.get_vehicles(session.access_token).vehicles:
        vehicle = smartcar.Vehicle(vehicle_id, session.access_token)
        try:
            level = vehicle.battery().percent_remaining
        except smartcar.SmartcarException as error:
            if error.type in ("COMPATIBILITY", "VEHICLE_STATE"):
                continue
            raise
        if level < threshold:
            low.append(vehicle_id)
    return low


def lock_everything(session: Session) -> dict[str, str]:
    """Lock every vehicle; what happened to each (`locked`, or the error code)."""
    outcome = {}
    for vehicle_id in smartcar.get_vehicles(session.access_token).vehicles:
        try:
            smartcar.Vehicle(vehicle_id, session.access_token).lock()
            outcome[vehicle_id] = "locked"
        except smartcar.SmartcarException as error:
            outcome[vehicle_id] = str(error.code)
    return outcome
