"""The multik pytest plugin, loaded wherever multik is installed (the ``pytest11`` entry point).

* the ``K`` fixture: ``multik.backend`` with one backend active; a test that takes it runs once
  per selected backend, with ids such as ``test_loss[numpy]`` and ``test_loss[torch]``;
* ``--multik-backends=numpy,torch`` picks the backends (default: ``MULTIK_TEST_BACKENDS``, else
  every installed backend); an unknown or uninstalled name stops the run with one usage error;
* ``@pytest.mark.multik_backends("torch", "jax")`` restricts one test to some backends;
* isolation: after each test the graph mode, learning phase and uid counters are cleared
  (``K.clear_session()``) and floatx, epsilon and image_data_format are set back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import ModuleType

import pytest

from multik.backends import canonical_name
from multik.config import use_backend
from multik.errors import MultikError
from multik.testing.selection import select_backends, set_run_backends

_OPTION = "--multik-backends"
_ENV = "MULTIK_TEST_BACKENDS"
_MARKER = "multik_backends"
_SELECTED = pytest.StashKey[list[str]]()
_PREVIOUS = pytest.StashKey["list[str] | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("multik", "multik: run tests on several Keras backends")
    group.addoption(
        _OPTION,
        dest="multik_backends",
        metavar="NAMES",
        help="comma-separated backends for tests taking the K fixture, e.g. numpy,torch "
        "(default: MULTIK_TEST_BACKENDS, else every installed backend)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(*names): run a test taking the K fixture only on these backends, e.g. "
        f'@pytest.mark.{_MARKER}("torch", "jax")',
    )
    option = config.getoption("multik_backends")
    source, spec = (_OPTION, option) if option else (_ENV, os.environ.get(_ENV))
    try:
        selected = select_backends(spec, source)
    except MultikError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[_SELECTED] = selected
    config.stash[_PREVIOUS] = set_run_backends(selected)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _PREVIOUS in config.stash:
        set_run_backends(config.stash[_PREVIOUS])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "K" not in metafunc.fixturenames:
        return
    selected = metafunc.config.stash[_SELECTED]
    backends = selected
    marker = metafunc.definition.get_closest_marker(_MARKER)
    if marker is not None:
        wanted = _marker_backends(marker, metafunc.definition.nodeid)
        backends = [name for name in selected if name in wanted]
    if backends:
        metafunc.parametrize("K", backends, indirect=True, ids=backends)
        return
    assert marker is not None  # the selection itself is never empty
    reason = (
        f"@pytest.mark.{_MARKER}({', '.join(map(repr, marker.args))}) names none of the "
        f"backends of this run ({', '.join(selected)})"
    )
    skipped = pytest.param(None, id="no-backend", marks=pytest.mark.skip(reason=reason))
    metafunc.parametrize("K", [skipped], indirect=True)


def _marker_backends(marker: pytest.Mark, nodeid: str) -> set[str]:
    """The canonical names in ``@pytest.mark.multik_backends(...)``; a bad one fails collection."""
    if not marker.args or marker.kwargs:
        pytest.fail(
            f"{nodeid}: @pytest.mark.{_MARKER} takes backend names as arguments, e.g. "
            f'@pytest.mark.{_MARKER}("torch", "jax")',
            pytrace=False,
        )
    names = set()
    for name in marker.args:
        try:
            canonical = canonical_name(name, f"@pytest.mark.{_MARKER} on {nodeid}")
        except MultikError as exc:
            pytest.fail(str(exc), pytrace=False)
        if canonical is None:
            pytest.fail(f"{nodeid}: @pytest.mark.{_MARKER} has an empty name", pytrace=False)
        names.add(canonical)
    return names


@pytest.fixture
def K(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """``multik.backend`` with one backend active (``multik.use_backend``); the test runs once
    per backend selected by ``--multik-backends`` and ``@pytest.mark.multik_backends``.

    The test starts and ends with ``K.clear_session()`` (graph mode, learning phase, uids), and
    floatx, epsilon and image_data_format are restored when it ends.
    """
    from multik import backend

    name = getattr(request, "param", None)
    if name is None:
        pytest.fail(
            "the K fixture is parametrized by the multik plugin; request it as a test argument "
            "(or from another fixture), not with request.getfixturevalue",
            pytrace=False,
        )
    settings = backend.floatx(), backend.epsilon(), backend.image_data_format()
    with use_backend(name):
        backend.clear_session()
        try:
            yield backend
        finally:
            backend.clear_session()
            backend.set_floatx(settings[0])
            backend.set_epsilon(settings[1])
            backend.set_image_data_format(settings[2])
