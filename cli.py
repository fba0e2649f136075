"""The terminal front door, ``optiscape``: the same registries and engine as the app.

    optiscape list [--format json]
    optiscape run --surface rosenbrock --optimizer adam --start=-1.5,2 --steps 500 \\
                  --set lr=0.01 --set beta1=0.9 --format json      # or csv
    optiscape gif --surface rosenbrock --optimizers sgd,momentum,rmsprop,adam \\
                  --steps 300 --set adam.lr=0.05 --out rosenbrock.gif     # or .mp4
    optiscape run --surface himmelblau --reg l1 --alpha 0.5 --prox --optimizer sgd

Bad arguments of any kind — argparse's own complaints and the engine's ``ValueError`` and
``KeyError`` alike — exit with status 2 and one line on stderr, ``optiscape: error: …``.

A subcommand is one ``_add_<name>(commands)`` function that builds its parser and sets its
``handler`` (``Namespace -> exit status``), plus one call in `build_parser`. Options that
describe a path (surface, start, steps, schedule, noise) come from `_add_path_options`, so
every command spells them the same way, the regularization (``--reg l1|l2 --alpha A
[--prox]``, surfaces/regularize.py) included.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

import numpy as np

import optimizers
import scenarios
import surfaces
from plots import gif
from scenarios import export
from surfaces.regularize import ALPHA, PENALTIES

PROG = "optiscape"


class UsageError(Exception):
    """A bad argument: reported as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises `UsageError` (one line, no usage block) instead of printing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No prefixes: a script's `--sched` must not change meaning when a flag is added.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if message.startswith("argument --start: expected one argument"):
            # argparse reads `--start -1.5,2` as two flags; only the attached form works
            message += " (attach a negative value with '=': --start=-1.5,2)"
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Optimizer trajectories on analytic 2-D loss surfaces, from the terminal.",
        epilog=f"Run `{PROG} COMMAND --help` for the options of a command.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_list(commands)
    _add_run(commands)
    _add_gif(commands)
    parser.set_defaults(handler=_missing_command(tuple(commands.choices)))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as done:  # --help has been printed
            return done.code if isinstance(done.code, int) else 0
        status = args.handler(args)
        sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
        return status
    except UsageError as e:
        print(f"{PROG}: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left early (`optiscape run --format csv | head`): no traceback, and
        # point stdout at /dev/null so the interpreter's final flush fails quietly too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 1


def _missing_command(names: Sequence[str]) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        raise UsageError(f"missing command; choose one of: {', '.join(names)}")

    return handler


# ---------------------------------------------------------------------------------- list


def _add_list(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "list",
        help="list the surfaces, optimizers, schedules and regularization penalties",
        description="List every surface, optimizer, learning-rate schedule and penalty with "
        "its parameters: name=default [low, high] and the symbol shown in the app.",
    )
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    p.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    if args.format == "json":
        sys.stdout.write(json.dumps(_catalogue(), allow_nan=False) + "\n")
    else:
        sys.stdout.write(_catalogue_text())
    return 0


def _catalogue() -> dict[str, list[dict[str, object]]]:
    def params(ps: Iterable[surfaces.Param]) -> list[dict[str, object]]:
        return [dataclasses.asdict(p) for p in ps]

    return {
        "surfaces": [
            {
                "name": s.name,
                "title": s.title,
                "domain": [list(axis) for axis in s.domain],
                "start": list(s.start),
                "minima": [list(m) for m in s.minima],
                "f_min": s.f_min,
                "bounded_below": s.bounded_below,
                "params": params(s.params),
            }
            for s in surfaces.REGISTRY
        ],
        "optimizers": [
            {"name": o.name, "title": o.title, "hparams": params(o.hparams)}
            for o in optimizers.REGISTRY
        ],
        "schedules": [
            {"name": s.name, "title": s.title, "params": params(s.params)}
            for s in optimizers.schedules.REGISTRY
        ],
        "penalties": [
            {
                "name": p.name,
                "title": p.title,
                "term": p.symbol,
                "prox": p.prox is not None,
                "params": params([ALPHA]),
            }
            for p in PENALTIES
        ],
    }


def _catalogue_text() -> str:
    surface_list = list(surfaces.REGISTRY)
    optimizer_list = list(optimizers.REGISTRY)
    schedule_list = list(optimizers.schedules.REGISTRY)

    # Surface parameters go on lines of their own under the title: few surfaces have any.
    rows: list[tuple[str, ...]] = []
    for s, lines in zip(surface_list, _param_lines([s.params for s in surface_list]), strict=True):
        rows.append((s.name, s.title, _domain_text(s.domain), _minima_text(s)))
        rows += [("", line) for line in lines]
    out = [f"Surfaces ({len(surface_list)})", *_table(rows), ""]

    # Every optimizer and most schedules have parameters: the first shares the name's line.
    for heading, entries, param_sets in (
        ("Optimizers", optimizer_list, [o.hparams for o in optimizer_list]),
        ("Schedules", schedule_list, [s.params for s in schedule_list]),
    ):
        rows = []
        for entry, lines in zip(entries, _param_lines(param_sets), strict=True):
            first, *rest = lines or ["no parameters"]
            rows.append((entry.name, entry.title, first))
            rows += [("", "", line) for line in rest]
        out += [f"{heading} ({len(entries)})", *_table(rows), ""]

    # Penalties (--reg): the term each adds, and α (--alpha) under each.
    (alpha,) = _param_lines([[ALPHA]])[0]
    rows = []
    for p in PENALTIES:
        step = "; --prox: a proximal (soft-threshold) step" if p.prox is not None else ""
        rows += [(p.name, p.title, f"adds {p.symbol}{step}"), ("", "", f"--alpha  {alpha}")]
    out += [f"Penalties ({len(PENALTIES.names())})", *_table(rows), ""]
    return "\n".join(out[:-1]) + "\n"


def _param_lines(param_sets: Sequence[Sequence[surfaces.Param]]) -> list[list[str]]:
    """``symbol  name=default  [low, high]  help`` per parameter, aligned across all sets."""
    cells = [
        (p.symbol, f"{p.name}={p.default:g}", p.range_text, p.help) for ps in param_sets for p in ps
    ]
    lines = iter(_table(cells, indent=""))
    return [[next(lines) for _ in ps] for ps in param_sets]


def _table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows as lines with aligned columns. A row's last cell is not padded and does not widen
    its column, so a long trailing cell (a list of minima, a sub-table) stays out of the way."""
    widths: dict[int, int] = {}
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths.get(i, 0), len(cell))
    return [
        indent + "  ".join([c.ljust(widths[i]) for i, c in enumerate(row[:-1])] + [row[-1]])
        for row in rows
    ]


def _domain_text(domain: surfaces.Domain) -> str:
    (x0, x1), (y0, y1) = domain
    return f"x ∈ [{x0:g}, {x1:g}], y ∈ [{y0:g}, {y1:g}]"


def _minima_text(s: surfaces.Surface) -> str:
    if s.f_min is None:
        return "minimum not known" if s.bounded_below else "unbounded below"
    where = ", ".join(f"({x:.4g}, {y:.4g})" for x, y in s.minima)
    return f"min {s.f_min:.4g} at {where}"


# ----------------------------------------------------------------------------------- run

RUN_EXAMPLES = f"""\
examples:
  {PROG} run --surface rosenbrock --optimizer adam --start=-1.5,2 --set lr=0.01 --set beta1=0.9
  {PROG} run --surface valley --param kappa=100 --optimizer momentum --schedule cosine \\
            --schedule-set alpha=0.1 --format csv > path.csv
"""


def _add_run(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "run",
        help="run one optimizer on one surface; print its path as JSON or CSV",
        description="Run one optimizer on one surface and print its path: every point, its\n"
        "loss and the learning rate used at each step. Names and ranges: `optiscape list`.",
        epilog=RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--optimizer", required=True, metavar="NAME", help="optimizer name, e.g. adam")
    _add_assignments(
        p,
        "--set",
        "hparams",
        "NAME",
        "an optimizer hyperparameter, e.g. lr=0.01 (unset ones take defaults)",
    )
    _add_path_options(p)
    p.add_argument(
        "--batch",
        type=int,
        metavar="B",
        help="on a surface defined by data (linreg_raw, linreg_standardized, neuron): take each "
        "gradient on B sampled examples (all of them: batch GD; 1: SGD). Default: the exact loss",
    )
    p.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        help="json: one object with the settings and the path; csv: step,x,y,loss,lr rows "
        "(default: json)",
    )
    p.set_defaults(handler=_run)


def _add_path_options(p: argparse.ArgumentParser) -> None:
    """The options that fix a path apart from the optimizer (shared by run and, later, gif)."""
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--surface", metavar="NAME", help="surface name, e.g. rosenbrock")
    which.add_argument(
        "--formula",
        metavar="TEXT",
        help="a surface typed as f(x, y), e.g. 'x**2 + 10*y**2 + sin(3*x)' (instead of --surface)",
    )
    p.add_argument(
        "--domain",
        type=_domain,
        metavar="X0,X1,Y0,Y1",
        help="the map of a --formula surface (default: -3,3,-3,3)",
    )
    _add_assignments(
        p, "--param", "surface_params", "NAME", "a surface parameter, e.g. kappa=100 for valley"
    )
    p.add_argument(
        "--start",
        type=_point,
        metavar="X,Y",
        help="start point; write --start=-1.5,2 when X is negative (default: the surface's)",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=500,
        help=f"number of steps, 1 to {optimizers.MAX_STEPS} (default: 500)",
    )
    p.add_argument(
        "--schedule",
        default="constant",
        metavar="NAME",
        help="learning-rate schedule, e.g. cosine (default: constant)",
    )
    _add_assignments(
        p, "--schedule-set", "schedule_params", "NAME", "a schedule parameter, e.g. alpha=0.1"
    )
    p.add_argument(
        "--noise",
        type=float,
        default=0.0,
        help="standard deviation of Gaussian noise added to each gradient (default: 0)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for the noise (default: 0)")
    p.add_argument(
        "--reg",
        choices=PENALTIES.names(),
        help="add a penalty to the surface: l1 adds α·(|x| + |y|), l2 adds α·(x² + y²)",
    )
    p.add_argument(
        "--alpha",
        type=float,
        metavar="A",
        help=f"the penalty's strength α, in [{ALPHA.low:g}, {ALPHA.high:g}] "
        f"(default: {ALPHA.default:g}); with --reg",
    )
    p.add_argument(
        "--prox",
        action="store_true",
        help="with --reg l1: soft-threshold after every step (a proximal step), so a "
        "coordinate can reach exactly 0; without it the step uses a subgradient",
    )


def _add_assignments(
    p: argparse.ArgumentParser, flag: str, dest: str, name: str, help: str
) -> None:
    """A repeatable ``FLAG NAME=VALUE`` option collected as a list of (name, text) pairs."""
    p.add_argument(
        flag,
        dest=dest,
        action="append",
        type=_assignment,
        default=[],
        metavar=f"{name}=VALUE",
        help=f"{help} (repeatable)",
    )


def _assignment(text: str) -> tuple[str, str]:
    name, sep, value = (part.strip() for part in text.partition("="))
    if not sep or not name or not value:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _domain(text: str) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        x0, x1, y0, y1 = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected four numbers X0,X1,Y0,Y1, got {text!r}"
        ) from None
    return (x0, x1), (y0, y1)


def _surface_spec(args: argparse.Namespace) -> surfaces.SurfaceSpec:
    """The surface --surface names or --formula types (over --domain), with the penalty of
    --reg, --alpha and --prox."""
    if args.reg is None and (args.alpha is not None or args.prox):
        raise UsageError(f"--alpha and --prox go with --reg {'|'.join(PENALTIES.names())}")
    if args.reg is not None and args.prox and PENALTIES.get(args.reg).prox is None:
        raise UsageError(f"--prox goes with --reg l1 only, not --reg {args.reg}")
    alpha = ALPHA.default if args.alpha is None else args.alpha
    if args.reg is not None:
        try:
            ALPHA.check(alpha)
        except ValueError:
            raise UsageError(
                f"--alpha must be a number in {ALPHA.range_text}, got {alpha:g}"
            ) from None
    penalty = {"reg": args.reg or "", "alpha": alpha, "prox": args.prox}
    if args.formula is None:
        if args.domain is not None:
            raise UsageError("--domain goes with --formula; a named surface has its own")
        try:
            return surfaces.SurfaceSpec(args.surface, **penalty)
        except KeyError as e:  # e.args[0]: str(KeyError) would wrap the message in quotes
            raise UsageError(e.args[0]) from None
    try:
        # from_formula also holds a given start inside the domain (the engine's own bound is
        # looser): a typed surface has no map beyond the one it was given
        surfaces.from_formula(args.formula, domain=args.domain, start=args.start)
        return surfaces.SurfaceSpec(surfaces.CUSTOM, args.formula, args.domain, **penalty)
    except ValueError as e:  # FormulaError names the position; a bad domain or start too
        raise UsageError(f"--formula: {e}") from None


def _run_spec(args: argparse.Namespace, batch: int | None = None) -> optimizers.RunSpec:
    """The `RunSpec` of the path options: the same value the app and the engine use."""
    surface = _surface_spec(args)
    try:
        return optimizers.RunSpec.make(
            surface,
            start=args.start,
            steps=args.steps,
            surface_params=_numbers(args.surface_params),
            schedule=args.schedule,
            schedule_params=_numbers(args.schedule_params),
            noise=args.noise,
            seed=args.seed,
            batch=batch,
        )
    except KeyError as e:  # an unknown schedule
        raise UsageError(e.args[0]) from None
    except ValueError as e:  # the spec names the parameter and its range
        raise UsageError(str(e)) from None


def _point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        x = y = math.nan
    if not (math.isfinite(x) and math.isfinite(y)):
        raise argparse.ArgumentTypeError(f"expected two finite numbers X,Y, got {text!r}")
    return x, y


def _numbers(pairs: Iterable[tuple[str, str]]) -> dict[str, object]:
    """NAME=VALUE pairs as a dict, the last one winning. Text that is not a number is kept as
    text, so the registry's own check rejects it with the parameter's name and range."""
    values: dict[str, object] = {}
    for name, text in pairs:
        try:
            values[name] = float(text)
        except ValueError:
            values[name] = text
    return values


def _run(args: argparse.Namespace) -> int:
    spec = _run_spec(args, batch=args.batch)
    try:
        optimizer = optimizers.get(args.optimizer)
    except KeyError as e:  # e.args[0]: str(KeyError) would wrap the message in quotes
        raise UsageError(e.args[0]) from None
    try:
        t = optimizers.simulate(spec, optimizer, _numbers(args.hparams))
    except ValueError as e:  # the engine names the parameter and its range
        raise UsageError(str(e)) from None
    sys.stdout.write(_as_json(t, spec.start) if args.format == "json" else _as_csv(t))
    return 0


def _decimals(values: np.ndarray) -> list[str]:
    """Each value as the shortest decimal that reads back as the same float32 (or float64);
    '' for NaN, the rows after a divergence."""
    return [str(v) if math.isfinite(v) else "" for v in values]


def _as_json(t: optimizers.Trajectory, start: tuple[float, float]) -> str:
    def numbers(values: np.ndarray) -> list[float | None]:
        return [float(d) if d else None for d in _decimals(values)]

    record = {
        "surface": t.surface,
        "optimizer": t.optimizer,
        "hparams": t.hparams,
        "surface_params": t.surface_params,
        "schedule": t.schedule,
        "schedule_params": t.schedule_params,
        "noise": t.noise,
        "seed": t.seed,
        "batch": t.batch,
        "start": [float(v) for v in start],
        "steps": t.steps,
        "xy": [list(p) for p in zip(numbers(t.xy[:, 0]), numbers(t.xy[:, 1]), strict=True)],
        "loss": numbers(t.loss),
        "lr": numbers(t.lr),
        "diverged_at": t.diverged_at,
    }
    # allow_nan=False: a NaN or Infinity token is not JSON, and many readers reject it
    return json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n"


def _as_csv(t: optimizers.Trajectory) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("step", "x", "y", "loss", "lr"))
    lr = [*_decimals(t.lr), ""]  # the last point has no step after it
    columns = (_decimals(t.xy[:, 0]), _decimals(t.xy[:, 1]), _decimals(t.loss), lr)
    writer.writerows(zip(range(t.steps + 1), *columns, strict=True))
    return buffer.getvalue()


# ----------------------------------------------------------------------------------- gif

GIF_EXAMPLES = """examples:
  optiscape gif --surface rosenbrock --optimizers sgd,momentum,rmsprop,adam --steps 300 \\
                --out rosenbrock.gif
  optiscape gif --surface valley --param kappa=50 --optimizers sgd,momentum \\
                --set sgd.lr=0.015 --set momentum.lr=0.015 --steps 200 --frames 120 --out valley.gif
  optiscape gif --surface rosenbrock --optimizers sgd,adam --size 1920x1080 --out slides.mp4

The app's export panel shows the command for the view on screen.
"""


def _add_gif(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "gif",
        help="animate several optimizers on one surface into a GIF or MP4 (the app's export)",
        description="Render the animation the app's export makes: the paths moving over the\n"
        "contour map, the loss curves beside them, a step counter and each optimizer's\n"
        "hyperparameters. --out NAME.mp4 writes an H.264 MP4, any other name a GIF.",
        epilog=GIF_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--optimizers",
        required=True,
        metavar="A,B,...",
        help=f"comma-separated optimizer names, at most {scenarios.LIMITS.max_runs}",
    )
    _add_assignments(
        p, "--set", "hparams", "OPT.NAME", "a hyperparameter of one optimizer, e.g. adam.lr=0.05"
    )
    _add_path_options(p)
    for flag, param in (
        ("--stop-grad", scenarios.LIMITS.stop_grad),
        ("--stop-loss", scenarios.LIMITS.stop_loss),
    ):
        p.add_argument(
            flag,
            type=float,
            default=0.0,
            metavar="TOL",
            help=f"{param.help} (the app's stopping rule; default: 0, off)",
        )
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="where to write the animation: FILE.mp4 for an MP4, any other name for a GIF",
    )
    p.add_argument("--frames", type=int, default=200, help="number of frames (default: 200)")
    p.add_argument("--fps", type=int, default=20, help="frames per second (default: 20)")
    p.add_argument(
        "--size", type=_size, default=(640, 480), metavar="WxH", help="pixels (default: 640x480)"
    )
    p.set_defaults(handler=_gif)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT such as 640x480, got {text!r}"
        ) from None
    return w, h


def _gif(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.optimizers.split(",") if n.strip()]
    if not names:
        raise UsageError("--optimizers needs at least one name")
    if len(names) > scenarios.LIMITS.max_runs or len(set(names)) != len(names):
        raise UsageError(f"--optimizers: at most {scenarios.LIMITS.max_runs} distinct names")
    per_optimizer: dict[str, list[tuple[str, str]]] = {n: [] for n in names}
    for key, value in args.hparams:
        opt, dot, name = key.partition(".")
        if not dot or opt not in per_optimizer:
            raise UsageError(
                f"--set {key}={value}: write OPTIMIZER.NAME=VALUE for one of {','.join(names)}"
            )
        per_optimizer[opt].append((name, value))
    spec = _run_spec(args)
    try:
        for n in names:
            optimizers.get(n)
    except KeyError as e:
        raise UsageError(e.args[0]) from None
    surface = spec.surface  # a SurfaceSpec: the view's surface, penalty and α, by value
    typed = {"formula": surface.formula, "domain": surface.domain} if surface.formula else {}
    mp4 = args.out.lower().endswith(".mp4")
    for flag, param, value in (
        ("--stop-grad", scenarios.LIMITS.stop_grad, args.stop_grad),
        ("--stop-loss", scenarios.LIMITS.stop_loss, args.stop_loss),
    ):
        if not param.low <= value <= param.high:  # also False for NaN
            raise UsageError(f"{flag} must be a number in {param.range_text}, got {value:g}")
    try:
        settings = scenarios.Settings(
            surface=surface.name,
            surface_params=dict(spec.surface_params),
            start=spec.start,
            steps=spec.steps,
            runs=tuple(
                scenarios.Run(n, optimizers.get(n).resolve_hparams(_numbers(per_optimizer[n])))
                for n in names
            ),
            schedule=spec.schedule,
            schedule_params=dict(spec.schedule_params),
            noise=spec.noise,
            seed=spec.seed,
            reg=surface.reg,
            prox=surface.prox,
            stop_grad=args.stop_grad,
            stop_loss=args.stop_loss,
            **typed,
        )
        render = export.mp4_bytes if mp4 else export.gif_bytes
        data = render(settings, frames=args.frames, fps=args.fps, size=args.size)
    except ValueError as e:  # the engine and the renderer name the bad value
        raise UsageError(str(e)) from None
    try:
        with open(args.out, "wb") as f:
            f.write(data)
    except OSError as e:
        raise UsageError(f"cannot write {args.out}: {e.strerror}") from None
    width, height = gif.mp4_size(args.size) if mp4 else args.size
    print(f"wrote {args.out}: {len(data) / 1024:.0f} KB, {width}x{height}")
    return 0


# Last, so that `python cli.py` and `python -m cli` see every subcommand's `_add_<name>`.
if __name__ == "__main__":
    raise SystemExit(main())
