"""The package as a whole: version, exports, error types (version.hpp, error.hpp)."""

from __future__ import annotations

import re

import pytest

import safeguard


def test_version_is_the_cpp_version(repo):
    header = (repo / "include" / "safeguard" / "version.hpp").read_text(encoding="utf-8")
    parts = [re.search(rf"SAFEGUARD_VERSION_{p} (\d+)", header).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    assert safeguard.__version__ == ".".join(parts)
    assert safeguard.DATASET_FORMAT_VERSION == 1


def test_every_public_name_exists_and_is_documented():
    for name in safeguard.__all__:
        assert hasattr(safeguard, name), name
        value = getattr(safeguard, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), f"{name} has no docstring"


def test_public_methods_are_documented():
    for cls in (safeguard.Dataset, safeguard.Catalogue, safeguard.Result,
                safeguard.ValidationReport):
        for name, member in vars(cls).items():
            if name.startswith("_") or not (callable(member) or isinstance(member, property)):
                continue
            target = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            assert (target.__doc__ or "").strip(), f"{cls.__name__}.{name} has no docstring"


def test_error_types_form_one_hierarchy():
    assert issubclass(safeguard.LoadError, safeguard.SafeguardError)
    assert issubclass(safeguard.LoadError, ValueError)
    assert issubclass(safeguard.IndicatorError, safeguard.SafeguardError)
    assert issubclass(safeguard.IndicatorError, ValueError)
    assert issubclass(safeguard.PeriodError, safeguard.SafeguardError)
    assert issubclass(safeguard.PeriodError, ValueError)
    assert not issubclass(safeguard.SafeguardError, ValueError)
    assert issubclass(safeguard.LoadWarning, UserWarning)
    assert safeguard.LoadError.__module__ == "safeguard"


def test_load_error_lists_every_diagnostic_compiler_style(small):
    small["children"].loc[0, "birth_date"] = "2015-13-01"
    small["children"].loc[2, "sex"] = "x"
    with pytest.raises(safeguard.LoadError) as caught:
        safeguard.Dataset.from_pandas(**small)
    error = caught.value
    assert len(error.diagnostics) == 2
    assert len(error.errors) == 2
    text = str(error)
    assert text.splitlines()[0] == "load failed with 2 errors"
    assert ("children.csv:2:2: error SG121 [birth_date]: '2015-13-01'; "
            "expected a date YYYY-MM-DD") in text
    assert "children.csv:4:3: error" in text and "[sex]: 'x'" in text
    for diagnostic in error.diagnostics:
        assert str(diagnostic) in text
        assert diagnostic.level == safeguard.Severity.error
        assert repr(diagnostic).startswith("<safeguard.Diagnostic children.csv:")


def test_safeguard_error_for_misuse(tmp_path):
    with pytest.raises(safeguard.SafeguardError, match="neither a dataset folder nor a snapshot"):
        safeguard.load(tmp_path / "missing")
    with pytest.raises(safeguard.SafeguardError, match="provinces must be 1 to 100, got 0"):
        safeguard.generate(tmp_path / "g", children=10, provinces=0)


def test_code_lists_carry_both_languages():
    lists = safeguard.code_lists()
    assert {"sex", "concern", "concern_group", "source", "direction"} <= lists.keys()
    sex = lists["sex"]
    assert [e.code for e in sex] == ["f", "m", "u"]
    assert sex[0].vi == "Nữ" and sex[0].en
    concern = lists["concern"]
    assert concern[concern.find("drowning")].group == "injury"
    assert concern.find("nonsense") is None
    with pytest.raises(IndexError):
        sex[3]
    assert repr(sex) == "<safeguard.CodeList sex: 3 codes>"


def test_the_stub_matches_the_module():
    import ast
    from pathlib import Path

    from safeguard import _safeguard

    stub = Path(safeguard.__file__).with_name("_safeguard.pyi")
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    declared = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
    declared.discard("DateLike")  # an alias of the stub itself
    public = {name for name in dir(_safeguard) if not name.startswith("_")}
    assert declared == public
    # Every class's members too.
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | {
                n.target.id for n in node.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
            actual = {m for m in dir(getattr(_safeguard, node.name)) if not m.startswith("_")}
            if issubclass(getattr(_safeguard, node.name), int) or hasattr(
                    getattr(_safeguard, node.name), "__members__"):
                actual = set(getattr(_safeguard, node.name).__members__)
            members = {m for m in members if not m.startswith("__")}
            assert members == actual, node.name
