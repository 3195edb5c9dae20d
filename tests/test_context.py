"""use_backend is context-local: threads and asyncio tasks each see their own backend."""

from __future__ import annotations

import asyncio
import threading

import pytest

import multik
from multik import backend as K
from multik.backends._convert import framework_of
from multik.testing import test_backends

PAIR = [*test_backends(), "numpy"][:2] if len(test_backends()) > 1 else ["numpy", "numpy"]


@pytest.mark.skipif(PAIR[0] == PAIR[1], reason="needs two backends under test")
def test_threads_see_their_own_backend_at_the_same_time():
    before = K.backend()  # resolved now: a framework imported by a thread may write keras.json
    barrier = threading.Barrier(2)
    seen: dict[str, list[str]] = {}

    def work(name: str) -> None:
        with multik.use_backend(name):
            barrier.wait()  # both threads are inside their use_backend block now
            seen[name] = [K.backend(), framework_of(K.sum(K.constant([1.0, 2.0]))) or "numpy"]
            barrier.wait()
            seen[name].append(K.backend())

    threads = [threading.Thread(target=work, args=(name,)) for name in PAIR]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in PAIR:
        assert seen[name] == [name, name, name]
    assert K.backend() == before


def test_thread_does_not_inherit_another_threads_context():
    before = K.backend()  # resolved now: importing a framework may write keras.json
    results = []
    with multik.use_backend(PAIR[1]):
        thread = threading.Thread(target=lambda: results.append(K.backend()))
        thread.start()
        thread.join()
    assert results == [before]


@pytest.mark.skipif(PAIR[0] == PAIR[1], reason="needs two backends under test")
def test_asyncio_tasks_see_their_own_backend():
    async def task(name: str, started: asyncio.Event, other: asyncio.Event) -> list[str]:
        with multik.use_backend(name):
            started.set()
            await other.wait()
            return [K.backend(), K.backend()]

    async def main() -> list[list[str]]:
        first, second = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(task(PAIR[0], first, second), task(PAIR[1], second, first))

    before = K.backend()
    assert asyncio.run(main()) == [[PAIR[0]] * 2, [PAIR[1]] * 2]
    assert K.backend() == before
