"""Read the pieces of a Keras 2 HDF5 model file (Keras 2.2.x or tf.keras 2.x ``model.save``).

Layout (both writers): file attributes ``model_config`` and ``training_config`` (JSON),
``keras_version`` and ``backend``; group ``model_weights`` with attribute ``layer_names`` and one
group per layer whose attribute ``weight_names`` lists its datasets in order; group
``optimizer_weights`` with attribute ``weight_names``. Lists of names too large for one HDF5
attribute are split into ``name0``, ``name1``, ... attributes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import h5py
import numpy as np

__all__ = ["LegacyH5File", "decode_text"]


def decode_text(value: Any) -> str:
    """An HDF5 string attribute (bytes, str or a 0-d array of them) as str."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8")
    return str(value)


@dataclass
class LegacyH5File:
    """An open Keras 2 model file; `path` is only used in error messages."""

    handle: h5py.Group
    path: str

    @classmethod
    def open(cls, path: str | os.PathLike) -> LegacyH5File:
        """Open `path` read-only; FileNotFoundError or a ValueError naming the path."""
        shown = os.fspath(path)
        if not os.path.exists(shown):
            raise FileNotFoundError(f"load_model: no such file: {shown}")
        if not h5py.is_hdf5(shown):
            hint = (
                " It looks like a Keras 3 `.keras` archive: use keras.models.load_model."
                if shown.endswith(".keras")
                else ""
            )
            raise ValueError(f"load_model: {shown} is not an HDF5 file.{hint}")
        try:
            handle = h5py.File(shown, "r")
        except OSError as error:  # h5py: a truncated or damaged file
            raise ValueError(
                f"load_model: {shown}: the HDF5 file cannot be opened; it is truncated or "
                f"damaged ({error})."
            ) from error
        return cls(handle, shown)

    def close(self) -> None:
        if isinstance(self.handle, h5py.File):
            self.handle.close()

    # -- attributes -----------------------------------------------------------------------------
    def text_attribute(self, name: str) -> str | None:
        value = self.handle.attrs.get(name)
        return None if value is None else decode_text(value)

    def json_attribute(self, name: str, *, required: bool) -> dict | None:
        """The JSON attribute `name` parsed; None (or a ValueError when `required`) if absent."""
        text = self.text_attribute(name)
        if text is None:
            if not required:
                return None
            found = ", ".join(sorted(self.handle.attrs)) or "none"
            if "layer_names" in self.handle.attrs:
                raise ValueError(
                    f"load_model: {self.path} is a weights-only file (model.save_weights: it "
                    f"has `layer_names` but no `{name}`), so it holds no model. Build the model "
                    "in code, then call model.load_weights on this file."
                )
            raise ValueError(
                f"load_model: {self.path} has no `{name}` attribute, so it holds no Keras 2 model "
                f"(attributes found: {found}). A weights-only file (model.save_weights) needs the "
                "model built in code first; then call model.load_weights."
            )
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"load_model: {self.path}: the `{name}` attribute is not valid JSON ({error})."
            ) from error

    @property
    def keras_version(self) -> str:
        group = self.handle.get("model_weights")
        version = self.text_attribute("keras_version")
        if version is None and group is not None and "keras_version" in group.attrs:
            version = decode_text(group.attrs["keras_version"])
        return version or "1"

    @property
    def original_backend(self) -> str | None:
        return self.text_attribute("backend")

    # -- weights --------------------------------------------------------------------------------
    def _group(self, name: str, *, required: bool) -> h5py.Group | None:
        group = self.handle.get(name)
        if group is None and required:
            raise ValueError(
                f"load_model: {self.path} has no `{name}` group (groups found: "
                f"{', '.join(sorted(self.handle)) or 'none'})."
            )
        return group

    def layer_weights(self) -> list[tuple[str, list[tuple[str, np.ndarray]]]]:
        """``[(layer name, [(weight name, value), ...]), ...]`` in saved order (all layers)."""
        return [
            (layer, [(name, _read(dataset, where)) for name, dataset in datasets])
            for layer, datasets, where in self._layer_datasets()
        ]

    def layer_weight_shapes(self) -> list[tuple[str, list[tuple[str, tuple[int, ...]]]]]:
        """`layer_weights` with each value's shape instead of the value (nothing is read)."""
        return [
            (layer, [(name, tuple(dataset.shape)) for name, dataset in datasets])
            for layer, datasets, _ in self._layer_datasets()
        ]

    def _layer_datasets(self):
        group = self._group("model_weights", required=True)
        layers = []
        for layer_name in _name_list(group, "layer_names", where=f"{self.path}: model_weights"):
            if layer_name not in group:
                raise ValueError(
                    f"load_model: {self.path}: model_weights lists layer {layer_name!r} but has "
                    "no group for it."
                )
            layer_group = group[layer_name]
            where = f"{self.path}: model_weights/{layer_name}"
            names = _name_list(layer_group, "weight_names", where=where)
            layers.append(
                (layer_name, [(n, _dataset(layer_group, n, where)) for n in names], where)
            )
        return layers

    def optimizer_weights(self) -> list[tuple[str, np.ndarray]] | None:
        """``[(name, value), ...]`` of the saved optimizer state, or None if not saved."""
        group = self._group("optimizer_weights", required=False)
        if group is None:
            return None
        where = f"{self.path}: optimizer_weights"
        names = _name_list(group, "weight_names", where)
        return [(n, _read(_dataset(group, n, where), where)) for n in names]


def _name_list(group: h5py.Group, attribute: str, where: str) -> list[str]:
    """A list-of-names attribute, joined from its ``name0, name1, ...`` chunks when split."""
    if attribute in group.attrs:
        values = group.attrs[attribute]
    elif f"{attribute}0" in group.attrs:
        values, index = [], 0
        while f"{attribute}{index}" in group.attrs:
            values.extend(group.attrs[f"{attribute}{index}"])
            index += 1
    else:
        raise ValueError(f"load_model: {where} has no `{attribute}` attribute.")
    return [decode_text(v) for v in np.atleast_1d(values)] if len(values) else []


def _dataset(group: h5py.Group, name: str, where: str) -> h5py.Dataset:
    """The dataset `name`, checked to hold all the values its shape declares."""
    if name not in group or not isinstance(group[name], h5py.Dataset):
        raise ValueError(f"load_model: {where} lists weight {name!r} but holds no such dataset.")
    dataset = group[name]
    stored = dataset.id.get_storage_size()
    if dataset.compression is None and dataset.nbytes and stored < dataset.nbytes:
        raise ValueError(
            f"load_model: {where}: weight {name!r} declares shape {dataset.shape} "
            f"({dataset.nbytes:,} bytes) but the file stores only {stored:,} bytes of it; the "
            "file is truncated or was not written by Keras."
        )
    return dataset


def _read(dataset: h5py.Dataset, where: str) -> np.ndarray:
    try:
        return np.asarray(dataset)
    except OSError as error:
        raise ValueError(
            f"load_model: {where}: weight {dataset.name!r} cannot be read; the file is damaged "
            f"({error})."
        ) from error
