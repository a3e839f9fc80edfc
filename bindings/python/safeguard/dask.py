"""Scale-out of one compute request over dataset partitions with Dask (docs/scale-out.md).

A partition holds whole root subtrees of the org-unit hierarchy (one province with its
districts and communes) with every row placed in them; ``safeguard split DATA OUT_DIR`` or
:func:`split_dataset_by_root` writes them. Every output cell then belongs to one partition,
so the merged result is exactly the single-process one. :func:`compute` submits one task per
partition to a ``distributed.Client``; each worker loads its partition, computes the
request and returns the result as bytes; the client merges them.

Example::

    from distributed import Client
    import safeguard.dask

    client = Client("tcp://scheduler:8786")
    result = safeguard.dask.compute(client, ["/shared/parts/22", "/shared/parts/24"],
                                    periods="2024", levels=[1, 2], by="sex")
"""

from __future__ import annotations

import os
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

from . import _safeguard
from ._engine import Catalogue, Result, _age_bands, _names, _periods

__all__ = ["compute", "compute_partition", "merge", "split_dataset_by_root"]

PathLike = Union[str, "os.PathLike[str]"]


def _request(period_ids: Sequence[str], levels: Sequence[int], by: Sequence[str],
             indicators: Sequence[str], age_bands: Sequence[Tuple[int, int, str]],
             honour_consent: bool, threads: int) -> Any:
    request = _safeguard.ComputeRequest()
    request.periods = [_safeguard.Period.parse(p) for p in period_ids]
    request.levels = list(levels)
    request.by = list(by)
    request.indicators = list(indicators)
    request.age_bands = [_safeguard.AgeBand(low, high, label) for low, high, label in age_bands]
    request.honour_consent = honour_consent
    request.threads = threads
    return request


def compute_partition(path: str, period_ids: Sequence[str], levels: Sequence[int],
                      by: Sequence[str], indicators: Sequence[str],
                      age_bands: Sequence[Tuple[int, int, str]], honour_consent: bool,
                      threads: int = 0) -> bytes:
    """The task run on a worker: loads the partition at ``path`` (a dataset folder or a
    snapshot), computes the request with the standard catalogue and returns the result
    serialized (:func:`safeguard._safeguard.serialize_result`). Periods are given as ids,
    already resolved by the client, so that every worker computes the same periods."""
    request = _request(period_ids, levels, by, indicators, age_bands, honour_consent, threads)
    data = _safeguard.load(os.fspath(path))
    core = _safeguard.compute(data, Catalogue.standard().core, request)
    return _safeguard.serialize_result(core, request)


def merge(parts: Iterable[bytes]) -> Result:
    """Merges serialized partial results computed for one request over disjoint partitions.
    Raises SafeguardError when they were computed for different requests, when two have rows
    for the same org unit, or when bytes are corrupt."""
    return Result(_safeguard.merge_serialized(list(parts)), Catalogue.standard())


def split_dataset_by_root(dataset: Any, out_dir: PathLike) -> List[str]:
    """Writes one dataset folder per root of ``dataset``'s hierarchy (a
    :class:`safeguard.Dataset`) under ``out_dir`` and returns their paths; see
    ``safeguard split --help``. Raises SafeguardError for a single-root hierarchy or a row
    referring to another root's partition."""
    return list(_safeguard.split_dataset_by_root(dataset.core, os.fspath(out_dir)))


def compute(
    client: Any,
    partitions: Iterable[PathLike],
    *,
    periods: Any,
    levels: Union[int, Iterable[int]] = 2,
    by: Union[str, Iterable[str], None] = None,
    indicators: Union[str, Iterable[str], None] = None,
    age_bands: Union[str, Iterable[Any], None] = None,
    reference_date: Any = None,
    honour_consent: bool = True,
    threads: int = 0,
) -> Result:
    """Computes one request over ``partitions`` (dataset folders or snapshots, as the
    workers see them) on the Dask cluster of ``client`` (a ``distributed.Client``) and
    returns the merged :class:`safeguard.Result`, equal cell for cell to computing the whole
    dataset in one process. Arguments are those of :meth:`safeguard.Dataset.compute` (the
    standard catalogue); relative periods are resolved here, against ``reference_date``
    (default today), before the tasks are sent.

    Raises ValueError for no partition; SafeguardError (from the workers or the merge) for a
    bad request, a partition that does not load, or partitions that overlap."""
    paths = [os.fspath(p) for p in partitions]
    if not paths:
        raise ValueError("safeguard.dask.compute needs at least one partition")
    period_ids = [p.id for p in _periods(periods, reference_date)]
    if isinstance(levels, int):
        levels = [levels]
    bands = [(b.low, b.high, b.label) for b in _age_bands(age_bands)]
    args = (period_ids, [int(level) for level in levels], _names(by), _names(indicators), bands,
            bool(honour_consent), int(threads))
    futures = [client.submit(compute_partition, path, *args, key=f"safeguard-partition-{i}-{path}",
                             pure=False)
               for i, path in enumerate(paths)]
    return merge(client.gather(futures))
