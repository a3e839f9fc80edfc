"""safeguard.dask: one request over 4 province partitions on a 4-process local cluster gives
the single-process result cell for cell; overlapping or mismatched parts are refused."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

import safeguard
import safeguard.dask

distributed = pytest.importorskip("distributed")

PACKAGE_DIR = str(Path(safeguard.__file__).resolve().parents[1])


@pytest.fixture(scope="module")
def four_provinces(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("dask")
    safeguard.generate(root / "whole", children=8_000, provinces=4, seed=13)
    whole = safeguard.load(root / "whole")
    parts = safeguard.dask.split_dataset_by_root(whole, root / "parts")
    return whole, parts


@pytest.fixture(scope="module")
def client():
    # Worker processes must import the same safeguard: LocalCluster's spawned processes
    # inherit os.environ, so the package's folder goes on PYTHONPATH before it starts.
    paths = [PACKAGE_DIR] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    cluster = distributed.LocalCluster(n_workers=4, processes=True, threads_per_worker=1,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


REQUESTS = [
    dict(periods="2024", levels=[1, 2, 3]),
    dict(periods=["2024Q1", "2024Q2"], levels=2, by=["sex", "age_band"]),
    dict(periods="2024", levels=1, by="agency"),
]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("request_args", REQUESTS)
def test_four_workers_give_the_single_process_csv(four_provinces, client, request_args):
    whole, parts = four_provinces
    assert len(parts) == 4
    single = whole.compute(**request_args).to_csv()
    start = time.perf_counter()
    merged = safeguard.dask.compute(client, parts, **request_args)
    print(f"\n4 workers, {request_args}: {time.perf_counter() - start:.2f} s", file=sys.stderr)
    assert len(single) > 1000
    assert merged.to_csv() == single


def test_merge_refuses_overlapping_parts(four_provinces):
    _, parts = four_provinces
    one = safeguard.dask.compute_partition(parts[0], ["2024"], [1], [], [], [(0, 17, "0-17")], True)
    with pytest.raises(safeguard.SafeguardError, match="also has rows for org unit"):
        safeguard.dask.merge([one, one])


def test_merge_refuses_parts_of_different_requests(four_provinces):
    _, parts = four_provinces
    bands = [(0, 17, "0-17")]
    a = safeguard.dask.compute_partition(parts[0], ["2024"], [1], [], [], bands, True)
    b = safeguard.dask.compute_partition(parts[1], ["2024"], [1], [], [], bands, False)
    with pytest.raises(safeguard.SafeguardError, match="different request"):
        safeguard.dask.merge([a, b])


def test_corrupt_bytes_are_refused():
    with pytest.raises(safeguard.SafeguardError, match="SGRESULT"):
        safeguard.dask.merge([b"not a serialized result at all!!"])


def test_single_root_dataset_cannot_be_split(tmp_path):
    safeguard.generate(tmp_path / "one", children=100, provinces=1, seed=1)
    with pytest.raises(safeguard.SafeguardError, match="single root"):
        safeguard.dask.split_dataset_by_root(safeguard.load(tmp_path / "one"), tmp_path / "parts")
