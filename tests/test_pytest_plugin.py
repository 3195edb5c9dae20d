"""The multik pytest plugin, run on small sample projects with pytester: the K fixture's ids,
--multik-backends and MULTIK_TEST_BACKENDS, the multik_backends marker, the usage error for a
bad name, and isolation between tests."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from multik.backends import load_adapter
from multik.testing import selection, test_backends

pytest_plugins = ["pytester"]

PLUGIN = "multik.testing.pytest_plugin"
ROOT = Path(__file__).resolve().parents[1]
# The second backend of the sample runs: the quickest to import first.
SECOND = next((b for b in ("jax", "torch", "tensorflow") if b in test_backends()), None)
needs_two = pytest.mark.skipif(SECOND is None, reason="needs a second backend besides numpy")


def _plugin_args() -> list[str]:
    """Load the plugin by name unless pip installed its entry point (an editable install made
    before the entry point existed has none)."""
    points = importlib.metadata.entry_points(group="pytest11")
    return [] if any(p.value == PLUGIN for p in points) else ["-p", PLUGIN]


@pytest.fixture(scope="module", autouse=True)
def _frameworks_imported_out_here():
    """Import the frameworks the sample runs use in this process first: pytester drops the
    modules an inline run imported, and JAX or PyTorch imported a second time aborts."""
    for name in ("numpy", SECOND):
        if name is not None:
            load_adapter(name)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in this process on the sample project; the plugins it does not need stay off
    (the inner run imports them afresh each time: Hypothesis alone takes seconds)."""
    off = ("cacheprovider", "hypothesispytest", "xdist", "randomly")
    return pytester.runpytest(*_plugin_args(), *(f"-pno:{name}" for name in off), *args)


SAMPLE = """
import numpy as np
import pytest

def test_sum(K, request):
    assert K.backend() == request.node.callspec.id
    assert float(K.eval(K.sum(np.ones(3, "float32")))) == 3.0

@pytest.mark.multik_backends("numpy")
def test_numpy_only(K):
    assert K.backend() == "numpy"

def test_plain():
    pass
"""


def test_entry_point_is_declared():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'[project.entry-points.pytest11]\nmultik = "{PLUGIN}"\n' in pyproject


@needs_two
def test_one_test_per_backend_with_backend_ids(pytester):
    pytester.makepyfile(SAMPLE)
    result = run(pytester, "-v", f"--multik-backends=numpy,{SECOND}")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines_random(
        [
            "*::test_sum[[]numpy[]] PASSED*",
            f"*::test_sum[[]{SECOND}[]] PASSED*",
            "*::test_numpy_only[[]numpy[]] PASSED*",
            "*::test_plain PASSED*",
        ]
    )


def test_aliases_and_repeats_are_folded(pytester):
    pytester.makepyfile(SAMPLE)
    result = run(pytester, "-v", "--multik-backends= np, numpy")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*::test_sum[[]numpy[]] PASSED*"])


def test_environment_variable_is_the_fallback(pytester, monkeypatch):
    monkeypatch.setenv("MULTIK_TEST_BACKENDS", "numpy")
    pytester.makepyfile(SAMPLE)
    result = run(pytester, "-v")
    result.assert_outcomes(passed=3)
    result.stdout.no_fnmatch_line("*test_sum[[]torch*")


def test_default_is_every_installed_backend(pytester, monkeypatch):
    monkeypatch.delenv("MULTIK_TEST_BACKENDS", raising=False)
    pytester.makepyfile(SAMPLE)
    result = run(pytester, "--collect-only", "-q")
    installed = selection.available_backends()
    result.stdout.fnmatch_lines([f"*::test_sum[[]{name}[]]" for name in installed])
    result.stdout.fnmatch_lines([f"{len(installed) + 2} tests collected*"])


def test_marker_naming_no_selected_backend_skips_with_the_reason(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.multik_backends("torch", "jax")
        def test_gpu_frameworks(K):
            pass
        """
    )
    result = run(pytester, "-rs", "--multik-backends=numpy")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*multik_backends('torch', 'jax') names none of the backends of this run (numpy)"]
    )


def test_marker_with_a_misspelt_name_fails_collection(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.multik_backends("pytroch")
        def test_x(K):
            pass
        """
    )
    result = run(pytester, "--multik-backends=numpy")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown backend 'pytroch'*did you mean 'torch'?*"])


def test_marker_is_registered_for_strict_markers(pytester):
    pytester.makepyfile(SAMPLE)
    result = run(pytester, "--strict-markers", "--multik-backends=numpy")
    result.assert_outcomes(passed=3)
    assert "multik_backends(*names)" in run(pytester, "--markers").stdout.str()


def test_misspelt_backend_is_one_usage_error(pytester):
    pytester.makepyfile(SAMPLE)
    result = run(pytester, "--multik-backends=numpy,jaxx,tensorflw")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1
    assert errors[0].startswith(
        "ERROR: --multik-backends=numpy,jaxx,tensorflw: unknown backend 'jaxx' (did you mean "
        "'jax'?); unknown backend 'tensorflw' (did you mean 'tensorflow'?). Valid names: numpy, "
        "tensorflow, torch, jax; installed here: "
    )


def test_uninstalled_backend_names_the_extra(pytester, monkeypatch):
    # Which frameworks are installed differs between CI's environments, so the plugin is shown
    # one where only NumPy is.
    monkeypatch.setattr(selection, "available_backends", lambda: ["numpy"])
    pytester.makepyfile(SAMPLE)
    result = run(pytester, "--multik-backends=numpy,jax")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --multik-backends=numpy,jax: 'jax' is not installed. Valid names: numpy, "
            'tensorflow, torch, jax; installed here: numpy; to install: pip install "multik[jax]"'
        ]
    )


def test_settings_and_graph_state_do_not_leak(pytester):
    pytester.makepyfile(
        """
        import numpy as np
        from multik.config import active_adapter

        def test_1_changes_everything(K):
            K.set_floatx("float64")
            K.set_epsilon(1e-3)
            K.set_image_data_format("channels_first")
            K.set_learning_phase(1)
            K.placeholder(shape=(None, 2))
            assert active_adapter().graph_mode
            assert K.get_uid("dense") == 1

        def test_2_sees_the_defaults(K):
            assert (K.floatx(), K.epsilon(), K.image_data_format()) == (
                "float32", 1e-7, "channels_last"
            )
            assert not active_adapter().graph_mode
            assert not isinstance(K.learning_phase(), int)
            assert K.get_uid("dense") == 1
            assert K.dtype(K.variable(np.zeros(2))) == "float32"
        """
    )
    result = run(pytester, "--multik-backends=numpy")
    result.assert_outcomes(passed=2)


def test_backend_is_only_active_inside_the_test(pytester):
    pytester.makepyfile(
        """
        import multik

        def test_x(K):
            assert multik.get_backend() == "numpy"

        def test_after():
            assert multik.get_backend() == "numpy"  # the default: nothing was set
        """
    )
    result = run(pytester, "--multik-backends=numpy")
    result.assert_outcomes(passed=2)


def test_K_requested_by_another_fixture_is_parametrized(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def ones(K):
            return K.ones((2,))

        def test_x(ones, K):
            assert K.int_shape(ones) == (2,)
        """
    )
    result = run(pytester, "-v", "--multik-backends=numpy")
    result.stdout.fnmatch_lines(["*::test_x[[]numpy[]] PASSED*"])


def test_K_through_getfixturevalue_says_how_to_request_it(pytester):
    pytester.makepyfile(
        """
        def test_x(request):
            request.getfixturevalue("K")
        """
    )
    result = run(pytester, "--multik-backends=numpy")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the K fixture is parametrized by the multik plugin*"])


def test_loading_the_plugin_imports_no_framework(tmp_path):
    # The plugin loads in every pytest run wherever multik is installed, so it must stay light.
    script = (
        "import sys, multik.testing.pytest_plugin, multik.cli\n"
        "heavy = {'tensorflow', 'torch', 'jax', 'tf_keras', 'keras', 'libcst'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
