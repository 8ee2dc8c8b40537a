"""Guards that keep the test run honest about what it tests."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# pySigma's `@Pipeline` decorator keeps one shared instance whose function is the one decorated
# last. Under pytest, plugin discovery also imports pySigma's own test pipeline, which would then
# stand in for `sysmon` for the rest of the run. Importing it first lets `sysmon` be the last.
import sigma.pipelines.test  # noqa: E402,F401  isort: skip
import sigma.pipelines.sysmon  # noqa: E402,F401  isort: skip

REPO = Path(__file__).resolve().parent.parent
INSTALLED_FROM = {
    "sigma.backends.sumo": REPO / "backend_sumo",
    "sigma.pipelines.sumo": REPO / "pipelines",
}


def _stale_modules() -> list[str]:
    """Source files whose installed copy differs: the tests would run old code."""
    stale = []
    for package, source in INSTALLED_FROM.items():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            stale.append(f"{package} is not installed")
            continue
        installed = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(source.glob("*.py")):
            copy = installed / path.name
            if not copy.exists() or copy.read_bytes() != path.read_bytes():
                stale.append(f"{source.name}/{path.name}")
    return stale


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop before collecting when the installed package is not the source being tested."""
    stale = _stale_modules()
    if stale:
        pytest.exit(
            "installed package differs from the source tree (" + ", ".join(stale[:5])
            + "); reinstall with: pip install '.[test]'",
            returncode=3,
        )
