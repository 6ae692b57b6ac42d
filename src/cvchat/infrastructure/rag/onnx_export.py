"""A sentence-transformers model as one ONNX graph (optionally int8), exported once and cached.

Why: on this CPU-only deployment ONNX Runtime runs MiniLM ~1.3x faster than torch in fp32
and ~1.8x faster with int8 weights (bench/README.md, "Retrieval"), and a single query skips
torch's per-call dispatch overhead. The graph is the *whole* pipeline — transformer, pooling,
dense layers if any, then L2 normalization — traced from the loaded model, so it cannot drift
from what sentence-transformers computes; tokenization stays in Python with the model's own
tokenizer.

Cache: ``<cache_dir>/<slug>-<hash>/model.onnx`` where the hash covers the model location, a
fingerprint of its weights, the backend and the library versions that shape the graph. A file is
written under a temporary name and moved into place with ``os.replace``, so concurrent processes
never read half a file (at worst two export the same graph and the last rename wins). A cached
file that fails to load or gives wrong vectors is rebuilt (``export_count`` counts exports).

Quantization is dynamic (weights int8 ahead of time, activations at run time), per channel with
reduced range, MatMul only: per-tensor scales cost cosine 0.92 against torch, per-channel keeps
0.99 on average.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ONNX_BACKENDS = ("onnx", "onnx-int8")
MODEL_FILE = "model.onnx"
_KNOWN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_OPSET = 17

export_count = 0  # exports done by this process (tests check that a cache hit exports nothing)


class _DropMessage(logging.Filter):
    def __init__(self, fragment: str) -> None:
        super().__init__()
        self.fragment = fragment

    def filter(self, record: logging.LogRecord) -> bool:
        return self.fragment not in record.getMessage()


def input_names(model: Any) -> list[str]:
    """The graph's inputs are what the tokenizer produces (XLM-R models have no token types)."""
    names = list(model.tokenizer(["probe"]).keys())
    unknown = [n for n in names if n not in _KNOWN_INPUTS]
    if unknown:
        raise ValueError(f"cannot export a model whose tokenizer yields {unknown}")
    return [n for n in _KNOWN_INPUTS if n in names]


def _fingerprint(model: Any) -> str:
    """Cheap identity of the weights: a changed checkpoint under the same name re-exports."""
    import torch

    digest = hashlib.sha256()
    with torch.inference_mode():
        for name, param in model.state_dict().items():
            data = param.detach().double()
            digest.update(f"{name}{tuple(data.shape)}{float(data.sum()):.9e}".encode())
            digest.update(f"{float(data.abs().sum()):.9e}".encode())
    return digest.hexdigest()


def cache_path(model: Any, name: str, location: str, backend: str, cache_dir: Path) -> Path:
    libraries = ("torch", "onnx", "onnxruntime", "sentence-transformers", "transformers")
    key = "|".join(
        [location, backend, _fingerprint(model), str(_OPSET), *(version(p) for p in libraries)]
    )
    short = hashlib.sha256(key.encode()).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[-60:]
    return cache_dir / f"{slug}-{short}" / MODEL_FILE


def export(model: Any, names: list[str], backend: str, target: Path) -> None:
    """Trace ``model`` into ``target`` (atomically); ``onnx-int8`` also quantizes."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    global export_count

    class Pipeline(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            features = dict(zip(names, inputs, strict=True))
            vector = self.inner(features)["sentence_embedding"]
            return torch.nn.functional.normalize(vector, dim=1)

    target.parent.mkdir(parents=True, exist_ok=True)
    sample = model.tokenizer(
        ["a probe sentence", "a second one"], padding=True, return_tensors="pt"
    )
    args = tuple(sample[n] for n in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["embedding"] = {0: "batch"}
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about Python-level branches
            torch.onnx.export(
                Pipeline().eval(),
                args,
                str(fp32),
                input_names=names,
                output_names=["embedding"],
                dynamic_axes=axes,
                opset_version=_OPSET,
                dynamo=False,
            )
        result = fp32
        if backend == "onnx-int8":
            result = Path(tmp) / "int8.onnx"
            # It advises shape pre-processing through the root logger, which would land in
            # `cvchat index`'s output; dynamic MatMul quantization does not need it.
            advice = _DropMessage("pre-processing before quantization")
            logging.getLogger().addFilter(advice)
            try:
                quantize_dynamic(
                    fp32,
                    result,
                    per_channel=True,
                    reduce_range=True,
                    weight_type=QuantType.QInt8,
                    op_types_to_quantize=["MatMul"],
                )
            finally:
                logging.getLogger().removeFilter(advice)
        os.replace(result, target)
    export_count += 1
    log.info("exported %s (%s) to %s", type(model).__name__, backend, target)
