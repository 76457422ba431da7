"""The README's pytest example runs as written: its code block becomes a test file of a
fresh project, with the example application (tests/examples/fleet_app.py) as `myapp`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### 3. In pytest", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the README's pytest section has no python block"
    return found.group(1)


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    example = readme_example()
    assert "from myapp import fleet" in example
    package = pytester.mkpydir("myapp")
    (package / "fleet.py").write_text((HERE / "fleet_app.py").read_text(encoding="utf-8"))
    pytester.makefile(".yaml", **{"ev-fleet": (HERE / "ev-fleet.yaml").read_text()})
    pytester.makepyfile(test_readme=example)
    pytester.makeini("[pytest]\nfilterwarnings =\n    error\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=example.count("\ndef test_"))
