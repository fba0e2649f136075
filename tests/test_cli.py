"""The `optiscape` command line: `cli.main` in-process for speed, the console script once."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import cli
import optimizers
import scenarios
import surfaces

ERROR = "optiscape: error: "
RUN = ["run", "--surface", "rosenbrock", "--optimizer", "sgd"]


def invoke(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def strict_json(text: str) -> dict:
    """json.loads, but NaN/Infinity tokens (which Python's reader accepts) are an error."""

    def reject(token: str) -> None:
        raise AssertionError(f"{token} is not JSON")

    return json.loads(text, parse_constant=reject)


def column(values: list, dtype: type | np.dtype = np.float32) -> np.ndarray:
    """A JSON list of numbers and nulls in the engine's dtype, null as NaN."""
    return np.array([np.nan if v is None else v for v in values], dtype)


# ---------------------------------------------------------------------------------- help


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["list", "--help"]])
def test_help_exits_0(capsys, argv):
    status, out, err = invoke(capsys, *argv)
    assert status == 0
    assert out.startswith("usage: optiscape") and err == ""


def test_run_help_names_every_option(capsys):
    _, out, _ = invoke(capsys, "run", "--help")
    for flag in ("--surface", "--optimizer", "--start", "--steps", "--set", "--param"):
        assert flag in out
    for flag in ("--schedule", "--schedule-set", "--noise", "--seed", "--format"):
        assert flag in out


# ---------------------------------------------------------------------------------- list


def test_list_text_shows_every_entry_in_aligned_sections(capsys):
    status, out, err = invoke(capsys, "list")
    assert status == 0 and err == ""
    sections = out.rstrip("\n").split("\n\n")
    assert [s.splitlines()[0].split()[0] for s in sections] == [
        "Surfaces",
        "Optimizers",
        "Schedules",
        "Penalties",
    ]
    registries = (
        surfaces.REGISTRY,
        optimizers.REGISTRY,
        optimizers.schedules.REGISTRY,
        surfaces.PENALTIES,
    )
    for section, registry in zip(sections, registries, strict=True):
        lines = section.splitlines()[1:]
        heads = [line for line in lines if not line.startswith("   ")]
        assert [h.split()[0] for h in heads] == [e.name for e in registry]
        # the title column starts at the same place on every entry's line
        starts = {h.index(e.title, len(e.name)) for h, e in zip(heads, registry, strict=True)}
        assert len(starts) == 1
    surfaces_text, optimizers_text, schedules_text, _ = sections
    saddle = next(line for line in surfaces_text.splitlines() if line.startswith("  saddle "))
    assert saddle.endswith("unbounded below")
    assert "min 0 at (1, 1)" in surfaces_text
    assert re.search(r"κ\s+kappa=10\s+\[1, 1000\]", surfaces_text)
    assert "{0=sigmoid, 1=tanh, 2=relu, 3=leaky_relu, 4=elu}" in surfaces_text
    neuron = next(line for line in surfaces_text.splitlines() if line.startswith("  neuron "))
    assert neuron.endswith("minimum not known")
    adam = optimizers.get("adam")
    for p in adam.hparams:
        assert f"{p.symbol}" in optimizers_text and f"{p.name}={p.default:g}" in optimizers_text
    assert "β₁  beta1=0.9          [0, 0.999]" in optimizers_text
    assert "alpha=0" in schedules_text and "no parameters" in schedules_text


def test_list_json_mirrors_the_registries(capsys):
    status, out, err = invoke(capsys, "list", "--format", "json")
    assert status == 0 and err == ""
    catalogue = strict_json(out)
    assert set(catalogue) == {"surfaces", "optimizers", "schedules", "penalties"}
    assert [s["name"] for s in catalogue["surfaces"]] == list(surfaces.names())
    assert [o["name"] for o in catalogue["optimizers"]] == list(optimizers.names())
    assert [s["name"] for s in catalogue["schedules"]] == list(optimizers.schedules.names())

    rosenbrock = catalogue["surfaces"][0]
    assert rosenbrock["domain"] == [[-2.0, 2.0], [-1.0, 3.0]]
    assert rosenbrock["minima"] == [[1.0, 1.0]] and rosenbrock["f_min"] == 0.0
    saddle = next(s for s in catalogue["surfaces"] if s["name"] == "saddle")
    assert saddle["f_min"] is None and saddle["bounded_below"] is False
    adam = next(o for o in catalogue["optimizers"] if o["name"] == "adam")
    assert adam["hparams"][1] == {
        "name": "beta1",
        "default": 0.9,
        "low": 0.0,
        "high": 0.999,
        "symbol": "β₁",
        "log": False,
        "integer": False,
        "help": "first-moment decay",
        "choices": [],
    }
    neuron = next(s for s in catalogue["surfaces"] if s["name"] == "neuron")
    assert neuron["params"][1]["choices"] == ["squared_error", "cross_entropy", "hinge"]


def test_console_script_runs():
    # The script pip installed next to this interpreter, else the one on PATH.
    script = Path(sys.executable).with_name("optiscape")
    path = str(script) if script.exists() else shutil.which("optiscape")
    assert path, "the `optiscape` console script is not installed (pip install -e .)"
    done = subprocess.run([path, "list"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Surfaces (")
    assert "Optimizers (" in done.stdout and "Schedules (" in done.stdout


def _console_script() -> str:
    script = Path(sys.executable).with_name("optiscape")
    return str(script) if script.exists() else shutil.which("optiscape") or "optiscape"


@pytest.mark.parametrize(
    "argv",
    [["list"], ["run", "--surface=booth", "--optimizer=sgd", "--steps=5", "--format=csv"]],
)
def test_the_three_front_doors_behave_the_same(argv):
    """`python cli.py`, `python -m cli` and `optiscape` (cli.py's __main__ block once ran
    before the gif command was defined: NameError: _add_gif)."""
    root = Path(cli.__file__).parent
    doors = [
        [sys.executable, str(root / "cli.py")],
        [sys.executable, "-m", "cli"],
        [_console_script()],
    ]
    done = [
        subprocess.run([*door, *argv], capture_output=True, text=True, timeout=120, cwd=root)
        for door in doors
    ]
    for d in done:
        assert (d.returncode, d.stderr) == (0, ""), d.stderr
    assert done[0].stdout == done[1].stdout == done[2].stdout != ""


# ----------------------------------------------------------------------------------- run


def test_run_json_agrees_with_simulate(capsys):
    status, out, err = invoke(
        capsys,
        *("run", "--surface", "valley", "--param", "kappa=100", "--param", "theta=-20"),
        *("--optimizer", "adam", "--set", "lr=0.5", "--set", "lr=0.05", "--set", "beta1=0.8"),
        *("--schedule", "cosine", "--schedule-set", "alpha=0.1"),
        *("--start=-2.5,1.5", "--steps", "40", "--noise", "0.1", "--seed", "3"),
    )
    assert status == 0 and err == ""
    result = strict_json(out)
    t = optimizers.simulate(
        "valley",
        "adam",
        start=(-2.5, 1.5),
        steps=40,
        hparams={"lr": 0.05, "beta1": 0.8},  # the last --set of a name wins
        surface_params={"kappa": 100.0, "theta": -20.0},
        schedule="cosine",
        schedule_params={"alpha": 0.1},
        noise=0.1,
        seed=3,
    )
    assert list(result) == [
        "surface",
        "optimizer",
        "hparams",
        "surface_params",
        "schedule",
        "schedule_params",
        "noise",
        "seed",
        "batch",
        "start",
        "steps",
        "xy",
        "loss",
        "lr",
        "diverged_at",
    ]
    assert result["surface"] == "valley" and result["optimizer"] == "adam"
    assert result["hparams"] == {"lr": 0.05, "beta1": 0.8, "beta2": 0.999, "eps": 1e-8}
    assert result["surface_params"] == {"kappa": 100.0, "theta": -20.0}
    assert result["schedule"] == "cosine" and result["schedule_params"] == {"alpha": 0.1}
    assert (result["noise"], result["seed"]) == (0.1, 3)
    assert result["start"] == [-2.5, 1.5] and result["steps"] == 40
    assert result["diverged_at"] is None
    # the decimals read back as exactly the engine's numbers (float32, or float64 under x64)
    xy = np.array(result["xy"], t.xy.dtype)
    np.testing.assert_array_equal(xy, t.xy)
    np.testing.assert_array_equal(column(result["loss"], t.loss.dtype), t.loss)
    np.testing.assert_array_equal(column(result["lr"], t.lr.dtype), t.lr)
    assert xy.shape == (41, 2) and len(result["lr"]) == 40
    assert result["lr"][0] == 0.05 and result["lr"][-1] < 0.01  # cosine from η towards αη


def booth_sgd(start: tuple[float, float], lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """SGD on Booth with the gradient written out by hand, in float64."""

    def f(x, y):
        return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2

    def grad(x, y):
        a, b = x + 2 * y - 7, 2 * x + y - 5
        return np.array([2 * a + 4 * b, 4 * a + 2 * b])

    xy = [np.array(start, float)]
    for _ in range(steps):
        xy.append(xy[-1] - lr * grad(*xy[-1]))
    xy = np.array(xy)
    return xy, f(xy[:, 0], xy[:, 1])


def test_run_defaults_and_an_independent_reference(capsys):
    status, out, _ = invoke(capsys, "run", "--surface", "booth", "--optimizer", "sgd")
    assert status == 0
    defaults = strict_json(out)
    assert defaults["start"] == [-8.0, -8.0] and defaults["steps"] == 500
    assert defaults["hparams"] == {"lr": 0.001} and defaults["schedule"] == "constant"
    assert (defaults["noise"], defaults["seed"], defaults["schedule_params"]) == (0.0, 0, {})

    _, out, _ = invoke(capsys, "run", "--surface", "booth", "--optimizer", "sgd", "--set=lr=0.01")
    result = strict_json(out)
    xy = np.array(result["xy"])
    # the first step by hand: ∇f(−8, −8) = (2·(−31) + 4·(−29), 4·(−31) + 2·(−29)) = (−178, −182)
    np.testing.assert_allclose(xy[1], [-8 + 0.01 * 178, -8 + 0.01 * 182], rtol=1e-6)
    assert result["loss"][0] == 31**2 + 29**2
    ref_xy, ref_loss = booth_sgd((-8.0, -8.0), 0.01, 500)
    np.testing.assert_allclose(xy, ref_xy, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(result["loss"], ref_loss, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(xy[-1], [1.0, 3.0], atol=1e-4)  # Booth's minimum
    assert result["lr"] == [0.01] * 500


def test_run_csv(capsys):
    argv = ("run", "--surface", "booth", "--optimizer", "sgd", "--set", "lr=0.01")
    status, out, err = invoke(capsys, *argv, "--steps", "500", "--format", "csv")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 500 + 2 and lines[0] == "step,x,y,loss,lr"
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert [int(r[0]) for r in rows] == list(range(501))
    assert rows[-1][4] == "" and all(r[4] == "0.01" for r in rows[:-1])
    table = np.array([[float(v) for v in r[1:4]] for r in rows], np.float32)

    _, out, _ = invoke(capsys, *argv, "--steps", "500")
    result = strict_json(out)
    np.testing.assert_array_equal(table[:, :2], np.array(result["xy"], np.float32))
    np.testing.assert_array_equal(table[:, 2], column(result["loss"]))


def test_diverging_run_is_valid_json_with_nulls(capsys):
    status, out, err = invoke(capsys, *RUN, "--set", "lr=10", "--steps", "20")
    assert status == 0 and err == ""
    assert "NaN" not in out and "Infinity" not in out
    result = strict_json(out)
    at = result["diverged_at"]
    t = optimizers.simulate("rosenbrock", "sgd", steps=20, hparams={"lr": 10.0})
    assert at == t.diverged_at and 1 <= at <= 20
    assert result["xy"][0] == [-1.5, 2.0] and result["loss"][0] == 12.5
    assert all(p == [None, None] for p in result["xy"][at:])
    assert all(v is None for v in result["loss"][at:])
    assert all(v is not None for v in result["loss"][:at])
    assert result["lr"] == [10.0] * 20  # the schedule still has a value at every step


def test_diverging_run_csv_leaves_rows_empty(capsys):
    _, out, _ = invoke(capsys, *RUN, "--set", "lr=10", "--steps", "20", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert len(rows) == 21 and rows[0][1:4] == ["-1.5", "2.0", "12.5"]
    at = optimizers.simulate("rosenbrock", "sgd", steps=20, hparams={"lr": 10.0}).diverged_at
    assert all(r[1:4] == ["", "", ""] for r in rows[at:])
    assert "nan" not in out.lower()


# -------------------------------------------------------------------------- bad arguments

BAD = {
    "no command": ([], "command"),
    "unknown command": (["frobnicate"], "frobnicate"),
    "unknown flag": ([*RUN, "--bogus"], "--bogus"),
    "stray argument": ([*RUN, "extra"], "extra"),
    "abbreviated flag": (["run", "--surf", "rosenbrock", "--optimizer", "sgd"], "--surf"),
    "no surface": (["run", "--optimizer", "sgd"], "--surface"),
    "no optimizer": (["run", "--surface", "rosenbrock"], "--optimizer"),
    "unknown surface": (["run", "--surface", "nope", "--optimizer", "sgd"], "surface 'nope'"),
    "unknown optimizer": (["run", "--surface", "booth", "--optimizer", "nope"], "optimizer 'nope'"),
    "unknown schedule": ([*RUN, "--schedule", "nope"], "schedule 'nope'"),
    "unknown hparam": ([*RUN, "--set", "beta=0.9"], "'beta'"),
    "hparam too large": ([*RUN, "--set", "lr=100"], "'lr'"),
    "hparam too small": ([*RUN, "--set", "lr=0"], "'lr'"),
    "hparam not a number": ([*RUN, "--set", "lr=fast"], "'lr'"),
    "hparam not finite": ([*RUN, "--set", "lr=nan"], "'lr'"),
    "set without =": ([*RUN, "--set", "lr"], "--set"),
    "set without name": ([*RUN, "--set", "=0.1"], "--set"),
    "set without value": ([*RUN, "--set", "lr="], "--set"),
    "set without its value": ([*RUN, "--set"], "--set"),
    "surface param out of range": (
        ["run", "--surface", "valley", "--optimizer", "sgd", "--param", "kappa=0.5"],
        "'kappa'",
    ),
    "surface has no params": ([*RUN, "--param", "kappa=10"], "'kappa'"),
    "schedule param out of range": (
        [*RUN, "--schedule", "cosine", "--schedule-set", "alpha=2"],
        "'alpha'",
    ),
    "schedule param of another schedule": ([*RUN, "--schedule-set", "alpha=0.1"], "'alpha'"),
    "start with three numbers": ([*RUN, "--start=1,2,3"], "--start"),
    "start with one number": ([*RUN, "--start=1"], "--start"),
    "start not numbers": ([*RUN, "--start=a,b"], "--start"),
    "start not finite": ([*RUN, "--start=inf,0"], "--start"),
    "start far outside": ([*RUN, "--start=1000,1000"], "start"),
    "negative start not attached": ([*RUN, "--start", "-1.5,2"], "--start=-1.5,2"),
    "zero steps": ([*RUN, "--steps", "0"], "steps"),
    "too many steps": ([*RUN, "--steps", str(optimizers.MAX_STEPS + 1)], "steps"),
    "steps not a number": ([*RUN, "--steps", "ten"], "--steps"),
    "negative noise": ([*RUN, "--noise", "-1"], "noise"),
    "noise not a number": ([*RUN, "--noise", "loud"], "--noise"),
    "negative seed": ([*RUN, "--seed", "-1"], "seed"),
    "unknown run format": ([*RUN, "--format", "xml"], "'xml'"),
    "unknown list format": (["list", "--format", "csv"], "'csv'"),
}


@pytest.mark.parametrize(("argv", "names"), list(BAD.values()), ids=list(BAD))
def test_bad_arguments_exit_2_with_one_line(capsys, argv, names):
    status, out, err = invoke(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith(ERROR) and err.endswith("\n") and err.count("\n") == 1, err
    assert names in err
    assert err[len(ERROR)] not in "'\"", "a KeyError's message must not come quoted"
    assert "Traceback" not in err and "usage:" not in err


def test_closed_pipe_is_not_a_traceback(monkeypatch):
    """`optiscape list | head -1`: the reader left, so stop quietly with status 1."""

    class ClosedPipe(io.StringIO):
        def __init__(self, fd: int) -> None:
            super().__init__()
            self.fd = fd

        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            return self.fd

    read_end, write_end = os.pipe()
    try:
        monkeypatch.setattr(sys, "stdout", ClosedPipe(write_end))
        assert cli.main(["list"]) == 1
    finally:
        os.close(read_end)
        os.close(write_end)


# ----------------------------------------------------------------------------------- gif


def test_gif_writes_the_apps_animation(capsys, tmp_path):
    from PIL import Image

    out = tmp_path / "r.gif"
    status, stdout, err = invoke(
        capsys,
        "gif",
        "--surface=rosenbrock",
        "--optimizers=sgd,momentum,rmsprop,adam",
        "--steps=300",
        "--set=adam.lr=0.05",
        "--frames=50",
        "--fps=10",
        "--size=480x360",
        f"--out={out}",
    )
    assert (status, err) == (0, "")
    assert str(out) in stdout
    with Image.open(out) as img:
        assert (img.format, img.size, img.n_frames) == ("GIF", (480, 360), 50)
        assert img.info["duration"] == 100


GIF_BAD = {
    "unknown optimizer": (["--optimizers=sgd,nope"], ["nope"]),
    "repeated optimizer": (["--optimizers=sgd,sgd"], ["distinct"]),
    "set for an unlisted optimizer": (["--optimizers=sgd", "--set=adam.lr=1"], ["adam.lr"]),
    "set without optimizer": (["--optimizers=sgd", "--set=lr=1"], ["lr=1"]),
    "out of range hparam": (["--optimizers=sgd", "--set=sgd.lr=99"], ["lr", "[1e-06, 10]"]),
    "too many frames": (["--optimizers=sgd", "--frames=99999"], ["frames"]),
    "bad size": (["--optimizers=sgd", "--size=big"], ["WIDTHxHEIGHT"]),
    "tiny size": (["--optimizers=sgd", "--size=10x10"], ["width"]),
    "bad fps": (["--optimizers=sgd", "--fps=0"], ["fps"]),
    "unwritable out": (["--optimizers=sgd", "--out=/nonexistent/dir/x.gif"], ["cannot write"]),
    "negative stop rule": (["--optimizers=sgd", "--stop-grad=-1"], ["--stop-grad", "[0, 1000]"]),
    "stop rule not a number": (["--optimizers=sgd", "--stop-loss=nan"], ["--stop-loss"]),
    "mp4 too small": (["--optimizers=sgd", "--size=100x100", "--out=x.mp4"], ["width"]),
}


@pytest.mark.parametrize(("argv", "names"), list(GIF_BAD.values()), ids=list(GIF_BAD))
def test_gif_bad_arguments_exit_2_with_one_line(capsys, tmp_path, argv, names):
    args = ["gif", "--surface=rosenbrock", "--steps=50", *argv]
    if not any(a.startswith("--out") for a in argv):
        args.append(f"--out={tmp_path / 'x.gif'}")
    status, out, err = invoke(capsys, *args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("optiscape: error: ")
    for n in names:
        assert n in err
    assert not (tmp_path / "x.gif").exists()


# ------------------------------------------------------------------------------- formula


def test_run_accepts_a_typed_formula(capsys):
    status, out, err = invoke(
        capsys,
        "run",
        "--formula=x**2 + 10*y**2",
        "--domain=-2,2,-1,1",
        "--start=1.5,0.5",
        "--optimizer=sgd",
        "--set=lr=0.01",
        "--steps=50",
    )
    assert (status, err) == (0, "")
    got = strict_json(out)
    assert got["surface"] == "custom"
    # an independent reference: SGD on x² + 10y² is x ← (1 − 2η)x, y ← (1 − 20η)y
    x, y = 1.5 * 0.98 ** np.arange(51), 0.5 * 0.8 ** np.arange(51)
    assert np.allclose(column(got["xy"]), np.stack([x, y], axis=1), rtol=1e-5, atol=1e-7)


def test_gif_accepts_a_typed_formula(capsys, tmp_path):
    from PIL import Image

    out = tmp_path / "f.gif"
    status, _, err = invoke(
        capsys,
        "gif",
        "--formula=(x-1)**2 + 5*(y+0.5)**2",
        "--domain=-2,3,-2,2",
        "--optimizers=sgd,adam",
        "--steps=100",
        "--frames=20",
        f"--out={out}",
    )
    assert (status, err) == (0, "")
    with Image.open(out) as img:
        assert img.n_frames == 20


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--formula=2x"], "write 2*x"),
        (["--formula=__import__('os')"], "unknown name '__import__'"),
        (["--formula=x", "--domain=1,0,0,1"], "domain"),
        (["--formula=x", "--domain=a,b"], "X0,X1,Y0,Y1"),
        (["--surface=rosenbrock", "--domain=0,1,0,1"], "--domain goes with --formula"),
        (["--surface=rosenbrock", "--formula=x"], "not allowed with"),
        (["--formula=x", "--start=9,9"], "start"),
    ],
)
def test_bad_formulas_exit_2_with_one_line(capsys, argv, named):
    status, out, err = invoke(capsys, "run", "--optimizer=sgd", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("optiscape: error: ")
    assert named in err


def test_run_takes_sampled_batches_on_data_surfaces_and_choices_by_name(capsys):
    code, out, _ = invoke(
        capsys,
        "run",
        "--surface",
        "neuron",
        "--optimizer",
        "sgd",
        "--param",
        "activation=relu",
        "--param",
        "loss=cross_entropy",
        "--batch",
        "8",
        "--steps",
        "20",
        "--seed",
        "3",
    )
    assert code == 0
    record = strict_json(out)
    t = optimizers.simulate(
        "neuron", "sgd", steps=20, batch=8, seed=3, surface_params={"activation": 2, "loss": 1}
    )
    assert record["batch"] == 8 and record["surface_params"] == {"activation": 2.0, "loss": 1.0}
    np.testing.assert_allclose(np.array(record["xy"], dtype=float), t.xy, rtol=1e-6)


def test_batch_on_an_analytic_surface_is_a_usage_error(capsys):
    code, _, err = invoke(
        capsys, "run", "--surface", "rosenbrock", "--optimizer", "sgd", "--batch", "4"
    )
    assert code == 2 and "defined by data" in err and err.count("\n") == 1


# ------------------------------------------------------------------ the app's gif command

VIEWS = {
    "everything set": scenarios.Settings(
        surface="valley",
        surface_params={"kappa": 40.0, "theta": 0.3, "reg_alpha": 0.05},
        start=(-2.5, 1.75),
        steps=120,
        runs=(
            scenarios.Run("momentum", {"lr": 0.02, "beta": 0.8}),
            scenarios.Run("adam", {**optimizers.get("adam").defaults, "lr": 0.05, "eps": 1e-7}),
            scenarios.Run.default("rmsprop"),
        ),
        schedule="cosine",
        schedule_params={"alpha": 0.1},
        noise=0.05,
        seed=3,
        reg="l2",
        stop_grad=1e-4,
    ),
    "typed formula, L1 with prox, a slider's long float": scenarios.Settings(
        surface=scenarios.CUSTOM,
        formula="(x - 1)**2 + 3*y**2 - x*y",
        domain=((-2.0, 3.0), (-1.5, 2.0)),
        start=(2.5, -1.0),
        steps=60,
        runs=(scenarios.Run("sgd", {"lr": 10**-1.3}),),
        reg="l1",
        prox=True,
        surface_params={"reg_alpha": 0.2},
        stop_loss=1e-6,
    ),
    "the default view": scenarios.Settings(steps=80),
}


@pytest.mark.parametrize("view", list(VIEWS.values()), ids=list(VIEWS))
def test_the_apps_command_makes_the_views_animation(capsys, monkeypatch, tmp_path, view):
    import shlex

    from scenarios import export

    options = {"frames": 12, "fps": 10, "size": (320, 240)}
    out = tmp_path / "view.gif"
    line = export.gif_command(view, **options, out=str(out))
    argv = shlex.split(line)  # as a shell would split it
    assert argv[:2] == ["optiscape", "gif"]
    seen: list[scenarios.Settings] = []
    render = export.gif_bytes

    def spy(s: scenarios.Settings, **kw: object) -> bytes:
        seen.append(s)
        return render(s, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "gif_bytes", spy)
    status, stdout, err = invoke(capsys, *argv[1:])
    assert (status, err) == (0, ""), line
    (got,) = seen
    # the same run: the engine's one value for it (surface with its parameters and penalty,
    # start, steps, schedule, noise, seed, stopping rule), and the same optimizers and hparams
    assert got.spec == view.spec
    assert got.start_point == view.start_point
    assert [
        (r.optimizer, optimizers.get(r.optimizer).resolve_hparams(r.hparams)) for r in got.runs
    ] == [(r.optimizer, optimizers.get(r.optimizer).resolve_hparams(r.hparams)) for r in view.runs]
    # and the same file, byte for byte, as the app's GIF button makes of the view
    assert out.read_bytes() == render(view, **options)  # type: ignore[arg-type]
    assert "320x240" in stdout


def test_the_apps_command_reproduces_a_link(capsys, monkeypatch, tmp_path):
    """A view restored from a link (six-digit numbers) round-trips too."""
    import shlex

    from scenarios import export

    view, warnings = scenarios.decode(
        {"surface": "himmelblau", "opt": "nesterov,adagrad", "nesterov.lr": "0.0123",
         "nesterov.beta": "0.95", "adagrad.eps": "1e-07", "steps": "90", "start": "-1,-2.5"}
    )  # fmt: skip
    assert warnings == []
    seen: list[scenarios.Settings] = []
    monkeypatch.setattr(export, "gif_bytes", lambda s, **kw: seen.append(s) or b"GIF89a;")
    argv = shlex.split(export.gif_command(view, frames=10, out=str(tmp_path / "l.gif")))
    assert invoke(capsys, *argv[1:])[0] == 0
    assert "--set nesterov.lr=0.0123" in " ".join(argv) and "adagrad.lr" not in " ".join(argv)
    assert seen[0].spec == view.spec
    assert [r.hparams for r in seen[0].runs] == [r.hparams for r in view.runs]


@pytest.mark.parametrize(("size", "shown"), [("320x240", "320x240"), ("321x241", "320x240")])
def test_gif_writes_an_mp4_for_an_mp4_name(capsys, tmp_path, size, shown):
    import imageio_ffmpeg

    out = tmp_path / "slides.MP4"
    status, stdout, err = invoke(
        capsys,
        "gif",
        "--surface=rosenbrock",
        "--optimizers=sgd,adam",
        "--steps=60",
        "--frames=15",
        "--fps=15",
        f"--size={size}",
        f"--out={out}",
    )
    assert (status, err) == (0, "")
    assert stdout.strip().endswith(shown)
    probe = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(out), "-f", "null", "-"]
    with warnings.catch_warnings():  # JAX's warning at fork: here a fork-then-exec of ffmpeg
        warnings.filterwarnings("ignore", r"os\.fork\(\) was called", RuntimeWarning)
        done = subprocess.run(probe, capture_output=True, text=True, check=True)
    assert re.search(rf"Video: h264 .*{shown}.*15 fps", done.stderr), done.stderr
    assert re.findall(r"frame=\s*(\d+)", done.stderr)[-1] == "15"


def test_the_command_the_app_shows_reproduces_its_view(capsys, monkeypatch, tmp_path):
    """End to end: the line under the app's download buttons, run here, makes the link's view."""
    import shlex

    from streamlit.testing.v1 import AppTest

    from scenarios import export

    link = {"surface": "valley", "valley.kappa": "25", "opt": "momentum,adam", "steps": "150",
            "momentum.beta": "0.75", "adam.lr": "0.03", "start": "-2,1.5"}  # fmt: skip
    at = AppTest.from_file(str(Path(cli.__file__).with_name("app.py")), default_timeout=120)
    for k, v in link.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    (line,) = [c.value for c in at.code if c.value.startswith("optiscape gif ")]
    argv = shlex.split(line)
    argv[argv.index("--out") + 1] = str(tmp_path / "app.gif")
    seen: list[scenarios.Settings] = []
    monkeypatch.setattr(export, "gif_bytes", lambda s, **kw: seen.append(s) or b"GIF89a;")
    assert invoke(capsys, *argv[1:])[0] == 0
    view, _ = scenarios.decode(link)
    assert seen[0].spec == view.spec
    assert [(r.optimizer, r.hparams) for r in seen[0].runs] == [
        (r.optimizer, r.hparams) for r in view.runs
    ]
