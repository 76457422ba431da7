"""JSON Schemas of every body mockcar answers with, by component name (the document's
`components.schemas`). They describe the wire shapes written in `mockcar.wire.v2.vehicle_responses*`,
`mockcar.web.errors` and `mockcar.oauth.server` (Smartcar's pages for each: the endpoint's
under https://smartcar.com/docs/api-reference/, https://smartcar.com/docs/api-reference/api-errors);
the test suite checks every response it sees against them.
Objects are closed (`additionalProperties: false`), so a renamed field cannot drift.
"""

from __future__ import annotations

from mockcar.web.docs.openapi.model import (
    ANY,
    BOOLEAN,
    FRACTION,
    INTEGER,
    NUMBER,
    STRING,
    TIMESTAMP,
    Schema,
    array,
    enum,
    nullable,
    obj,
    ref,
)

CHARGE_STATE = enum("CHARGING", "FULLY_CHARGED", "NOT_CHARGING")
OPENING = obj(type=STRING, status=enum("OPEN", "CLOSED", "UNKNOWN"))
SWITCH = enum("ON", "OFF")
WINDOW = obj(start=STRING, end=STRING)
ID = {"type": ["string", "integer", "null"]}
CAPABILITY_REASON = {"enum": ["VEHICLE_NOT_CAPABLE", "SMARTCAR_NOT_CAPABLE", None]}
HEADERS = {"type": "object", "additionalProperties": STRING}

COMMON: dict[str, Schema] = {
    "Error": {"anyOf": [ref("ErrorV2"), ref("ErrorV1")],
              "description": "The v2 envelope; the legacy v1 shape on /v1.x/ paths."},
    "ErrorV2": obj(
        {"suggestedUserMessage": STRING},
        type=STRING, code=nullable(STRING), description=STRING, docURL=STRING,
        statusCode=INTEGER, requestId=STRING,
        resolution=obj({"url": nullable(STRING)}, type=nullable(STRING)),
        detail=nullable(array(ANY)),
    ),
    "ErrorV1": obj(error=STRING, message=STRING, code=nullable(STRING), statusCode=INTEGER,
                   requestId=STRING),
    "Action": obj(status=enum("success"), message=STRING),
    "Status": obj(status=enum("success")),
    "Paging": obj(count=INTEGER, offset=INTEGER),
    "User": obj(id=STRING),
    "Vehicles": obj(vehicles=array(STRING), paging=ref("Paging")),
    "Token": obj(access_token=STRING, token_type=enum("Bearer"), expires_in=INTEGER,
                 refresh_token=STRING),
    "OAuthError": obj({"error_uri": STRING, "state": STRING},
                      error=STRING, error_description=STRING),
    "OpenAPI": {"type": "object", "required": ["openapi", "info", "paths"]},
}

VEHICLE: dict[str, Schema] = {
    "Attributes": obj(id=STRING, make=STRING, model=STRING, year=INTEGER),
    "Vin": obj(vin={"type": "string", "pattern": "^[A-Z0-9]{17}$"}),
    "Permissions": obj(permissions=array(STRING), paging=ref("Paging")),
    "Odometer": obj(distance=NUMBER),
    "Location": obj(latitude=NUMBER, longitude=NUMBER),
    "Battery": obj(percentRemaining=FRACTION, range=NUMBER),
    "BatteryCapacity": obj(capacity=NUMBER),
    "NominalCapacity": obj(
        availableCapacities=array(obj(capacity=NUMBER, description=nullable(STRING))),
        capacity=nullable(obj(nominal=NUMBER, source=enum("USER_SELECTED", "SMARTCAR"))),
        url=nullable(STRING),
    ),
    "Fuel": obj(amountRemaining=nullable(NUMBER), percentRemaining=nullable(FRACTION),
                range=nullable(NUMBER)),
    "Charge": obj(isPluggedIn=BOOLEAN, state=CHARGE_STATE),
    "ChargeLimit": obj(limit=FRACTION),
    "EngineOil": obj(lifeRemaining=FRACTION),
    "TirePressure": obj(frontLeft=NUMBER, frontRight=NUMBER, backLeft=NUMBER,
                        backRight=NUMBER),
    "LockStatus": obj(isLocked=BOOLEAN, doors=array(OPENING), windows=array(OPENING),
                      sunroof=array(OPENING), storage=array(OPENING),
                      chargingPort=array(OPENING)),
    "ServiceHistory": array(obj(
        serviceId=ID, serviceDate=TIMESTAMP, odometerDistance=NUMBER,
        serviceTasks=array(obj(taskId=ID, taskDescription=nullable(STRING))),
        serviceDetails=array(obj(type=STRING, value={"type": ["string", "number", "null"]})),
        serviceCost=obj(totalCost=nullable(NUMBER), currency=nullable(STRING)),
    )),
    "SystemStatus": obj(systems=array(obj(systemId=STRING, status=enum("OK", "ALERT"),
                                          description=nullable(STRING)))),
    "TroubleCodes": obj(activeCodes=array(obj(code=STRING, timestamp=nullable(TIMESTAMP)))),
    "Batch": obj(responses=array(obj(
        path={"type": "string", "pattern": "^/"}, code=INTEGER, headers=HEADERS,
        body={"description": "The endpoint's body for a 200, an Error otherwise"},
    ))),
    "Subscription": obj(webhookId=STRING, vehicleId=STRING),
}

BRANDS: dict[str, Schema] = {
    "TeslaBattery": obj(
        percentRemaining=FRACTION, range=NUMBER, heaterOn=BOOLEAN, rangeEstimated=NUMBER,
        rangeIdeal=NUMBER, percentRemainingUsable=FRACTION, maxRangeChargeCounter=INTEGER,
        notEnoughPowerToHeat=BOOLEAN,
    ),
    "TeslaCharge": obj(
        amperage=NUMBER, completionTime=nullable(TIMESTAMP), wattage=NUMBER, voltage=NUMBER,
        isPluggedIn=BOOLEAN, state=CHARGE_STATE, socLimit=FRACTION,
        amperageMaxVehicle=NUMBER, socLimitMax=FRACTION, socLimitMin=FRACTION,
        socLimitDefault=FRACTION, amperageRequested=NUMBER, energyAdded=NUMBER,
        rangeAddedRated=NUMBER, rangeAddedIdeal=NUMBER, chargeRate=NUMBER,
        connector=nullable(STRING), fastChargerPresent=BOOLEAN,
        fastChargerType=nullable(STRING), fastChargerBrand=nullable(STRING),
        amperageMaxCharger=NUMBER, chargePortColor=STRING, chargePortOpen=BOOLEAN,
        chargePortLatch=STRING, chargerPhases=nullable(INTEGER),
    ),
    "Ammeter": obj(amperage=NUMBER),
    "Voltmeter": obj(voltage=NUMBER),
    "Wattmeter": obj(wattage=NUMBER),
    "Completion": obj(time=TIMESTAMP),
    "TeslaChargeRecords": obj(records=array(obj(
        date=TIMESTAMP, home=NUMBER, other=NUMBER, superCharger=NUMBER, total=NUMBER))),
    "TeslaBillingRecords": obj(
        records=array(obj(
            chargeStart=TIMESTAMP, chargeEnd=TIMESTAMP, energyConsumed=NUMBER,
            cost=obj(currency=STRING, energy=NUMBER, other=NUMBER), location=STRING,
            recordId=STRING,
        )),
        hasMoreData=BOOLEAN,
    ),
    "TeslaSchedule": obj(departureTime=obj(enabled=BOOLEAN, time=nullable(STRING)),
                         startTime=obj(enabled=BOOLEAN, time=nullable(STRING))),
    "Compass": obj(heading=NUMBER, direction=STRING),
    "Speedometer": obj(speed=NUMBER),
    "Temperature": obj(temperature=NUMBER),
    "Cabin": obj(status=SWITCH, temperature=NUMBER),
    "Heater": obj(status=SWITCH),
    "HeaterCommand": obj(status=enum("START", "STOP")),
    "VirtualKey": obj(isPaired=BOOLEAN),
    "Alerts": obj(alerts=array(obj(name=STRING, dateTime=TIMESTAMP, audience=array(STRING),
                                   userText=STRING))),
    "TeslaAttributes": obj(
        id=STRING, make=STRING, model=STRING, year=INTEGER, firmwareVersion=STRING,
        trimBadging=STRING, nickname=STRING, efficiencyPackage=STRING,
        performancePackage=STRING, driverAssistVersion=STRING,
        driveUnit=obj(front=STRING, rear=STRING),
        sentryMode=obj(available=BOOLEAN, enabled=BOOLEAN),
        style=obj(exteriorColor=STRING, exteriorTrim=STRING, interiorTrim=STRING),
        wheel=obj(diameter=NUMBER, style=STRING), atHome=BOOLEAN,
    ),
    "TeslaUserInfo": obj(email=nullable(STRING)),
    "TeslaUserAccess": obj(accessType=STRING, permissions=array(STRING)),
    "ChargeSessions": obj(records=array(obj(
        chargeStart=TIMESTAMP, chargeEnd=TIMESTAMP, location=STRING, energy=NUMBER,
        isPublic=BOOLEAN, startPercentRemaining=FRACTION, endPercentRemaining=FRACTION,
        chargingType=enum("AC", "DC"),
    ))),
    "ChargingLocations": obj(chargingLocations=array(obj(
        chargeLimit=nullable(FRACTION),
        chargingSchedules=obj(weekday=array(WINDOW), weekend=array(WINDOW)),
        location=obj(latitude=NUMBER, longitude=NUMBER),
    ))),
    "WeeklySchedules": obj(chargeSchedules=array(obj(start=STRING, end=STRING,
                                                     days=array(STRING)))),
    "AudiCharge": obj(
        chargingStatus=CHARGE_STATE, isPluggedIn=BOOLEAN, wattage=NUMBER, chargeRate=NUMBER,
        chargeType=nullable(STRING), chargePortColor=STRING, chargePortLatch=STRING,
        completionTime=nullable(TIMESTAMP), chargeMode=STRING, socLimit=FRACTION,
        externalPowerStatus=STRING,
    ),
}

PLATFORM: dict[str, Schema] = {
    "Connections": obj(
        connections=array(obj(vehicleId=STRING, userId=STRING, connectedAt=TIMESTAMP,
                              mode=enum("live", "simulated", "test"))),
        paging=obj(cursor=nullable(STRING)),
    ),
    "DeletedConnections": obj(connections=array(obj(vehicleId=STRING, userId=STRING))),
    "Compatibility": {"anyOf": [
        obj(compatible=BOOLEAN,
            reason={"enum": ["VEHICLE_NOT_COMPATIBLE", "MAKE_NOT_COMPATIBLE", None]},
            capabilities=array(obj(capable=BOOLEAN, endpoint=STRING, permission=STRING,
                                   reason=CAPABILITY_REASON))),
        obj(compatible=BOOLEAN),  # /v1.0/compatibility
    ]},
    "CompatibilityMatrix": {
        "type": "object",
        "propertyNames": {"pattern": "^[A-Z][A-Z -]*$"},
        "additionalProperties": array(obj(
            model=STRING, startYear=INTEGER, endYear=INTEGER,
            type=enum("ICE", "BEV", "PHEV", "HEV"), endpoints=array(STRING),
            permissions=array(STRING),
        )),
    },
}

SCHEMAS: dict[str, Schema] = {**COMMON, **VEHICLE, **BRANDS, **PLATFORM}
