"""Where the time of a large optimizer step goes: ``python -m keras_ref.bench.profile [NAME ...]``.

tensorflow and jax: the kernels XLA compiles the step into and the bytes each one reads and
writes (from the optimized HLO), per parameter, against the minimum `TRAFFIC`; XLA on CPU gives
every output its own loop, so a slot read by the parameter's update is read twice. torch: the
`torch.profiler` table of the step's ops. ``--graph``: one update of the 102-tensor model as
`fit` runs it on CPU, where small tensors make the count of ops the cost: on tensorflow the ops
of the plain graph (run one at a time), on jax the kernels of the compiled XLA update.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys

import keras

from keras_ref import optimizers
from keras_ref.audit.stock import closest_stock
from keras_ref.bench._backend_jit import optimized_hlo, tf_graph_ops, torch_profile_table
from keras_ref.bench.worker import MODELS, TRAFFIC, large_problem, mlp_model
from keras_ref.reference import optimizers as reference

_BYTES = {"f16": 2, "bf16": 2, "f32": 4, "f64": 8, "s32": 4, "s64": 8, "u32": 4, "pred": 1}
_ARRAY = re.compile(r"\b(f16|bf16|f32|f64|s32|s64|u32|pred)\[([\d,]*)\]")
_INSTRUCTION = re.compile(r"^\s*(?:ROOT )?%(\S+) = (.*?) ([a-z][\w-]*)\((.*?)\)")
_FREE = {"parameter", "constant", "tuple", "get-tuple-element", "bitcast"}


def _nbytes(shape: str) -> int:
    total = 0
    for dtype, dims in _ARRAY.findall(shape):
        count = 1
        for d in filter(None, dims.split(",")):
            count *= int(d)
        total += _BYTES[dtype] * count
    return total


def hlo_kernels(hlo: str) -> list[tuple[str, int, int]]:
    """(opcode, bytes read, bytes written) of each kernel of the HLO's entry computation."""
    entry = hlo[hlo.index("\nENTRY") :]
    entry = entry[: entry.index("\n}")]
    shapes, kernels = {}, []
    for line in entry.splitlines()[1:]:
        match = _INSTRUCTION.match(line)
        if not match:
            continue
        name, shape, opcode, operands = match.groups()
        shapes[name] = _nbytes(shape)
        if opcode in _FREE:
            continue
        read = sum(shapes.get(o, 0) for o in set(re.findall(r"%([\w.\-]+)", operands)))
        kernels.append((opcode, read, shapes[name]))
    return kernels


def xla_rows(name: str, size: int, parts: int) -> list[tuple]:
    rows = []
    for who, opt in (("keras_ref", optimizers.get(name)), ("stock", _stock(name))):
        kernels = hlo_kernels(optimized_hlo(opt, *large_problem(opt, size, parts)))
        big = [k for k in kernels if k[1] + k[2] >= 4 * size / parts]
        moved = sum(r + w for _, r, w in kernels) / (4 * size)
        rows.append((name, who, len(big) / parts, moved, TRAFFIC[name], moved / TRAFFIC[name]))
    return rows


def _fit_problem(opt) -> tuple[list, list]:
    """The 102-tensor model's variables, zero gradients for them; `opt` built."""
    variables = mlp_model(*MODELS["many"]).trainable_variables
    opt.build(variables)
    return variables, [keras.ops.zeros(v.shape, v.dtype) for v in variables]


def graph_rows(name: str) -> list[tuple]:
    """(name, who, variables, graph ops, variable reads+writes): one update, 102-tensor model."""
    rows = []
    for who, opt in (("keras_ref", optimizers.get(name)), ("stock", _stock(name))):
        variables, grads = _fit_problem(opt)
        counts = tf_graph_ops(opt, variables, grads)
        resource = sum(n for op, n in counts.items() if "VariableOp" in op)
        rows.append((name, who, len(variables), sum(counts.values()), resource))
    return rows


def xla_fit_rows(name: str) -> list[tuple]:
    """(name, who, variables, XLA kernels, bytes moved): one update, 102-tensor model, jax."""
    rows = []
    for who, opt in (("keras_ref", optimizers.get(name)), ("stock", _stock(name))):
        variables, grads = _fit_problem(opt)
        kernels = hlo_kernels(optimized_hlo(opt, variables, grads))
        moved = sum(r + w for _, r, w in kernels)
        rows.append((name, who, len(variables), len(kernels), moved))
    return rows


def _stock(name: str):
    return closest_stock(name, reference.DEFAULTS[name])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m keras_ref.bench.profile")
    parser.add_argument("names", nargs="*", default=list(TRAFFIC), metavar="NAME")
    parser.add_argument("--size", type=int, default=4_000_000, help="float32 parameters")
    parser.add_argument("--graph", action="store_true", help="ops of a fit update (tf, jax)")
    args = parser.parse_args(argv)
    from rich.console import Console
    from rich.table import Table

    console, backend = Console(width=160), keras.backend.backend()
    if args.graph and backend == "torch":
        parser.error("--graph: tensorflow and jax (a torch fit update runs eagerly)")
    if backend == "torch":
        for name in args.names:
            for who, opt in (("keras_ref", optimizers.get(name)), ("stock", _stock(name))):
                variables, grads = large_problem(opt, args.size)
                opt.apply(grads, variables)
                console.rule(f"torch {name}: {who}, 10 steps on {args.size / 1e6:g}M float32")
                step = functools.partial(opt.apply, grads, variables)
                console.print(torch_profile_table(step, 10, 8))
        return 0
    if args.graph:
        if backend == "tensorflow":
            title = "tensorflow: ops of one update in the graph that fit runs on CPU"
            columns, rows = ("graph ops", "variable reads+writes"), graph_rows
        else:
            title = "jax: XLA kernels of one update in the step that fit compiles"
            columns, rows = ("XLA kernels", "bytes moved"), xla_fit_rows
        table = Table(title=title)
        for header in ("optimizer", "who", "variables", *columns):
            table.add_column(header, justify="left" if header in {"optimizer", "who"} else "right")
        for name in args.names:
            for row in rows(name.lower()):
                table.add_row(*map(str, row))
        console.print(table)
        return 0
    table = Table(title=f"{backend}: XLA kernels of one step on {args.size / 1e6:g}M float32")
    for header in ("optimizer", "who", "kernels per tensor", "tensors moved per parameter",
                   "minimum", "moved/minimum"):  # fmt: skip
        table.add_column(header, justify="left" if header in {"optimizer", "who"} else "right")
    for name in args.names:
        for row in xla_rows(name.lower(), args.size, 4):
            table.add_row(*[f"{c:.2f}" if isinstance(c, float) else str(c) for c in row])
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
