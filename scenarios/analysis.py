"""What the Compare page says about its runs beyond the paths: the kind of point each path
ended at (and the start), and the effective step sizes of the adaptive methods. No UI here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import optimizers
from optimizers import effective
from optimizers.stopping import StopRule, stopped
from plots import palette
from plots.effective import StepSizes
from surfaces import Surface, critical


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def point_row(label: str, a: critical.PointAnalysis) -> dict[str, str]:
    """One table row: where, ‖∇f‖, the Hessian's eigenvalues, and the verdict."""
    lo, hi = a.eigenvalues
    verdict = a.verdict if a.verdict != "not critical" else f"not critical ({a.curvature})"
    return {
        "": label,
        "point": f"({a.point[0]:.4g}, {a.point[1]:.4g})",
        "‖∇f‖": _fmt(a.grad_norm),
        "Hessian eigenvalues λ₁, λ₂": f"{_fmt(lo)}, {_fmt(hi)}",
        "verdict": verdict,
    }


def critical_rows(
    surface: Surface,
    params: Mapping[str, float],
    start: tuple[float, float],
    runs: Sequence[optimizers.Trajectory],
) -> list[dict[str, str]]:
    """The start, then each run's last finite point."""
    rows = [point_row("start", critical.analyze(surface, start, params))]
    for t in runs:
        end = tuple(float(v) for v in t.xy[t.last_finite])
        rows.append(
            point_row(optimizers.get(t.optimizer).title, critical.analyze(surface, end, params))
        )
    return rows


def saddle_directions(
    surface: Surface, params: Mapping[str, float], runs: Sequence[optimizers.Trajectory]
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """(point, the eigenvector along which f falls) for every run that ended at a saddle."""
    out = []
    for t in runs:
        a = critical.analyze(surface, tuple(float(v) for v in t.xy[t.last_finite]), params)
        if a.verdict == "saddle":
            out.append((a.point, a.eigenvectors[0]))
    return out


def apply_stop(
    rule: StopRule, surface: Surface, runs: Sequence[optimizers.Trajectory]
) -> tuple[list[optimizers.Trajectory], list[int | None]]:
    """Each run cut at the step where ``rule`` stops it, and that step (None: it ran on)."""
    if not rule.active:
        return list(runs), [None] * len(runs)
    cut = [stopped(t, rule, surface) for t in runs]
    return [c[0] for c in cut], [c[1] for c in cut]


def forms(name: str) -> list[optimizers.Optimizer]:
    """The other forms of ``name``'s optimizer: its variants, or its default form and the
    default form's other variants (what the optimizer's panel offers as switches)."""
    base = optimizers.get(name).variant_of or name
    family = [optimizers.get(base)] + [o for o in optimizers.REGISTRY if o.variant_of == base]
    return [o for o in family if o.name != name]


def step_sizes(surface: Surface, runs: Sequence[optimizers.Trajectory]) -> list[StepSizes]:
    """Each adaptive run's per-coordinate effective step size over time."""
    return [
        StepSizes(
            optimizers.get(t.optimizer).title,
            palette.path_color(t.optimizer, i),
            effective.effective_steps(t, surface),
        )
        for i, t in enumerate(runs)
        if effective.adaptive(t.optimizer) and t.last_finite > 0
    ]


def step_arrows(
    surface: Surface, runs: Sequence[optimizers.Trajectory], steps: Sequence[int]
) -> list[dict]:
    """What each run's step does at each of ``steps`` (the animation's frame steps), for arrows
    on the map: where it stands, −η_t ∇f (the step plain gradient descent would take there),
    −η_t d_t where the optimizer's direction carries a memory (momentum's v, Adam's m̂), the
    step actually taken x_{t+1} − x_t, and for adaptive methods each coordinate's scale
    η_t / (√s_t + ε). ``None`` at a step the run did not take (it ended or diverged)."""
    out = []
    for i, t in enumerate(runs):
        scale, direction, gradient = effective.step_parts(t, surface)
        k = len(direction)
        lr = t.lr[:k, None]
        # the direction before the per-coordinate scale: momentum's v, Adam's m̂; one that is
        # the gradient itself (GD, AdaGrad, RMSProp) has no memory to draw
        unscaled = np.divide(direction, scale, out=np.zeros_like(direction), where=scale != 0)
        remembers = bool(k) and not np.allclose(unscaled, gradient, rtol=1e-5, atol=0.0)

        def at(rows, k=k):
            return [None if s >= k else [float(f"{v:.6g}") for v in rows[s]] for s in steps]

        out.append(
            {
                "label": optimizers.get(t.optimizer).title,
                "color": palette.path_color(t.optimizer, i),
                "point": at(t.xy),
                "gradient": at(-lr * gradient),
                "memory": at(-lr * unscaled) if remembers else None,
                "step": at(t.xy[1 : k + 1] - t.xy[:k]),
                "scale": at(lr * scale) if effective.adaptive(t.optimizer) else None,
            }
        )
    return out
