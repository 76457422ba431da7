"""mockcar's vehicle catalog as the Compatibility API reads it (mockcar.domain.
compatibility): the domain may not import the scenario layer, so the wiring hands it
this value."""

from __future__ import annotations

from mockcar.domain.vehicles.compatibility import ModelLine, VehicleCatalog
from mockcar.scenario.catalog import models as catalog


def vehicle_catalog() -> VehicleCatalog:
    return VehicleCatalog(
        models=tuple(ModelLine(m.make, m.model, m.powertrain, m.years, m.regions)
                     for m in catalog.MODELS),
        wmis={wmi: make for make, wmis in catalog.WMIS.items() for wmi in wmis},
        countries=catalog.COUNTRIES,
        european_countries=catalog.EUROPEAN_COUNTRIES,
    )
