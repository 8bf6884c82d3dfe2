"""The tolerance policy of keras_ref: one place, used by `keras-ref audit` and by `parity/`.

What the words mean here:

- **bit-identical**: every element of every result has the same bits (NaNs count as equal).
- **<= n ulp**: no element is more than n representable values of its dtype away from the
  reference (both rounded to that dtype). Used for one optimizer step from a common state and for
  elementwise loss values, where it is meaningful; over many steps an element that crosses zero
  makes ulp counts meaningless, so trajectories use the relative error instead.
- **rel <= x**: normwise relative error ``max|x - r| / max|r|``, per parameter over its whole
  trajectory (`trajectory_relative_error`), per output array for losses and metrics.

Why each bound (figures measured by `pytest parity -q` on tensorflow, jax and torch, CPU):

- float64 optimizers: 1e-12, the issue's bound; measured <= 2.1e-16 (keras_ref holds float64
  hyper-parameters exactly, so only the last-bit rounding of each operation remains).
- float32 optimizers against a float32 replay of the legacy arithmetic (NumPy, operation by
  operation): 1e-6; measured <= 1.2e-7 on tensorflow and jax, 2.3e-7 on torch, whose CPU float32
  ``sqrt`` is not correctly rounded.
- float32 optimizers against the exact float64 formula: 2e-6; measured <= 5.8e-7. This is
  legacy's own float32 rounding, the same for any faithful float32 implementation.
- one float32 step from the same state: <= 4 ulp; measured <= 1 ulp on tensorflow and jax
  (``pow`` and summation order), 4 ulp on torch (its ``sqrt``).
- losses, per sample, ``|x - r| <= rtol * max(|r|, S)`` with ``S`` the size of the terms that
  cancel (`loss_inputs.term_scale`): float64 1e-12, measured <= 5.7e-16; float32 against a float32
  replay 6e-7 (about 5 ulp), measured <= 1.8e-7 (1.5 ulp, cosine on torch).
- metrics: per-sample values are 0/1 or k/C; float64 1e-12 (JAX on CPU divides by a broadcast
  scalar as a multiplication by its reciprocal, one ulp off), float32 2.4e-7 (2 ulp).
- GPU (when present, TF32 switched off): elementwise updates keep the CPU bounds (IEEE ``sqrt``
  and division on CUDA); reductions (legacy global ``clipnorm``, loss means) sum in another order,
  so they get the relative bounds only, never ulp bounds.
"""

from __future__ import annotations

OPTIMIZER_REL = {"float64": 1e-12, "float32": 2e-6}
OPTIMIZER_REL_VS_FLOAT32_REPLAY = 1e-6
OPTIMIZER_FIRST_STEP_ULP = 4
# keras_ref against a stock equivalent that computes the same formula in another operation order
# (float32, 60 steps): measured <= 4.8e-7.
STOCK_SAME_FORMULA_REL = 2e-6
LOSS_REL = {"float64": 1e-12, "float32": 6e-7}
METRIC_REL = {"float64": 1e-12, "float32": 2.4e-7}
# tf.keras 2.x crossentropies, per sample as for LOSS_REL, against the float32 replay and against
# genuine tf_keras (TensorFlow's own log/softmax kernels): 8 float eps of the dtype.
TF2_LOSS_REL = {"float64": 8 * 2.0**-52, "float32": 8 * 2.0**-23}
