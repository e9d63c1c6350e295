"""bench/run.py's memory sampler: it finds a stage's peak and takes little from the stage it measures (a
sample of a large process tree is costly, so such a tree is sampled less often)."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

import run as bench_run


def test_a_small_stage_is_sampled_every_tenth_of_a_second():
    process = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(50_000_000); time.sleep(5)"])
    try:
        sampler = bench_run.Sampler(process.pid)
        time.sleep(1)
        assert sampler.sample() == bench_run.SAMPLE_EVERY
        assert sampler.peak_kb > 40_000  # the 50 MB it holds
    finally:
        process.kill()
        process.wait()


def test_a_costly_sample_is_taken_less_often(monkeypatch):
    def slow(pid: int) -> int:  # as smaps_rollup of a process of a few GB: 20 ms of CPU
        started = time.process_time()
        while time.process_time() - started < 0.02:
            pass
        return 1

    monkeypatch.setattr(bench_run, "_tree_pss_kb", slow)
    wait = bench_run.Sampler(0).sample()
    assert wait >= 0.02 / bench_run.SAMPLE_SHARE
    assert wait > bench_run.SAMPLE_EVERY


def test_a_stage_keeps_its_exit_code_and_its_figures():
    """run() waits for the stage between samples (it no longer sleeps through them) and still gives its exit
    code and the JSON lines it printed."""
    result = bench_run.run([sys.executable, "-c", 'import sys; print(\'{"stage": "x"}\'); sys.exit(1)'])
    assert result.returncode == 1
    assert result.lines and result.lines[0]["stage"] == "x"
