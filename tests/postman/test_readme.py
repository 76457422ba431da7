"""The Postman walkthrough (docs/postman.md) names what the collection holds: every "quoted" name
in it is a folder or request of the generated collection, and the URLs it gives are the
ones served."""

from __future__ import annotations

import re
from typing import Any

from mockcar.web.docs.postman import collection as postman
from tests.postman.conftest import ROOT


def names(items: list[dict[str, Any]]) -> set[str]:
    found = set()
    for item in items:
        found.add(item["name"])
        found |= names(item.get("item", []))
    return found


def section() -> str:
    page = (ROOT / "docs" / "postman.md").read_text(encoding="utf-8")
    return page.split("<!-- Postman walkthrough -->", 1)[1].split("<!-- end Postman -->", 1)[0]


def test_the_walkthrough_names_folders_and_requests_that_exist(
    collection: dict[str, Any],
) -> None:
    quoted = {" ".join(name.split()) for name in re.findall(r'"([^"]+)"', section())}
    quoted -= {"exchange"}  # a JSON key in the text
    assert {"All Vehicles", "Setup (headless)", "Make specific"} <= quoted
    assert quoted - names(collection["item"]) == set()


def test_the_walkthrough_gives_the_served_urls_and_file_names() -> None:
    text = section()
    assert f"http://localhost:8765{postman.COLLECTION_PATH}" in text
    assert f"http://localhost:8765{postman.ENVIRONMENT_PATH}" in text
    assert f"postman/{postman.COLLECTION_FILE}" in text
    assert f"postman/{postman.ENVIRONMENT_FILE}" in text
    assert postman.POSTMAN_CALLBACK in text
