"""The fuzz harness in the suite: a short seeded campaign over every target, every saved
regression input replayed, and the harness itself catching what it must catch."""

import time

import pytest

from tests.fuzz import Defect, Target, run, targets

# A few hundred mutants in all: seconds, and the same mutants on every run.
SUITE_SEED = 2026
PER_TARGET = 60



@pytest.fixture(scope="module")
def worker():
    w = run.Worker()
    yield w
    w.close()


def _describe(tally: run.Tally) -> str:
    return "\n".join(f"{f.kind}: {f.detail}\n    python -m tests.fuzz --target {f.target} "
                     f"{f.origin}" for f in tally.defects)


@pytest.mark.parametrize("name", targets())
def test_short_campaign_finds_no_defect(name, worker):
    tally = run.campaign(targets()[name], PER_TARGET, SUITE_SEED, worker, exiftool_every=10)
    assert tally.inputs == PER_TARGET
    assert not tally.defects, _describe(tally)


def _regressions():
    return [pytest.param(name, path, id=f"{name}/{path.name}")
            for name in targets() for path in run.regression_files(name)]


@pytest.mark.parametrize("name, path", _regressions())
def test_regression_input_is_handled(name, path, worker):
    tally = run.replay(targets()[name], [path], worker)
    assert not tally.defects, _describe(tally)


def test_every_regression_folder_names_a_target():
    folders = {p.name for p in run.REGRESSIONS.iterdir() if p.is_dir()}
    assert folders <= set(targets())


def test_a_mutant_is_named_by_seed_and_index():
    target = targets()["png"]
    seeds = target.seeds()
    assert run.mutant_of(target, seeds, 5, 17) == run.mutant_of(target, seeds, 5, 17)
    assert run.mutant_of(target, seeds, 5, 17) != run.mutant_of(target, seeds, 6, 17)


# -- the harness catches each kind of defect -----------------------------------------------

def _spin(data: bytes) -> None:
    end = time.process_time() + 60
    while time.process_time() < end:
        pass


def _swell(data: bytes) -> None:
    hoard = []
    for _ in range(64):
        hoard.append(bytearray(16 << 20))


def _judge(data: bytes) -> None:
    if data == b"bad":
        raise Defect("wrong")
    if data == b"bug":
        raise KeyError("oops")
    if data == b"die":
        import os

        os._exit(3)


def _selftest_worker(**kw) -> run.Worker:
    registry = {name: Target(name, lambda: [b"ok"], fn)
                for name, fn in (("spin", _spin), ("swell", _swell), ("judge", _judge))}
    return run.Worker(registry=registry, **kw)


def test_the_worker_reports_each_kind_of_defect_and_carries_on():
    worker = _selftest_worker(cpu_seconds=0.5, memory=256 << 20)
    try:
        assert worker.run("judge", b"ok") == ("ok", None, None)
        assert worker.run("judge", b"bad")[:3] == ("defect", "wrong success", "wrong")
        status, kind, detail, signature = worker.run("judge", b"bug")
        assert (status, kind) == ("defect", "exception")
        assert detail.startswith("KeyError") and signature.startswith("KeyError test_fuzz.py:")
        assert worker.run("judge", b"die")[:2] == ("defect", "crash")
        assert worker.run("spin", b"")[:2] == ("defect", "hang")
        assert worker.run("judge", b"ok") == ("ok", None, None)  # a fresh worker goes on
    finally:
        worker.close()
    # Its own worker with CPU to spare: filling 256 MiB on a loaded machine can take longer
    # than the half second above, and would then be reported as a hang.
    worker = _selftest_worker(cpu_seconds=60, memory=256 << 20)
    try:
        assert worker.run("swell", b"")[:2] == ("defect", "memory")
        assert worker.run("judge", b"ok") == ("ok", None, None)
    finally:
        worker.close()
