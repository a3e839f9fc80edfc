"""The setup path: `cmake --install <build> --component python` installs a package that
imports on its own (here into a DESTDIR staging folder, never the real site-packages)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import safeguard


def cache_entry(cache: str, name: str) -> str:
    return re.search(rf"^{name}:[A-Z]+=(.*)$", cache, re.MULTILINE).group(1)


def test_cmake_installs_an_importable_package(tmp_path):
    build = Path(safeguard.__file__).resolve().parents[3]
    if not (build / "CMakeCache.txt").is_file():
        pytest.skip("the package under test was not imported from a CMake build tree")
    cache = (build / "CMakeCache.txt").read_text(encoding="utf-8")
    install_dir = Path(cache_entry(cache, "SAFEGUARD_PYTHON_INSTALL_DIR"))
    if not install_dir.is_absolute():
        install_dir = Path(cache_entry(cache, "CMAKE_INSTALL_PREFIX")) / install_dir
    subprocess.run(["cmake", "--install", str(build), "--component", "python"],
                   env=dict(os.environ, DESTDIR=str(tmp_path)), check=True, capture_output=True)
    site = tmp_path / install_dir.relative_to(install_dir.anchor)
    installed = sorted(p.name for p in (site / "safeguard").iterdir())
    assert "__init__.py" in installed and "_safeguard.pyi" in installed and "py.typed" in installed
    assert any(name.startswith("_safeguard.") and name.endswith(".so") for name in installed)
    probe = subprocess.run(
        [sys.executable, "-c",
         "import safeguard; print(safeguard.__file__); print(len(safeguard.Catalogue.standard()))"],
        env=dict(os.environ, PYTHONPATH=str(site)), cwd=tmp_path, capture_output=True, text=True,
        check=True)
    where, indicators = probe.stdout.split()
    assert Path(where) == site / "safeguard" / "__init__.py"
    assert int(indicators) == len(safeguard.Catalogue.standard())


def test_the_build_tree_package_is_beside_the_module():
    package = Path(safeguard.__file__).resolve().parent
    assert any(p.name.startswith("_safeguard.") for p in package.iterdir())
    for module in ("_errors", "_model", "_io", "_engine", "_pandas"):
        assert (package / f"{module}.py").is_file()
