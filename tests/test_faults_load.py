"""8 threads logging into one run lose nothing (issue 10, Load): every value read back with
TensorBoard's own ``EventAccumulator``, while another thread flushes and tags."""

from __future__ import annotations

import threading

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import tb_eval

THREADS, PER_THREAD = 8, 5_000


def test_eight_threads_lose_no_value(tmp_path):
    run = tb_eval.start_logging(tmp_path, run_name="r", flush_secs=0.05)
    start = threading.Barrier(THREADS + 1)
    done = threading.Event()

    def work(index: int) -> None:
        start.wait()
        for i in range(PER_THREAD):
            run.log(f"thread{index}", float(i))
            run.log("shared", float(index))

    def meddle() -> None:  # flushes and record changes racing the loggers
        start.wait()
        count = 0
        while not done.is_set():
            run.flush()
            run.add_properties({f"p{count}": count})
            count += 1

    threads = [threading.Thread(target=work, args=(index,)) for index in range(THREADS)]
    meddler = threading.Thread(target=meddle)
    for thread in [*threads, meddler]:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    meddler.join()
    run.complete()
    accumulator = EventAccumulator(run.directory, size_guidance={"scalars": 0})
    accumulator.Reload()
    for index in range(THREADS):
        events = accumulator.Scalars(f"thread{index}")
        assert [event.step for event in events] == list(range(PER_THREAD))
        assert [e.value for e in events] == [float(i) for i in range(PER_THREAD)]
    shared = accumulator.Scalars("shared")
    assert sorted(event.step for event in shared) == list(range(THREADS * PER_THREAD))
    counts = [0] * THREADS
    for event in shared:
        counts[int(event.value)] += 1
    assert counts == [PER_THREAD] * THREADS
    assert tb_eval.open_run(run.directory).status == "success"
