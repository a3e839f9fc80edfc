"""The analyst walk-through notebook (examples/notebook/safeguard_walkthrough.ipynb) runs from
top to bottom, headless, in a fresh python3 kernel."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import nbclient
import nbformat
import pytest

import safeguard


def test_the_walkthrough_notebook_runs(repo, monkeypatch):
    path = repo / "examples" / "notebook" / "safeguard_walkthrough.ipynb"
    notebook = nbformat.read(path, as_version=4)
    # The kernel is another process: it finds the package under test through PYTHONPATH and
    # draws with the Agg backend (no display).
    package_parent = str(Path(safeguard.__file__).resolve().parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [package_parent] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = nbclient.NotebookClient(notebook, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(path.parent)}})
    # Raises CellExecutionError naming the cell when any cell fails. asyncio.run closes its
    # event loop (nbclient's synchronous execute() leaves one open).
    asyncio.run(client.async_execute())
    # jupyter_client's heartbeat thread closes its own event loop only when it ends; let it
    # end now rather than at interpreter exit (a ResourceWarning there).
    for thread in threading.enumerate():
        if type(thread).__name__ == "HBChannel":
            thread.join(timeout=30)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells and all(cell.execution_count for cell in code_cells)
    for cell in code_cells:
        assert not [o for o in cell.outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for cell in code_cells for o in cell.outputs
                      if o.output_type == "stream" and o.name == "stdout")
    assert f"safeguard {safeguard.__version__}" in printed
    assert "error SG121 [birth_date]: '2019-02-30'" in printed


@pytest.mark.parametrize("kind", ["markdown", "code"])
def test_the_notebook_is_a_walkthrough_not_a_script(repo, kind):
    notebook = nbformat.read(repo / "examples" / "notebook" / "safeguard_walkthrough.ipynb",
                             as_version=4)
    nbformat.validate(notebook)
    assert sum(cell.cell_type == kind for cell in notebook.cells) >= 8
    # Stored without outputs: the notebook in the repository is source, not a run.
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
