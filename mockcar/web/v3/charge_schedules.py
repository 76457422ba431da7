"""API v3 charge schedules (https://smartcar.com/docs/api-reference/commands/overview,
https://smartcar.com/docs/api-reference/charge-schedules/set-daily-charge-schedule):
`POST /v3/vehicles/{id}/charge-schedules/daily|weekly|workweek` and
`DELETE /v3/vehicles/{id}/charge-schedules/{schedule_id}`, answered with a
charge-schedule-execution resource (200 sync, 202 when the World's command policy makes
`charge-schedule-<type>` or `charge-schedule-delete` long-running). They are commands: an
application token with `sc-user-id`, the `control_charge` permission; the schedule shows in
the ChargeTimers signal once the car has it (mockcar.domain.vehicles.charge_schedules)."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from mockcar.domain.vehicles import capabilities, charge_schedules
from mockcar.web.handler import Handler
from mockcar.web.v3 import access
from mockcar.web.v3.commands import attributes_of, check_access, start

BASE = "/charge-schedules"


def _target() -> capabilities.Endpoint:
    found = capabilities.endpoint("POST", "/charge")
    assert found is not None
    return found


def create(schedule_type: str) -> Handler:
    async def handler(request: Request) -> Response:
        found = access.vehicle(request, f"{BASE}/{schedule_type}")
        command_type = f"charge-schedule-{schedule_type}"
        check_access(found, _target(), command_type)
        charge_schedules.require_capable(found.vehicle, schedule_type)
        schedule, parameters = charge_schedules.parse(schedule_type,
                                                      await attributes_of(request))
        vehicle = found.vehicle

        def act(moment: datetime) -> None:
            charge_schedules.add(vehicle, schedule, moment)

        return await start(request, found, command_type, parameters, act, schedule={
            "action": "create", "scheduleType": schedule_type, "scheduleId": schedule.id},
            endpoint=f"{BASE}/{schedule_type}")

    handler.__name__ = handler.__qualname__ = f"set_{schedule_type}_charge_schedule"
    return handler


async def delete_charge_schedule(request: Request) -> Response:
    found = access.vehicle(request, BASE)
    check_access(found, _target(), "charge-schedule-delete")
    vehicle = found.vehicle
    schedule = charge_schedules.find(vehicle, str(request.path_params["schedule_id"]))

    def act(moment: datetime) -> None:
        charge_schedules.remove(vehicle, schedule.id, moment)

    return await start(request, found, "charge-schedule-delete", {}, act, schedule={
        "action": "delete", "scheduleType": schedule.schedule_type,
        "scheduleId": schedule.id}, endpoint=BASE)


ENDPOINTS: dict[tuple[str, str], Handler] = {
    **{("POST", f"{BASE}/{kind}"): create(kind) for kind in charge_schedules.SCHEDULE_TYPES},
    ("DELETE", BASE + "/{schedule_id}"): delete_charge_schedule,
}
