"""The small, static knowledge the fleet generator draws on: real models per make with
their powertrain and rough specs, real WMIs per make, city centres per region, and the
ISO 3166-1 country codes.

Specs are rounded public ballpark figures (usable battery kWh and EPA range for North
American models, WLTP range for European-only ones, tank liters and a typical range on a
tank), enough for plausible readings; they are not a reference for any real vehicle. A
model earns a row by making a scenario or a generated fleet more realistic, not by
completeness: the common models of each powertrain in the US, Canada and Europe. Years
are the model years a line was sold (2025 stands for "still sold"); `regions` says
where, so a European fleet draws an ID.3 and never a Cybertruck.
"""

from __future__ import annotations

from dataclasses import dataclass

POWERTRAINS = ("BEV", "PHEV", "HEV", "ICE")
REGIONS = ("US", "CA", "EUROPE")
BATTERY_POWERTRAINS = frozenset({"BEV", "PHEV"})  # a plug-in battery /battery reports
FUEL_POWERTRAINS = frozenset({"PHEV", "HEV", "ICE"})


ALL_REGIONS = frozenset(REGIONS)
NORTH_AMERICA = frozenset({"US", "CA"})
EUROPE = frozenset({"EUROPE"})


@dataclass(frozen=True)
class CatalogModel:
    """One model line. `range_km` is electric range on a full battery; `fuel_range_km`
    is range on a full tank (for a PHEV, on fuel alone)."""

    make: str
    model: str
    powertrain: str
    years: tuple[int, int]
    battery_kwh: float | None = None
    range_km: float | None = None
    fuel_liters: float | None = None
    fuel_range_km: float | None = None
    regions: frozenset[str] = ALL_REGIONS


def _bev(make: str, model: str, years: tuple[int, int], kwh: float, km: float,
         regions: frozenset[str] = ALL_REGIONS) -> CatalogModel:
    return CatalogModel(make, model, "BEV", years, battery_kwh=float(kwh), range_km=float(km),
                        regions=regions)


def _fuel(make: str, model: str, pt: str, years: tuple[int, int], liters: float,
          km: float, regions: frozenset[str] = ALL_REGIONS) -> CatalogModel:
    return CatalogModel(make, model, pt, years, fuel_liters=float(liters),
                        fuel_range_km=float(km), regions=regions)


def _phev(make: str, model: str, years: tuple[int, int], kwh: float, km: float,
          liters: float, fuel_km: float, regions: frozenset[str] = ALL_REGIONS) -> CatalogModel:
    return CatalogModel(make, model, "PHEV", years, float(kwh), float(km), float(liters),
                        float(fuel_km), regions)


MODELS: tuple[CatalogModel, ...] = (
    _bev("TESLA", "Model 3", (2017, 2025), 75, 500),
    _bev("TESLA", "Model Y", (2020, 2025), 75, 480),
    _bev("TESLA", "Model S", (2012, 2025), 100, 600),
    _bev("NISSAN", "LEAF", (2011, 2025), 40, 240),
    _bev("CHEVROLET", "Bolt EV", (2017, 2023), 65, 415),
    _bev("FORD", "Mustang Mach-E", (2021, 2025), 88, 480),
    _bev("BMW", "i4", (2022, 2025), 81, 480),
    _bev("VOLKSWAGEN", "ID.4", (2021, 2025), 77, 440),
    _bev("AUDI", "e-tron", (2019, 2023), 86, 355),
    _bev("KIA", "Niro EV", (2019, 2025), 65, 385),
    _bev("HYUNDAI", "Ioniq 5", (2022, 2025), 77, 490),
    _phev("TOYOTA", "RAV4 Prime", (2021, 2025), 18, 68, 55, 850),
    _phev("BMW", "330e", (2016, 2025), 12, 35, 40, 600),
    _phev("CHRYSLER", "Pacifica Hybrid", (2017, 2025), 16, 50, 62, 800),
    _phev("JEEP", "Wrangler 4xe", (2021, 2025), 17, 35, 65, 600),
    _fuel("TOYOTA", "Camry", "HEV", (2015, 2025), 50, 1100),
    _fuel("TOYOTA", "Prius", "HEV", (2010, 2025), 43, 1000),
    _fuel("KIA", "Niro", "HEV", (2017, 2025), 45, 900),
    _fuel("TOYOTA", "Camry", "ICE", (2015, 2025), 60, 810),
    _fuel("FORD", "F-150", "ICE", (2015, 2025), 87, 740),
    _fuel("HONDA", "Civic", "ICE", (2016, 2025), 47, 720),
    _fuel("CHEVROLET", "Silverado", "ICE", (2014, 2025), 91, 650),
    _fuel("VOLKSWAGEN", "Golf", "ICE", (2015, 2025), 50, 800),
    # -- battery electric ---------------------------------------------------------------
    _bev("TESLA", "Model X", (2016, 2025), 100, 540),
    _bev("TESLA", "Cybertruck", (2024, 2025), 123, 515, NORTH_AMERICA),
    _bev("FORD", "F-150 Lightning", (2022, 2025), 131, 515, NORTH_AMERICA),
    _bev("CHEVROLET", "Equinox EV", (2024, 2025), 85, 513, NORTH_AMERICA),
    _bev("CHEVROLET", "Blazer EV", (2024, 2025), 85, 450, NORTH_AMERICA),
    _bev("CADILLAC", "Lyriq", (2023, 2025), 102, 505, NORTH_AMERICA),
    _bev("GMC", "Hummer EV", (2022, 2025), 212, 529, NORTH_AMERICA),
    _bev("RIVIAN", "R1T", (2022, 2025), 135, 505, NORTH_AMERICA),
    _bev("RIVIAN", "R1S", (2022, 2025), 135, 510, NORTH_AMERICA),
    _bev("LUCID", "Air", (2022, 2025), 112, 680, NORTH_AMERICA),
    _bev("HYUNDAI", "Kona Electric", (2019, 2025), 64, 415),
    _bev("HYUNDAI", "Ioniq 6", (2023, 2025), 77, 580),
    _bev("KIA", "EV6", (2022, 2025), 77, 499),
    _bev("KIA", "EV9", (2024, 2025), 100, 490),
    _bev("BMW", "iX", (2022, 2025), 105, 520),
    _bev("BMW", "i3", (2014, 2022), 42, 246),
    _bev("MERCEDES-BENZ", "EQS", (2022, 2025), 108, 560),
    _bev("MERCEDES-BENZ", "EQE", (2023, 2025), 90, 490),
    _bev("AUDI", "Q4 e-tron", (2022, 2025), 77, 425),
    _bev("PORSCHE", "Taycan", (2020, 2025), 93, 400),
    _bev("POLESTAR", "2", (2021, 2025), 78, 435),
    _bev("VOLVO", "XC40 Recharge", (2021, 2025), 75, 380),
    _bev("NISSAN", "Ariya", (2023, 2025), 87, 460),
    _bev("TOYOTA", "bZ4X", (2023, 2025), 71, 400),
    _bev("VOLKSWAGEN", "ID.3", (2020, 2025), 58, 420, EUROPE),
    _bev("VOLKSWAGEN", "ID. Buzz", (2022, 2025), 77, 420),
    _bev("RENAULT", "Zoe", (2013, 2024), 52, 395, EUROPE),
    _bev("RENAULT", "Megane E-Tech", (2022, 2025), 60, 450, EUROPE),
    _bev("PEUGEOT", "e-208", (2020, 2025), 50, 360, EUROPE),
    _bev("SKODA", "Enyaq", (2021, 2025), 77, 520, EUROPE),
    _bev("FIAT", "500e", (2020, 2025), 42, 320),
    _bev("MINI", "Cooper SE", (2020, 2024), 29, 180),
    _bev("JAGUAR", "I-PACE", (2019, 2024), 90, 380),
    # -- plug-in hybrid -----------------------------------------------------------------
    _phev("FORD", "Escape Plug-in Hybrid", (2020, 2025), 14, 60, 53, 800, NORTH_AMERICA),
    _phev("CHEVROLET", "Volt", (2011, 2019), 18, 85, 34, 560, NORTH_AMERICA),
    _phev("VOLVO", "XC60 Recharge", (2018, 2025), 19, 55, 71, 800),
    _phev("MITSUBISHI", "Outlander PHEV", (2018, 2025), 20, 61, 56, 700),
    _phev("BMW", "X5 xDrive45e", (2021, 2025), 24, 50, 69, 700),
    _phev("MERCEDES-BENZ", "GLC 350e", (2020, 2025), 14, 40, 50, 650),
    _phev("PORSCHE", "Cayenne E-Hybrid", (2019, 2025), 18, 45, 75, 650),
    _phev("KIA", "Sportage Plug-in Hybrid", (2023, 2025), 14, 55, 42, 650),
    _phev("HYUNDAI", "Tucson Plug-in Hybrid", (2022, 2025), 14, 53, 42, 650),
    _phev("JEEP", "Grand Cherokee 4xe", (2022, 2025), 17, 40, 65, 700),
    _phev("AUDI", "Q5 TFSI e", (2020, 2025), 14, 35, 55, 700),
    _phev("VOLKSWAGEN", "Golf GTE", (2015, 2025), 13, 60, 40, 700, EUROPE),
    # -- hybrid -------------------------------------------------------------------------
    _fuel("TOYOTA", "RAV4 Hybrid", "HEV", (2016, 2025), 55, 930),
    _fuel("TOYOTA", "Corolla Hybrid", "HEV", (2020, 2025), 43, 920),
    _fuel("HONDA", "CR-V Hybrid", "HEV", (2020, 2025), 53, 850),
    _fuel("HONDA", "Accord Hybrid", "HEV", (2017, 2025), 48, 960, NORTH_AMERICA),
    _fuel("FORD", "Maverick Hybrid", "HEV", (2022, 2025), 52, 800, NORTH_AMERICA),
    _fuel("LEXUS", "RX 450h", "HEV", (2016, 2025), 65, 850),
    _fuel("HYUNDAI", "Tucson Hybrid", "HEV", (2022, 2025), 52, 800),
    _fuel("RENAULT", "Clio E-Tech", "HEV", (2020, 2025), 39, 800, EUROPE),
    # -- combustion ---------------------------------------------------------------------
    _fuel("TOYOTA", "Corolla", "ICE", (2014, 2025), 50, 750),
    _fuel("TOYOTA", "RAV4", "ICE", (2014, 2025), 55, 650),
    _fuel("TOYOTA", "Tacoma", "ICE", (2016, 2025), 80, 650, NORTH_AMERICA),
    _fuel("HONDA", "Accord", "ICE", (2018, 2025), 56, 800, NORTH_AMERICA),
    _fuel("HONDA", "CR-V", "ICE", (2017, 2025), 53, 650),
    _fuel("FORD", "Escape", "ICE", (2020, 2025), 53, 700, NORTH_AMERICA),
    _fuel("FORD", "Explorer", "ICE", (2020, 2025), 68, 650, NORTH_AMERICA),
    _fuel("CHEVROLET", "Equinox", "ICE", (2018, 2025), 56, 650, NORTH_AMERICA),
    _fuel("RAM", "1500", "ICE", (2019, 2025), 98, 800, NORTH_AMERICA),
    _fuel("JEEP", "Grand Cherokee", "ICE", (2014, 2025), 87, 750),
    _fuel("JEEP", "Wrangler", "ICE", (2018, 2025), 81, 600),
    _fuel("NISSAN", "Rogue", "ICE", (2014, 2025), 55, 750, NORTH_AMERICA),
    _fuel("NISSAN", "Altima", "ICE", (2019, 2025), 61, 850, NORTH_AMERICA),
    _fuel("SUBARU", "Outback", "ICE", (2015, 2025), 70, 850),
    _fuel("MAZDA", "CX-5", "ICE", (2017, 2025), 56, 700),
    _fuel("HYUNDAI", "Tucson", "ICE", (2016, 2025), 54, 650),
    _fuel("HYUNDAI", "Elantra", "ICE", (2017, 2025), 47, 700, NORTH_AMERICA),
    _fuel("KIA", "Sportage", "ICE", (2017, 2025), 54, 650),
    _fuel("BMW", "3 Series", "ICE", (2019, 2025), 59, 750),
    _fuel("MERCEDES-BENZ", "C-Class", "ICE", (2015, 2025), 66, 800),
    _fuel("AUDI", "A4", "ICE", (2017, 2025), 58, 800),
    _fuel("VOLKSWAGEN", "Passat", "ICE", (2015, 2025), 66, 900),
    _fuel("VOLKSWAGEN", "Tiguan", "ICE", (2018, 2025), 58, 700),
    _fuel("PEUGEOT", "208", "ICE", (2019, 2025), 44, 800, EUROPE),
    _fuel("PEUGEOT", "3008", "ICE", (2017, 2025), 53, 800, EUROPE),
    _fuel("RENAULT", "Clio", "ICE", (2019, 2025), 42, 750, EUROPE),
    _fuel("SKODA", "Octavia", "ICE", (2020, 2025), 45, 800, EUROPE),
    _fuel("VOLVO", "XC90", "ICE", (2016, 2025), 71, 750),
)

MAKES: tuple[str, ...] = tuple(sorted({m.make for m in MODELS}))

# Brands Smartcar Connect lists that the fleet catalog leaves out, a model or two each,
# so a test-mode account at any brand has real cars. Kept apart from MODELS so that
# scenarios and fleets, which draw from MODELS, do not change with them.
CONNECT_BRAND_MODELS: tuple[CatalogModel, ...] = (
    _fuel("ACURA", "MDX", "ICE", (2014, 2025), 70, 800, NORTH_AMERICA),
    _bev("ACURA", "ZDX", (2024, 2025), 102, 500, NORTH_AMERICA),
    _phev("ALFA ROMEO", "Tonale", (2024, 2025), 15, 53, 43, 600),
    _fuel("BUICK", "Enclave", "ICE", (2018, 2025), 82, 800, NORTH_AMERICA),
    _bev("CITROEN", "e-C4", (2021, 2025), 50, 350, EUROPE),
    _bev("CUPRA", "Born", (2021, 2025), 58, 420, EUROPE),
    _phev("DS", "DS 7 E-Tense", (2019, 2025), 14, 55, 43, 600, EUROPE),
    _phev("DODGE", "Hornet R/T", (2024, 2025), 15, 53, 43, 600, NORTH_AMERICA),
    _fuel("DODGE", "Durango", "ICE", (2014, 2025), 93, 800, NORTH_AMERICA),
    _bev("GENESIS", "GV60", (2023, 2025), 77, 400),
    _fuel("INFINITI", "QX60", "ICE", (2014, 2025), 74, 800, NORTH_AMERICA),
    _phev("LAND ROVER", "Range Rover P440e", (2022, 2025), 31, 80, 71, 650),
    _phev("LINCOLN", "Aviator Grand Touring", (2020, 2025), 13, 34, 75, 650, NORTH_AMERICA),
    _bev("OPEL", "Corsa Electric", (2020, 2025), 50, 350, EUROPE),
    _bev("VAUXHALL", "Corsa Electric", (2020, 2025), 50, 350, EUROPE),
)

# Real World Manufacturer Identifiers (VIN positions 1-3) per make. "0SC" is the prefix
# of Smartcar's own test VINs, used for makes outside the catalog.
WMIS: dict[str, tuple[str, ...]] = {
    "AUDI": ("WAU", "WA1"),
    "BMW": ("WBA", "WBY"),
    "CADILLAC": ("1GY",),
    "CHEVROLET": ("1G1", "1GC"),
    "CHRYSLER": ("2C4",),
    "FIAT": ("ZFA", "3C3"),
    "FORD": ("1FT", "1FA", "3FM"),
    "GMC": ("1GT", "1GK"),
    "HONDA": ("2HG", "19X"),
    "HYUNDAI": ("KM8",),
    "JAGUAR": ("SAD",),
    "JEEP": ("1C4",),
    "KIA": ("KND", "KNA"),
    "LEXUS": ("2T2", "JTJ"),
    "LUCID": ("50E",),
    "MAZDA": ("JM3",),
    "MERCEDES-BENZ": ("WDD", "W1K", "4JG"),
    "MINI": ("WMW",),
    "MITSUBISHI": ("JA4",),
    "NISSAN": ("1N4",),
    "PEUGEOT": ("VF3",),
    "POLESTAR": ("LPS",),
    "PORSCHE": ("WP0", "WP1"),
    "RAM": ("1C6",),
    "RENAULT": ("VF1",),
    "RIVIAN": ("7FC",),
    "SKODA": ("TMB",),
    "SUBARU": ("4S4", "JF2"),
    "TESLA": ("5YJ", "7SA"),
    "TOYOTA": ("4T1", "JTM", "2T3"),
    "VOLKSWAGEN": ("WVW", "WVG", "1V2"),
    "VOLVO": ("YV1", "YV4"),
}
UNKNOWN_WMI = ("0SC",)

# Generic specs for a make/model the catalog does not know, by powertrain.
GENERIC: dict[str, CatalogModel] = {
    "BEV": _bev("", "", (2018, 2025), 75, 450),
    "PHEV": _phev("", "", (2018, 2025), 15, 50, 50, 700),
    "HEV": _fuel("", "", "HEV", (2018, 2025), 45, 900),
    "ICE": _fuel("", "", "ICE", (2018, 2025), 60, 700),
}

# (name, latitude, longitude) of a few city centres per region.
CITIES: dict[str, tuple[tuple[str, float, float], ...]] = {
    "US": (
        ("San Francisco", 37.7749, -122.4194), ("New York", 40.7128, -74.0060),
        ("Chicago", 41.8781, -87.6298), ("Austin", 30.2672, -97.7431),
        ("Seattle", 47.6062, -122.3321), ("Los Angeles", 34.0522, -118.2437),
        ("Denver", 39.7392, -104.9903), ("Atlanta", 33.7490, -84.3880),
        ("Boston", 42.3601, -71.0589), ("Miami", 25.7617, -80.1918),
        ("Phoenix", 33.4484, -112.0740), ("Detroit", 42.3314, -83.0458),
    ),
    "CA": (
        ("Toronto", 43.6532, -79.3832), ("Vancouver", 49.2827, -123.1207),
        ("Montreal", 45.5019, -73.5674), ("Calgary", 51.0447, -114.0719),
        ("Ottawa", 45.4215, -75.6972), ("Edmonton", 53.5461, -113.4938),
        ("Quebec City", 46.8139, -71.2080), ("Winnipeg", 49.8951, -97.1384),
        ("Halifax", 44.6488, -63.5752),
    ),
    "EUROPE": (
        ("Berlin", 52.5200, 13.4050), ("Paris", 48.8566, 2.3522),
        ("Amsterdam", 52.3676, 4.9041), ("Madrid", 40.4168, -3.7038),
        ("Stockholm", 59.3293, 18.0686), ("London", 51.5074, -0.1278),
        ("Munich", 48.1351, 11.5820), ("Hamburg", 53.5511, 9.9937),
        ("Milan", 45.4642, 9.1900), ("Rome", 41.9028, 12.4964),
        ("Barcelona", 41.3874, 2.1686), ("Lisbon", 38.7223, -9.1393),
        ("Vienna", 48.2082, 16.3738), ("Zurich", 47.3769, 8.5417),
        ("Copenhagen", 55.6761, 12.5683), ("Oslo", 59.9139, 10.7522),
        ("Brussels", 50.8503, 4.3517), ("Dublin", 53.3498, -6.2603),
        ("Warsaw", 52.2297, 21.0122), ("Lyon", 45.7640, 4.8357),
    ),
}

# The country each city is in: a generated owner lives where their cars are parked.
CITY_COUNTRIES: dict[str, str] = {
    **{name: "US" for name, _, _ in CITIES["US"]},
    **{name: "CA" for name, _, _ in CITIES["CA"]},
    "Berlin": "DE", "Paris": "FR", "Amsterdam": "NL", "Madrid": "ES", "Stockholm": "SE",
    "London": "GB", "Munich": "DE", "Hamburg": "DE", "Milan": "IT", "Rome": "IT",
    "Barcelona": "ES", "Lisbon": "PT", "Vienna": "AT", "Zurich": "CH", "Copenhagen": "DK",
    "Oslo": "NO", "Brussels": "BE", "Dublin": "IE", "Warsaw": "PL", "Lyon": "FR",
}

# Smartcar's European region: EU/EEA members plus the UK and Switzerland.
def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


EUROPEAN_COUNTRIES = _codes(
    "AT BE BG CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT "
    "RO SE SI SK"
)

COUNTRIES = _codes(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE
    DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN
    GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE
    KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
    ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA
    PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK
    SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
    UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
)


def region_for_country(country: str) -> str:
    """The Smartcar region a vehicle registered in `country` belongs to; countries
    outside the three regions default to US (document, don't guess further)."""
    if country == "CA":
        return "CA"
    return "EUROPE" if country in EUROPEAN_COUNTRIES else "US"


def candidates(
    make: str | None,
    model: str | None,
    powertrain: str | None,
    needs_battery: bool,
    needs_fuel: bool,
) -> list[CatalogModel]:
    """Catalog rows consistent with what a scenario fixed (None = left out). Model
    names compare case-insensitively; make is already upper-case."""
    wanted = model.casefold() if model is not None else None
    pool = MODELS if make is None or make in MAKES else CONNECT_BRAND_MODELS
    return [
        m for m in pool
        if (make is None or m.make == make)
        and (wanted is None or m.model.casefold() == wanted)
        and (powertrain is None or m.powertrain == powertrain)
        and (not needs_battery or m.powertrain in BATTERY_POWERTRAINS)
        and (not needs_fuel or m.powertrain in FUEL_POWERTRAINS)
    ]


def models_of(make: str) -> list[CatalogModel]:
    """Every model of `make` (upper-case, as in the catalog): the fleet catalog's, else
    the Connect brands' own."""
    found = [m for m in MODELS if m.make == make]
    return found or [m for m in CONNECT_BRAND_MODELS if m.make == make]


def make_of_vin(vin: str) -> str | None:
    """The catalog make whose World Manufacturer Identifier starts `vin` (`1G1` is a
    Chevrolet, `5YJ` a Tesla), or for a Smartcar-style test VIN (`0SCAUDI...`) the make
    spelled after the prefix; else None."""
    vin = vin.upper()
    found = next((make for make, wmis in WMIS.items() if vin[:3] in wmis), None)
    if found is None and vin.startswith(UNKNOWN_WMI):
        rest = vin[len(UNKNOWN_WMI[0]):]
        found = next((m for m in sorted(MAKES, key=len, reverse=True)
                      if rest.startswith(m.replace("-", ""))), None)
    return found


def infer_powertrain(needs_battery: bool, needs_fuel: bool) -> str:
    """The powertrain implied by which of battery/fuel a scenario gave."""
    if needs_battery:
        return "PHEV" if needs_fuel else "BEV"
    return "ICE"
