"""Retrieval adapters: PDF text, CV-aware chunks, embeddings, FAISS + BM25, fusion, index store."""

from cvchat.infrastructure.rag.retriever import IndexRetriever
from cvchat.infrastructure.rag.store import IndexStore

__all__ = ["IndexRetriever", "IndexStore"]
