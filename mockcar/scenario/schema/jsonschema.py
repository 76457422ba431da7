"""The JSON Schema of scenario files, generated from the pydantic models (never written
by hand), for `mockcar schema` and the `scenarios/mockcar.schema.json` every bundled
scenario declares on its first line::

    # yaml-language-server: $schema=mockcar.schema.json

so that editors with the YAML language server complete keys and flag mistakes while a
scenario is typed. The schema is a guide, not the judge: `mockcar validate` still has
the last word (rules across fields, the catalog, case-insensitive values, located
messages), and a file the schema accepts may still be refused by it.
"""

from __future__ import annotations

import json
from typing import Any

from mockcar.scenario.schema.scenario import SUPPORTED_VERSION, Scenario

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILE_NAME = "mockcar.schema.json"
MODELINE = f"# yaml-language-server: $schema={FILE_NAME}"


def scenario_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["properties"]["version"] = {
        "const": SUPPORTED_VERSION, "description": "the scenario format's version"}
    # Top-level x- keys are the author's own (anchors to merge); the loader drops them.
    schema["patternProperties"] = {"^x-": {}}
    return {
        "$schema": DIALECT,
        "title": "mockcar scenario",
        "description": "Applications, owners, vehicles, fleets, latency and fault rules of a "
                       "mockcar World. Check a file with `mockcar validate FILE`.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def text() -> str:
    """The schema as `mockcar schema` prints it and the bundled file holds it."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
