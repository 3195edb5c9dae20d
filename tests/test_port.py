"""``multik port``: the scan report (text and JSON), exit codes, the rewrite (byte-identical
outside the imports it changes), --diff, and a legacy file ported end to end: rewritten, run
on numpy, torch and jax, and matched against tf_keras running the original."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from multik.cli import main
from multik.conformance.compare import mismatch
from multik.coverage import coverage, deviation_link
from multik.testing import test_backends

pytest.importorskip("libcst", reason='multik port needs libcst: pip install "multik[port]"')

from multik.port.rewrite import rewrite_source

DATA = Path(__file__).resolve().parent / "data"

LEGACY = """\
import numpy as np
import tensorflow as tf
from keras import backend as K


def loss(y, p):
    p = K.tf.batch_gather(p, y)
    if K.backend() == "tensorflow":
        p = tf.clip_by_value(p, 0.0, 1.0)
    return K.mean(K.square(p)) + K.pattern_broadcast(p, [True]) + K.frobnicate(p)


def session():
    return K.get_session()
"""


def port(capsys, *args):
    """``multik port ARGS``: (exit status, stdout, stderr)."""
    status = main(["port", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def legacy(tmp_path):
    path = tmp_path / "legacy.py"
    path.write_text(LEGACY)
    return path


def test_scan_lists_functions_with_lines_and_status(legacy, capsys):
    status, out, _ = port(capsys, legacy)
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"{legacy}:"
    rows = {re.match(r"  (?:✓ dev|✓ part|✓|✗) +(\w+) ", line)[1]: line for line in lines[1:8]}
    assert list(rows) == [
        "batch_gather",
        "backend",
        "mean",
        "square",
        "pattern_broadcast",
        "frobnicate",
        "get_session",
    ]
    assert rows["backend"].split() == ["✓", "backend", "line", "8"]
    assert "line 7" in rows["batch_gather"]
    mean = rows["mean"]
    assert mean.split()[:2] == ["✓", "dev"] and "line 10" in mean
    assert all(deviation_link(d) in mean for d in coverage("mean").deviations)
    assert rows["pattern_broadcast"].split()[0] == "✗"
    assert rows["pattern_broadcast"].endswith("line 10  (not yet implemented in multik)")
    assert rows["frobnicate"].endswith("line 10  (not a Keras 2 backend function)")
    flags = [line.strip() for line in lines if line.startswith(("  !", "  ~"))]
    assert [flag.split(":")[0] for flag in flags] == [
        "! line 2",
        "~ line 7",
        "! line 8",
        "! line 9",
        "! line 14",
    ]
    assert flags[0].startswith("! line 2: import tensorflow as tf: imports TensorFlow, which")
    assert flags[1].startswith("~ line 7: K.tf.batch_gather: --rewrite maps K.tf.batch_gather")
    assert flags[2].startswith('! line 8: K.backend() == "tensorflow": compares K.backend()')
    assert flags[3].startswith("! line 9: tf.clip_by_value: TensorFlow API")
    assert flags[4].startswith("! line 14: K.get_session: a TensorFlow 1 session")
    assert "Verdict: not portable by changing the imports alone" in out


def test_scan_json(legacy, capsys):
    status, out, _ = port(capsys, "--json", legacy)
    assert status == 1
    report = json.loads(out)
    (file,) = report["files"]
    assert file["path"] == str(legacy) and file["error"] is None and not file["ported"]
    functions = {f["name"]: f for f in file["functions"]}
    assert list(functions) == [
        "batch_gather",
        "backend",
        "mean",
        "square",
        "pattern_broadcast",
        "frobnicate",
        "get_session",
    ]
    assert functions["mean"]["lines"] == [10]
    assert functions["mean"]["deviations"] == [
        {"tag": d.tag, "link": deviation_link(d)} for d in coverage("mean").deviations
    ]
    assert functions["backend"]["status"] == "supported"
    assert functions["frobnicate"] == {
        "name": "frobnicate",
        "lines": [10],
        "status": "missing",
        "legacy_api": False,
        "deviations": [],
        "unsupported": {},
    }
    assert [(f["line"], f["kind"], f["fixed_by_rewrite"]) for f in file["flags"]] == [
        (2, "tf-import", False),
        (7, "k-tf-mapped", True),
        (8, "backend-check", False),
        (9, "tf", False),
        (14, "tf-session", False),
    ]
    assert report["summary"]["ported"] is False
    assert report["summary"]["functions"] == 7
    assert report["rewritten"] == []


@pytest.mark.parametrize(
    "source",
    [
        "from keras import backend as K\nK.sum(K.square([1.0]))\n",
        "import tensorflow as tf\ntf.keras.backend.mean([1.0])\n",
        "x = 1\n",
    ],
    ids=["supported", "chain", "no-backend"],
)
def test_exit_0_when_everything_used_is_supported(tmp_path, capsys, source):
    path = tmp_path / "ok.py"
    path.write_text(source)
    status, out, _ = port(capsys, path)
    assert status == 0, out
    assert "Verdict: portable" in out


def test_k_tf_batch_gather_alone_is_fixed_by_the_rewrite(tmp_path, capsys):
    path = tmp_path / "gather.py"
    path.write_text("from keras import backend as K\nK.tf.batch_gather([1, 2], [0])\n")
    assert port(capsys, path)[0] == 0


def test_an_unused_tensorflow_import_is_flagged(tmp_path, capsys):
    path = tmp_path / "unused.py"
    path.write_text("import tensorflow as tf\nfrom keras import backend as K\nK.sum([1.0])\n")
    status, out, _ = port(capsys, path)
    assert status == 1
    assert "  ! line 1: import tensorflow as tf: imports TensorFlow, which every backend" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["does/not/exist.py"], "does/not/exist.py: no such file or directory"),
        (["EMPTY"], "no Python files in"),
    ],
)
def test_usage_errors_exit_2(tmp_path, capsys, args, message):
    (tmp_path / "empty").mkdir()
    args = [str(tmp_path / "empty") if a == "EMPTY" else a for a in args]
    status, _, err = port(capsys, *args)
    assert status == 2
    assert err.startswith("multik: error: ") and message in err


def test_json_and_diff_together_is_a_usage_error(legacy, capsys):
    with pytest.raises(SystemExit) as info:
        main(["port", "--json", "--diff", str(legacy)])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_missing_libcst_names_the_extra(legacy, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "libcst", None)  # what an install without it gives
    status, _, err = port(capsys, legacy)
    assert status == 2
    assert err.strip() == (
        "multik: error: multik port parses Python with libcst, which is not installed; install "
        'it with: pip install "multik[port]"'
    )


def test_unparsable_file_is_reported_and_fails(tmp_path, capsys):
    path = tmp_path / "py2.py"
    path.write_text('from keras import backend as K\nprint "loss", K.sum(x)\n')
    status, out, _ = port(capsys, path)
    assert status == 1
    assert f"{path}: not valid Python 3: syntax error at line 2" in out


def test_directories_are_searched_without_hidden_and_cache_folders(tmp_path, capsys):
    for name in ("pkg/model.py", "pkg/.venv/lib.py", "pkg/__pycache__/x.py", "pkg/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("from keras import backend as K\nK.sum(1)\n")
    status, out, _ = port(capsys, "--json", tmp_path / "pkg")
    assert status == 0
    assert [f["path"] for f in json.loads(out)["files"]] == [str(tmp_path / "pkg" / "model.py")]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("from keras import backend as K", "from multik import backend as K"),
        ("from keras import backend", "from multik import backend"),
        ("from tensorflow.keras import backend as K", "from multik import backend as K"),
        ("from tensorflow.python.keras import backend as B", "from multik import backend as B"),
        ("import keras.backend as K", "import multik.backend as K"),
        ("import tensorflow.keras.backend as K", "import multik.backend as K"),
        ("import tf_keras.backend as K", "import multik.backend as K"),
        ("from keras.backend import sum, mean as m", "from multik.backend import sum, mean as m"),
        ("from tf_keras.backend import *", "from multik.backend import *"),
        (
            "from keras import layers, backend as K  # note",
            "from keras import layers  # note\nfrom multik import backend as K",
        ),
        ("import numpy as np, keras.backend as K", "import numpy as np, multik.backend as K"),
    ],
)
def test_rewrite_import_forms(before, after):
    assert rewrite_source(f"{before}\nK = K\n") == f"{after}\nK = K\n"


def test_rewrite_chains_and_their_imports():
    source = (
        "import tensorflow as tf\n"
        "from tensorflow import keras\n"
        "import numpy as np\n\n"
        "y = tf.keras.backend.sum(keras.backend.abs(np.ones(2))) + tf.constant(1.0)\n"
    )
    assert rewrite_source(source) == (
        "import tensorflow as tf\n"
        "import multik.backend\n"
        "import numpy as np\n\n"
        "y = multik.backend.sum(multik.backend.abs(np.ones(2))) + tf.constant(1.0)\n"
    )


def test_rewrite_leaves_everything_else_byte_identical():
    source = (
        "# -*- coding: utf-8 -*-\r\n"
        '"""Odd  layout\tkept."""\r\n'
        "from keras import backend as K   # trailing comment\r\n"
        "import numpy  as  np\r\n"
        "\r\n"
        "def f( x ,y ):  # é\r\n"
        "\treturn K.tf.batch_gather( x,\r\n"
        "\t\t y ) + K.tf.reduce_sum(x) ;  z = (K . sum)(x)\r\n"
    )
    result = rewrite_source(source)
    changed = [
        (a, b)
        for a, b in zip(source.splitlines(keepends=True), result.splitlines(keepends=True))
        if a != b
    ]
    assert changed == [
        (
            "from keras import backend as K   # trailing comment\r\n",
            "from multik import backend as K   # trailing comment\r\n",
        ),
        (
            "\treturn K.tf.batch_gather( x,\r\n",
            "\treturn K.batch_gather( x,\r\n",
        ),
    ]
    assert len(result.splitlines()) == len(source.splitlines())


def test_diff_prints_the_rewrite_and_writes_nothing(legacy, capsys):
    status, out, _ = port(capsys, "--diff", legacy)
    assert status == 1  # the verdict is that of the rewritten file
    assert legacy.read_text() == LEGACY
    assert out.splitlines() == [
        f"--- a/{legacy}",
        f"+++ b/{legacy}",
        "@@ -1,10 +1,10 @@",
        " import numpy as np",
        " import tensorflow as tf",
        "-from keras import backend as K",
        "+from multik import backend as K",
        " ",
        " ",
        " def loss(y, p):",
        "-    p = K.tf.batch_gather(p, y)",
        "+    p = K.batch_gather(p, y)",
        '     if K.backend() == "tensorflow":',
        "         p = tf.clip_by_value(p, 0.0, 1.0)",
        "     return K.mean(K.square(p)) + K.pattern_broadcast(p, [True]) + K.frobnicate(p)",
    ]


def test_rewrite_writes_in_place_once(legacy, capsys):
    status, out, _ = port(capsys, "--rewrite", legacy)
    assert status == 1
    assert out.startswith(f"rewrote {legacy}\n")
    assert legacy.read_text() == rewrite_source(LEGACY)
    assert not port(capsys, "--rewrite", legacy)[1].startswith("rewrote")


# --------------------------------------------------------------------------- end to end

PORTED = [b for b in ("numpy", "torch", "jax") if b in test_backends()]


def _python(args, home, **env):
    """Run Python with its own HOME and KERAS_HOME and only the backend variables given; the
    JSON its last line prints."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KERAS_BACKEND", "MULTIK_BACKEND", "KERAS_HOME")
    }
    clean.update(HOME=str(home), KERAS_HOME=str(home / ".keras"), TF_CPP_MIN_LOG_LEVEL="3", **env)
    done = subprocess.run(
        [sys.executable, *args], env=clean, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _tf_keras_numbers(original: Path, home: Path) -> dict:
    """What the original file prints under Keras 2 (tf_keras, as ``keras``), run in this process
    with its own HOME (importing tf_keras writes ~/.keras/keras.json)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("KERAS_HOME", str(home / ".keras"))
        tf_keras = pytest.importorskip("tf_keras")
        patch.setitem(sys.modules, "keras", tf_keras)
        patch.setitem(sys.modules, "keras.backend", tf_keras.backend)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            runpy.run_path(str(original), run_name="__main__")
    return json.loads(printed.getvalue())


@pytest.fixture(scope="module")
def ported(tmp_path_factory):
    """The sample rewritten by ``multik port --rewrite``; tf_keras's numbers for the original."""
    folder = tmp_path_factory.mktemp("port")
    home = folder / "home"
    home.mkdir()
    original = DATA / "legacy_classifier.py"
    copy = folder / original.name
    shutil.copy(original, copy)
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["port", "--rewrite", str(copy)]) == 0
    assert "from multik import backend as K" in copy.read_text()
    return copy, home, _tf_keras_numbers(original, home)


@pytest.mark.parametrize("backend", PORTED)
def test_ported_file_matches_tf_keras(ported, backend):
    copy, home, oracle = ported
    result = _python([str(copy)], home, KERAS_BACKEND=backend)
    assert result["loss_dtype"] == oracle["loss_dtype"] == "float32"
    for key in ("loss", "confidence", "probs"):
        problem = mismatch(np.asarray(result[key], "float32"), "float32", oracle[key], "float32")
        assert problem is None, f"{key} on {backend}: {problem}"
