"""The Data page's view model: one optimizer on a surface defined by data, its gradient on
sampled batches, the full-batch path beside it and other seeds behind it; the page's presets,
its settings (`DataView`) and their link. Glue between the engine and the plots; no UI."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

import optimizers
import surfaces
from plots import compare, palette
from scenarios.link import Reader, params_query, read_optimizer
from surfaces import Param, neuron

TOLERANCE = 1e-2  # "converged": f − f* at most this
RAW, STD, NEURON, SADDLE = "linreg_raw", "linreg_standardized", "neuron", "saddle_data"
NEAR = 0.1  # "at" a critical point: within this distance of it
FULL_BATCH_COLOR = "#38bdf8"


@dataclass(frozen=True)
class DataRun:
    surface: str
    optimizer: str
    hparams: dict[str, float]
    steps: int
    batch: int
    seed: int
    surface_params: dict[str, float] = field(default_factory=dict)

    def spec(self, *, batch: int | None = None, seed: int | None = None) -> optimizers.RunSpec:
        """The run's configuration (optionally with another batch size or seed)."""
        return optimizers.RunSpec.make(
            self.surface,
            steps=self.steps,
            surface_params=self.surface_params,
            batch=self.batch if batch is None else batch,
            seed=self.seed if seed is None else seed,
        )


def batch_label(batch: int, n: int) -> str:
    """What the course notes call a run with this batch size."""
    if batch == n:
        return f"batch GD (all {n})"
    if batch == 1:
        return "SGD (1 example)"
    return f"mini-batch ({batch} of {n})"


def steps_to_converge(t: optimizers.Trajectory, f_min: float, tol: float = TOLERANCE) -> int | None:
    """The first step with f − f* ≤ ``tol`` (None: never, within the run)."""
    hit = np.flatnonzero(t.loss - f_min <= tol)
    return int(hit[0]) if hit.size else None


def travelled(t: optimizers.Trajectory) -> float:
    """How far the path got from its start (to its last finite point)."""
    return float(np.linalg.norm(t.xy[t.last_finite] - t.xy[0]))


def series(
    r: DataRun, main: optimizers.Trajectory, full: optimizers.Trajectory | None
) -> list[compare.Series]:
    """The sampled-batch run, and (when it is not already the full batch) the full-batch run."""
    n = surfaces.get(r.surface).data.n
    color = palette.path_color(r.optimizer)
    label = batch_label(r.batch, n)
    out = [compare.Series("main", label, color, main.xy, main.loss, main.lr, main.diverged_at)]
    if full is not None and r.batch != n:
        out.append(
            compare.Series(
                "full",
                batch_label(n, n),
                FULL_BATCH_COLOR,
                full.xy,
                full.loss,
                full.lr,
                full.diverged_at,
            )
        )
    return out


def loss_variants(r: DataRun) -> list[DataRun]:
    """The neuron run under each loss, the activation kept: the page's comparison table."""
    return [
        DataRun(
            r.surface,
            r.optimizer,
            r.hparams,
            r.steps,
            r.batch,
            r.seed,
            {**r.surface_params, "loss": float(i)},
        )
        for i in range(len(neuron.LOSSES))
    ]


@dataclass(frozen=True)
class DataPreset:
    """A one-click Data-page scenario: its widget values and the question it poses."""

    name: str
    title: str
    question: str
    model: str  # "regression", "neuron" or "saddle"
    standardize: bool = False
    activation: str = "sigmoid"
    loss: str = "squared_error"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch: int = 8
    steps: int = 500


def where_it_ended(t: optimizers.Trajectory) -> str:
    """On the saddle surface: is the path's last point at the saddle, at a minimum, or neither."""
    s = surfaces.get(SADDLE)
    end = t.xy[t.last_finite]
    if np.linalg.norm(end) <= NEAR:
        return "at the saddle (0, 0)"
    for m in s.minima:
        if np.linalg.norm(end - np.asarray(m)) <= NEAR:
            return f"at the minimum ({m[0]:g}, {m[1]:g})"
    return "in between"


def seed_runs(r: DataRun, k: int) -> list[DataRun]:
    """``r`` with the seeds r.seed … r.seed + k − 1."""
    return [
        DataRun(r.surface, r.optimizer, r.hparams, r.steps, r.batch, r.seed + i, r.surface_params)
        for i in range(k)
    ]


DATA_PRESETS = (
    DataPreset(
        "normalize",
        "Normalizing inputs rounds the valley",
        "The same SGD on the same data: why does the raw feature need so many more steps "
        "than the standardized one? Toggle “Standardize the feature” and compare the table.",
        "regression",
        lr=0.045,  # just under raw's stability limit 2 / λ_max ≈ 0.049
        batch=64,
    ),
    DataPreset(
        "mse_stalls",
        "Squared error stalls where cross-entropy does not",
        "A confidently wrong sigmoid neuron: squared error's gradient carries σ′, which is "
        "tiny there, while cross-entropy's does not. Which loss gets out in 200 steps?",
        "neuron",
        lr=0.1,
        batch=64,
        steps=200,
    ),
    DataPreset(
        "sgd_noise",
        "SGD's noisy steps around the full-batch path",
        "One example per step: the path wanders, yet the paths of other seeds all end near "
        "the minimum. How small can the batch be before the noise hides the valley?",
        "regression",
        standardize=True,
        batch=1,
        steps=400,
    ),
    DataPreset(
        "saddle_escape",
        "SGD escapes a saddle that GD cannot",
        "Started on the ridge y = 0, batch gradient descent slides into the saddle and stays, "
        "since the 64 examples' pulls cancel there. With 8 examples per step they do not: "
        "does every seed fall off the ridge, and to which side?",
        "saddle",
        lr=0.1,
        batch=8,
        steps=300,
    ),
)


def preset(name: str) -> DataPreset:
    for p in DATA_PRESETS:
        if p.name == name:
            return p
    raise KeyError(
        f"unknown Data preset {name!r}; choose one of: {', '.join(p.name for p in DATA_PRESETS)}"
    )


# ------------------------------------------------------------------------- the page's view

MODELS = ("regression", "neuron", "saddle")
N_EXAMPLES = 64  # every data surface's example count (surfaces/data.py, surfaces/neuron.py)
BATCHES = (1, 2, 4, 8, 16, 32, N_EXAMPLES)
SPREAD_CHOICES = (0, 5, 10, 20, 40)
STEPS = Param("steps", 500, 10, 5000, "T", integer=True, help="number of steps")
SEED = Param("seed", 0, 0, 2**31 - 1, "seed", integer=True, help="sampling seed")
# η = 0.03: stable across the raw feature's valley (2 / λ_max ≈ 0.049), so the contrast with
# the standardized feature is the step count, not a divergence
DEFAULT_LR = 0.03


@dataclass(frozen=True)
class DataView:
    """The Data page as shown: ``/data?model=neuron&act=relu&loss=cross_entropy&opt=sgd&
    sgd.lr=0.1&batch=8&steps=500&seed=0&spread=10&full=1`` (``std=1`` standardizes the
    regression's feature; ``preset`` names the preset whose question is shown)."""

    model: str = "regression"
    standardize: bool = False
    activation: str = "sigmoid"
    loss: str = "squared_error"
    optimizer: str = "sgd"
    hparams: dict[str, float] = field(default_factory=lambda: {"lr": DEFAULT_LR}, hash=False)
    batch: int = 8
    steps: int = 500
    seed: int = 0
    spread: int = 10
    full: bool = True
    preset: str = ""

    @property
    def surface(self) -> str:
        if self.model == "regression":
            return STD if self.standardize else RAW
        return SADDLE if self.model == "saddle" else NEURON

    @property
    def run(self) -> DataRun:
        """The sampled-batch run the page draws."""
        params = {}
        if self.model == "neuron":
            params = {
                "activation": float(neuron.ACTIVATIONS.index(self.activation)),
                "loss": float(neuron.LOSSES.index(self.loss)),
            }
        return DataRun(
            self.surface, self.optimizer, self.hparams, self.steps, self.batch, self.seed, params
        )

    @property
    def preset_shown(self) -> DataPreset | None:
        """The preset whose question applies: the one loaded, while its settings stand."""
        if not self.preset:
            return None
        p = preset(self.preset)
        return p if from_preset(p, self) == replace(self, preset=p.name) else None


def optimizer_names() -> tuple[str, ...]:
    """Newton's exact Hessian has no sampled-batch form: every other optimizer."""
    return tuple(o for o in optimizers.names() if o != "newton")


def from_preset(p: DataPreset, base: DataView | None = None) -> DataView:
    """The view a preset sets (the display choices of ``base`` kept)."""
    base = base or DataView()
    hparams = optimizers.get(p.optimizer).resolve_hparams({"lr": p.lr})
    return replace(
        base,
        model=p.model,
        standardize=p.standardize,
        activation=p.activation,
        loss=p.loss,
        optimizer=p.optimizer,
        hparams=hparams,
        batch=p.batch,
        steps=p.steps,
        seed=base.seed,
        preset=p.name,
    )


def encode(v: DataView) -> dict[str, str]:
    # the other models' choices too: switching model in an opened link finds them as left
    q = {"model": v.model, "std": "1" if v.standardize else "0"}
    q["act"], q["loss"] = v.activation, v.loss
    q.update(
        {
            "opt": v.optimizer,
            "batch": str(v.batch),
            "steps": str(v.steps),
            "seed": str(v.seed),
            "spread": str(v.spread),
            "full": "1" if v.full else "0",
            **params_query(v.optimizer, v.hparams),
        }
    )
    if v.preset:
        q["preset"] = v.preset
    return q


def decode(query: Mapping[str, str | Iterable[str]]) -> tuple[DataView, list[str]]:
    read = Reader(query)
    d = DataView()
    model = read.choice("model", MODELS, d.model, "model")
    standardize = read.flag("std", d.standardize)
    activation = read.choice("act", neuron.ACTIVATIONS, d.activation, "activation")
    loss = read.choice("loss", neuron.LOSSES, d.loss, "loss")
    optimizer, hparams = read_optimizer(read, "opt", d.optimizer, optimizer_names(), d.hparams)
    batch = _one_of(read, "batch", BATCHES, d.batch)
    steps = int(read.scalar("steps", STEPS, d.steps))
    seed = int(read.scalar("seed", SEED, d.seed))
    spread = _one_of(read, "spread", SPREAD_CHOICES, d.spread)
    full = read.flag("full", d.full)
    names = tuple(p.name for p in DATA_PRESETS)
    chosen = read.choice("preset", names, "", "preset")

    view = DataView(
        model,
        standardize,
        activation,
        loss,
        optimizer,
        hparams,
        batch,
        steps,
        seed,
        spread,
        full,
        chosen,
    )
    return view, read.finish()


def _one_of(read: Reader, key: str, options: Sequence[int], default: int) -> int:
    text = read.take(key)
    if text is None:
        return default
    if text.isdigit() and int(text) in options:
        return int(text)
    read.warn(f"ignored {key}={text!r}: choose one of {', '.join(map(str, options))}")
    return default
