"""The long calls release the GIL: other Python threads run while the library works, and
two threads can compute at once.

How release is shown: a pure-Python loop in another thread counts while the calling thread
repeats a call. With the GIL released the loop runs at close to its solitary rate; with the
GIL held it could only run in the instants between two calls (a switch interval, set very
short here), a small fraction of the time.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

import safeguard
from safeguard import _safeguard

# With the GIL held the loop would get about one 0.1 ms switch interval per call of several
# milliseconds: a share well under 0.05.
SWITCH_INTERVAL = 1e-4
RELEASED_SHARE = 0.25


def python_share_while(call, min_seconds: float = 0.4) -> float:
    """How fast a pure-Python loop in another thread advances while `call` runs (repeated for
    at least `min_seconds`), relative to how fast it advances while this thread sleeps."""
    count = 0
    stop = False

    def tick() -> None:
        nonlocal count
        while not stop:
            count += 1

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        time.sleep(0.05)
        before, start = count, time.perf_counter()
        time.sleep(0.25)
        alone = (count - before) / (time.perf_counter() - start)
        before, start, calls = count, time.perf_counter(), 0
        while calls == 0 or time.perf_counter() - start < min_seconds:
            call()
            calls += 1
        during = (count - before) / (time.perf_counter() - start)
    finally:
        stop = True
        ticker.join()
        sys.setswitchinterval(old_interval)
    return during / alone


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory):
    """200,000 children: every call below takes milliseconds, not microseconds."""
    folder = tmp_path_factory.mktemp("big") / "qn"
    safeguard.generate(folder, children=200_000, seed=5)
    return folder


@pytest.fixture(scope="module")
def big(big_dir):
    return safeguard.load(big_dir)


def test_load_releases_the_gil(big_dir):
    assert python_share_while(lambda: safeguard.load(big_dir, threads=1)) > RELEASED_SHARE


def test_compute_releases_the_gil(big):
    assert python_share_while(lambda: big.compute("2024", levels=2, threads=1)) > RELEASED_SHARE


def test_validate_releases_the_gil(big):
    # No finding kept: the call is the C++ pass alone, not the conversion of findings.
    assert python_share_while(lambda: big.validate(max_findings_per_rule=0)) > RELEASED_SHARE


def test_save_and_load_snapshot_release_the_gil(big, tmp_path):
    path = tmp_path / "big.sgsnap"
    assert python_share_while(lambda: big.save(path)) > RELEASED_SHARE
    assert python_share_while(lambda: _safeguard.load_snapshot(str(path))) > RELEASED_SHARE


def test_generate_releases_the_gil(tmp_path):
    assert python_share_while(
        lambda: safeguard.generate(tmp_path / "g", children=50_000, seed=2)) > RELEASED_SHARE


def test_two_threads_compute_at_once_and_agree(big):
    expected = big.compute("2024,2024Q1", levels=[1, 2], by="sex", threads=1).to_csv()
    start = threading.Barrier(3)
    spans = [None, None]
    outputs = [None, None]

    def work(i: int) -> None:
        start.wait()
        began = time.perf_counter()
        outputs[i] = big.compute("2024,2024Q1", levels=[1, 2], by="sex", threads=1).to_csv()
        spans[i] = (began, time.perf_counter())

    workers = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for worker in workers:
        worker.start()

    def both() -> None:
        start.wait()
        for worker in workers:
            worker.join()

    # While both compute, this thread's Python loop keeps running: neither holds the GIL.
    share = python_share_while(both, min_seconds=0)
    assert outputs[0] == outputs[1] == expected
    (a_start, a_end), (b_start, b_end) = spans
    assert a_start < b_end and b_start < a_end, "the two computations did not overlap"
    assert share > RELEASED_SHARE
