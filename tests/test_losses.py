"""Behaviour of keras_ref.losses and keras_ref.backend: lookup, errors, configs, the K idiom."""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from keras import ops

import keras_ref.backend as K
import keras_ref.losses as L
from keras_ref import legacy_facts as facts
from keras_ref._backend_specific import float64_supported
from keras_ref.reference import losses as reference

needs_float64 = pytest.mark.skipif(
    not float64_supported(), reason="float64 on JAX needs JAX_ENABLE_X64=1 (x64 is off)"
)

EXPECTED_NAMES = {
    "mean_squared_error": L.MeanSquaredError,
    "mse": L.MeanSquaredError,
    "MSE": L.MeanSquaredError,
    "mean_absolute_error": L.MeanAbsoluteError,
    "mae": L.MeanAbsoluteError,
    "MAE": L.MeanAbsoluteError,
    "mean_absolute_percentage_error": L.MeanAbsolutePercentageError,
    "mape": L.MeanAbsolutePercentageError,
    "MAPE": L.MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": L.MeanSquaredLogarithmicError,
    "msle": L.MeanSquaredLogarithmicError,
    "MSLE": L.MeanSquaredLogarithmicError,
    "squared_hinge": L.SquaredHinge,
    "hinge": L.Hinge,
    "categorical_hinge": L.CategoricalHinge,
    "logcosh": L.LogCosh,
    "categorical_crossentropy": L.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": L.SparseCategoricalCrossentropy,
    "binary_crossentropy": L.BinaryCrossentropy,
    "kullback_leibler_divergence": L.KLDivergence,
    "kld": L.KLDivergence,
    "KLD": L.KLDivergence,
    "poisson": L.Poisson,
    "cosine_proximity": L.CosineProximity,
    "cosine": L.CosineProximity,
}


def _numpy(x):
    return ops.convert_to_numpy(x)


# -- lookup -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "cls"), sorted(EXPECTED_NAMES.items()))
def test_every_legacy_name_and_alias_resolves(name, cls):
    loss = L.get(name)
    assert type(loss) is cls
    assert loss.name == cls.default_name
    assert type(L.get(cls.__name__)) is cls
    assert type(L.get(getattr(L, name))) is cls  # the function (or alias) object
    assert type(L.get(cls)) is cls


def test_aliases_are_the_legacy_functions():
    assert L.mse is L.MSE is L.mean_squared_error
    assert L.mae is L.MAE is L.mean_absolute_error
    assert L.mape is L.MAPE is L.mean_absolute_percentage_error
    assert L.msle is L.MSLE is L.mean_squared_logarithmic_error
    assert L.kld is L.KLD is L.kullback_leibler_divergence
    assert L.cosine is L.cosine_proximity
    assert len(L.ALL_LOSSES) == 14


def test_the_loss_name_table_is_what_the_library_and_the_reference_export():
    """The names are written once, in keras_ref.legacy_facts; library and reference agree."""
    assert set(EXPECTED_NAMES) == facts.KERAS_REF_LOSSES == set(L.functions.__all__)
    assert tuple(L.ALL_LOSSES) == facts.LOSS_NAMES == tuple(reference.LOSSES)
    assert {a: type(L.get(a)) for a in facts.LOSS_ALIASES} == {
        a: EXPECTED_NAMES[a] for a in facts.LOSS_ALIASES
    }


def test_get_none_instances_and_custom_functions():
    assert L.get(None) is None
    ours, stock = L.Hinge(), keras.losses.Hinge()
    assert L.get(ours) is ours
    assert L.get(stock) is stock  # a stock Loss keeps its own (stock) semantics

    def doubled_error(y_true, y_pred):
        return 2 * K.mean(K.abs(y_pred - y_true), axis=-1)

    wrapped = L.get(doubled_error)
    assert isinstance(wrapped, L.LossFunctionWrapper)
    assert wrapped.name == "doubled_error"
    y, p, w = np.zeros((3, 1)), np.array([[1.0], [2.0], [4.0]]), np.array([1.0, 0.0, 1.0])
    assert float(_numpy(wrapped(y, p, sample_weight=w))) == pytest.approx(5.0)  # (2 + 8) / 2


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match='Did you mean "mean_squared_error"'):
        L.get("mean_sqared_error")
    with pytest.raises(ValueError, match="Unknown loss 'crossentropy'"):
        L.get("crossentropy")


def test_bad_identifier_types():
    with pytest.raises(TypeError, match="identifier"):
        L.get(3.0)
    with pytest.raises(ValueError, match="class_name"):
        L.deserialize({"config": {}})


# -- configs ------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", sorted(L.ALL_LOSSES.values(), key=lambda c: c.__name__))
def test_config_round_trip(cls):
    kwargs = {"from_logits": True} if "Crossentropy" in cls.__name__ else {}
    loss = cls(name="custom_name", reduction="none", **kwargs)
    for restored in (
        L.deserialize(L.serialize(loss)),
        keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss)),
        cls.from_config(loss.get_config()),
    ):
        assert type(restored) is cls
        assert restored.get_config() == loss.get_config()
    assert loss.get_config()["reduction"] == "none"
    assert L.deserialize({"class_name": cls.__name__, "config": {}}).get_config()["name"] == (
        cls.default_name
    )


@keras.saving.register_keras_serializable(package="keras_ref_tests")
def tripled_error(y_true, y_pred):
    return 3 * K.mean(K.abs(y_pred - y_true), axis=-1)


def test_function_wrapper_round_trip():
    loss = L.LossFunctionWrapper(tripled_error)
    restored = L.deserialize(L.serialize(loss))
    assert isinstance(restored, L.LossFunctionWrapper) and restored.fn is tripled_error
    y, p = np.zeros((2, 2)), np.ones((2, 2))
    assert float(_numpy(restored(y, p))) == pytest.approx(3.0)


def test_constructor_arguments_are_validated():
    with pytest.raises(ValueError, match="'legacy'"):
        L.MeanSquaredError(reduction="sum_over_batch_size")
    with pytest.raises(TypeError, match="from_logits"):
        L.BinaryCrossentropy(from_logits=1)
    with pytest.raises(TypeError):
        L.MeanSquaredError("none")  # keyword-only: a positional y_true cannot slip in


def test_reduction_none_gives_per_sample_values():
    y, p = np.zeros((3, 2)), np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(_numpy(L.MeanSquaredError(reduction="none")(y, p)), [1, 2, 0])


# -- shapes -------------------------------------------------------------------------------------
def test_mismatched_shapes_name_the_arguments():
    with pytest.raises(ValueError, match=r"`y_true` and `y_pred`.*\(2, 3\).*\(2, 4\)"):
        L.mean_squared_error(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="y_true"):
        L.MeanAbsoluteError()(np.zeros((2, 3)), np.zeros((3, 3)))


def test_one_dimensional_targets_for_a_single_unit_output():
    y, p = np.array([1.0, 2.0]), np.array([[1.5], [2.0]])
    np.testing.assert_allclose(_numpy(L.mean_squared_error(y, p)), [0.25, 0.0])


def test_sparse_labels_shapes_and_errors():
    p = np.array([[0.2, 0.8], [0.6, 0.4]], np.float32)
    flat = _numpy(L.sparse_categorical_crossentropy(np.array([1, 0]), p))
    column = _numpy(L.sparse_categorical_crossentropy(np.array([[1], [0]]), p))
    np.testing.assert_array_equal(flat, column)
    np.testing.assert_allclose(flat, -np.log([0.8, 0.6]), rtol=1e-6)
    with pytest.raises(ValueError, match="`target`"):
        L.sparse_categorical_crossentropy(np.array([1, 0, 1]), p)
    with pytest.raises(ValueError, match="`axis`"):
        K.sparse_categorical_crossentropy(np.array([1, 0]), p, axis=2)
    out_of_range = _numpy(L.sparse_categorical_crossentropy(np.array([2, -1]), p))
    assert np.all(np.isnan(out_of_range))


def test_sparse_crossentropy_moves_a_channels_first_axis():
    p = np.array([[[0.2, 0.6], [0.8, 0.4]]], np.float32)  # (N, C, T) with C = 2, T = 2
    labels = np.array([[1, 0]])
    got = _numpy(K.sparse_categorical_crossentropy(labels, p, axis=1))
    np.testing.assert_allclose(got, [[-np.log(0.8), -np.log(0.6)]], rtol=1e-6)


def test_from_logits_agrees_with_probabilities_inside_the_clip_range():
    z = np.array([[-3.0, 0.5, 2.0]], np.float32)
    probabilities = 1 / (1 + np.exp(-z))
    y = np.array([[1.0, 0.0, 1.0]], np.float32)
    np.testing.assert_allclose(
        _numpy(L.binary_crossentropy(y, z, from_logits=True)),
        _numpy(L.binary_crossentropy(y, probabilities)),
        rtol=1e-5,
    )
    softmax = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    y = np.array([[0.0, 1.0, 0.0]], np.float32)
    np.testing.assert_allclose(
        _numpy(L.categorical_crossentropy(y, z, from_logits=True)),
        _numpy(L.categorical_crossentropy(y, softmax)),
        rtol=1e-5,
    )


# -- the legacy backend idiom -------------------------------------------------------------------
SPEC_FUNCTIONS = (
    "mean", "square", "abs", "sqrt", "log", "exp", "clip", "epsilon", "maximum", "minimum", "sum",
    "max", "argmax", "equal", "round", "cast", "floatx", "softplus", "l2_normalize", "pow",
    "switch", "not_equal", "greater", "ones_like", "zeros_like", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "binary_crossentropy", "in_top_k",
)  # fmt: skip


def test_backend_has_every_function_of_the_spec():
    missing = [name for name in SPEC_FUNCTIONS if not callable(getattr(K, name, None))]
    assert missing == []
    public = {name for name, value in vars(K).items() if callable(value) and name[0] != "_"}
    assert public == set(K.__all__)  # __all__ is read from keras_ref.legacy_facts
    assert K.epsilon() == keras.config.epsilon() and K.floatx() == keras.config.floatx()


@needs_float64
def test_mean_is_exact_in_float64():
    x = np.full((3, 10), 0.1) * np.arange(1, 11)
    got = _numpy(K.mean(ops.convert_to_tensor(x, "float64"), axis=-1))
    assert got.dtype == np.float64
    expected = [math.fsum(row) / 10 for row in x]
    np.testing.assert_allclose(got, expected, rtol=4e-16)
    assert _numpy(K.mean(x > 0.5)).dtype == np.dtype(K.floatx())  # bool -> floatx
    np.testing.assert_array_equal(_numpy(K.mean(x, axis=[])), x)  # empty axis list: no-op


@needs_float64
def test_maximum_minimum_clip_keep_float64_and_nan():
    x = ops.convert_to_tensor(np.array([-2.0, 0.5, np.nan, 3.0]), "float64")
    for result in (K.maximum(x, 0.1), K.minimum(x, 0.1), K.clip(x, 0.1, None), K.sqrt(x)):
        assert keras.backend.standardize_dtype(result.dtype) == "float64"
        assert np.isnan(_numpy(result)[2])
    np.testing.assert_array_equal(_numpy(K.maximum(0.1, x))[[0, 1, 3]], [0.1, 0.5, 3.0])
    np.testing.assert_array_equal(_numpy(K.clip(x, 0.1, None))[[0, 3]], [0.1, 3.0])
    np.testing.assert_array_equal(_numpy(K.clip(x, 1.0, 0.5))[[0, 1, 3]], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(_numpy(K.sqrt(x))[[0, 3]], [0.0, np.sqrt(3.0)])
    assert _numpy(K.pow(x, 0.1))[3] == 3.0**0.1  # the exponent is not rounded through float32


def test_round_softplus_l2_normalize_switch():
    np.testing.assert_array_equal(_numpy(K.round(np.array([0.5, 1.5, 2.5, -0.5]))), [0, 2, 2, 0])
    big = np.array([30.0, -30.0, 0.0])
    np.testing.assert_allclose(_numpy(K.softplus(big)), np.logaddexp(0, big), rtol=1e-7)
    tiny = np.array([[1e-7, 0.0], [0.0, 0.0], [3.0, 4.0]])  # squared norms 1e-14, 0, 25
    np.testing.assert_allclose(
        _numpy(K.l2_normalize(tiny, axis=-1)), [[0.1, 0.0], [0.0, 0.0], [0.6, 0.8]], rtol=1e-6
    )
    condition = np.array([True, False])
    then, otherwise = np.ones((2, 3)), np.zeros((2, 3))
    np.testing.assert_array_equal(_numpy(K.switch(condition, then, otherwise))[:, 0], [1, 0])
    assert _numpy(K.switch(np.array(False), lambda: then, lambda: otherwise)).sum() == 0
    with pytest.raises(ValueError, match="rank"):
        K.switch(np.ones((2, 3, 1)) > 0, np.ones((2, 3)), np.zeros((2, 3)))


def test_comparisons_casts_and_constructors():
    x = np.array([[1.0, 2.0], [3.0, 0.0]], np.float32)
    assert _numpy(K.equal(x, 2.0)).tolist() == [[False, True], [False, False]]
    assert _numpy(K.not_equal(x, 0.0)).sum() == 3
    assert _numpy(K.greater(x, 1.0)).sum() == 2
    assert _numpy(K.argmax(x, axis=-1)).tolist() == [1, 0]
    assert _numpy(K.max(x, axis=0)).tolist() == [3.0, 2.0]
    assert _numpy(K.sum(x, axis=1, keepdims=True)).shape == (2, 1)
    assert _numpy(K.cast(x, "int32")).dtype == np.int32
    assert _numpy(K.ones_like(x)).sum() == 4 and _numpy(K.zeros_like(x)).sum() == 0
    assert _numpy(K.square(x))[1, 0] == 9 and _numpy(K.abs(-x))[0, 1] == 2
    np.testing.assert_allclose(_numpy(K.exp(K.log(x[:1]))), x[:1], rtol=1e-6)
    with pytest.raises(TypeError, match="`k`"):
        K.in_top_k(x, np.array([0, 1]), 1.5)
