"""Guards that keep the test run honest about what it tests."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INSTALLED_FROM = {"sigma.backends.sumo": REPO / "backend_sumo", "sigma.pipelines.sumo": REPO / "pipelines"}


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
