"""The Compose stack and its image, checked without Docker (it cannot run here).

Statically: docker-compose.yml's services, builds, dependencies, health checks; every
command is a real ``cvchat`` command with real options (``cvchat <cmd> --help``); every
variable is a real setting; the Dockerfile's stages, user and health check. Then the same
topology runs natively (tests/ops/topology.py): migrate once, two workers, two API
processes; a run posted to one API is executed by a worker and streamed from the other.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel

from cvchat.infrastructure.llm.factory import KEY_VARIABLES
from cvchat.settings import Settings
from tests.integration.api_client import parse_sse
from tests.ops.topology import (
    DOCKERFILE,
    ROOT,
    Topology,
    command_of,
    environment_of,
    healthcheck_url,
    interpolate,
    load_compose,
)

COMPOSE = load_compose()
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_SERVICES = [name for name, spec in SERVICES.items() if command_of(spec)[:1] == ["cvchat"]]
# Variables the image's processes read that are not cvchat settings (FORWARDED_ALLOW_IPS:
# uvicorn's).
NOT_SETTINGS = {"HF_HOME", "FORWARDED_ALLOW_IPS"} | {
    name for names in KEY_VARIABLES.values() for name in names
}
CLI = str(Path(sys.executable).with_name("cvchat"))


def _help(*command: str) -> str:
    done = subprocess.run(
        [CLI, *command, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "TERM": "dumb"},
        check=False,
    )
    assert done.returncode == 0, f"`cvchat {' '.join(command)} --help`: {done.stderr}"
    return done.stdout


def _setting_exists(name: str) -> bool:
    """``CVCHAT_A__B`` names field ``a.b`` of Settings; ``DATABASE_URL`` is an alias."""
    if name == "DATABASE_URL":
        return True
    if not name.startswith("CVCHAT_"):
        return False
    model: type[BaseModel] = Settings
    parts = name.removeprefix("CVCHAT_").lower().split("__")
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        if i < len(parts) - 1:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                return False
            model = annotation
    return True


# --- docker-compose.yml ------------------------------------------------------------------


def test_the_stack_has_its_services() -> None:
    assert {"db", "redis", "migrate", "index", "api", "worker"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres:")
    for name in APP_SERVICES:
        spec = SERVICES[name]
        assert spec.get("build") == "." and spec.get("image") == "cvchat:latest", name
    # Several API processes: nothing may pin one container name or one host port.
    for name in ("api", "worker"):
        assert "container_name" not in SERVICES[name]
    (published,) = SERVICES["api"]["ports"]
    assert re.search(r"\d+-\d+}?:8000$", published), "a port range, so that api scales"
    assert SERVICES["worker"]["deploy"]["replicas"] >= 2


def test_dependencies_wait_for_health_and_one_shot_jobs() -> None:
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert SERVICES["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "redis-cli" in " ".join(SERVICES["redis"]["healthcheck"]["test"])
    for name in ("api", "worker"):
        depends = {k: v["condition"] for k, v in SERVICES[name]["depends_on"].items()}
        expected = {
            "db": "service_healthy",
            "migrate": "service_completed_successfully",
            "index": "service_completed_successfully",
        }
        if name == "api":  # rate limits are counted in Redis, once for every replica
            expected["redis"] = "service_healthy"
        assert depends == expected, name
    for one_shot in ("migrate", "index", "dataset"):
        assert SERVICES[one_shot]["restart"] == "no"
        assert SERVICES[one_shot]["healthcheck"] == {"disable": True}
    assert SERVICES["dataset"]["profiles"] == ["demo"]  # only when asked for (make up)


def test_health_checks_use_real_endpoints() -> None:
    from cvchat.web.app import create_app

    paths = set(create_app(Settings()).openapi()["paths"])
    api_check = healthcheck_url(SERVICES["api"])
    assert api_check is not None and api_check.endswith("/api/health/ready")
    assert "/api/health/ready" in paths and "/api/health/live" in paths
    worker_check = healthcheck_url(SERVICES["worker"])
    assert worker_check == "http://127.0.0.1:9100/metrics"
    assert SERVICES["worker"]["environment"]["CVCHAT_METRICS__WORKER_PORT"] == "9100"
    assert "--metrics-port" in _help("worker")  # the same, as an option


def test_every_command_is_a_real_cvchat_command_with_real_options() -> None:
    for name in APP_SERVICES:
        argv = command_of(SERVICES[name])
        words = [a for a in argv[1:] if not a.startswith("-")]
        command = words[:1]
        text = _help(*command)
        for option in (a for a in argv if a.startswith("--")):
            assert option in text, f"{name}: `cvchat {command[0]}` has no {option}"
    serve = command_of(SERVICES["api"])
    assert serve[:2] == ["cvchat", "serve"] and serve[serve.index("--host") + 1] == "0.0.0.0"
    assert command_of(SERVICES["worker"])[:2] == ["cvchat", "worker"]


def test_every_variable_is_a_real_setting_with_a_valid_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in APP_SERVICES:
        env = environment_of(SERVICES[name])
        unknown = [k for k in env if not _setting_exists(k) and k not in NOT_SETTINGS]
        assert not unknown, f"{name}: not settings: {unknown}"
        with monkeypatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, interpolate(value, {}))
            settings = Settings(_env_file=None)  # type: ignore[call-arg]
        assert settings.database_url.startswith("postgresql+asyncpg://")
        assert settings.executor == "queue", name
        assert settings.auth.mode == "token", name  # a public bind needs it
        assert settings.log_format == "json", name
    assert _setting_exists("CVCHAT_RAG__TOP_K") and not _setting_exists("CVCHAT_RAG__NOPE")


# --- Dockerfile --------------------------------------------------------------------------


def _stages() -> list[tuple[str, str, list[str]]]:
    """(base image, stage name, instructions) per ``FROM``; continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stages: list[tuple[str, str, list[str]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            parts = line.split()
            name = parts[3] if len(parts) > 3 and parts[2].upper() == "AS" else ""
            stages.append((parts[1], name, []))
        else:
            stages[-1][2].append(line)
    return stages


def test_the_image_builds_the_client_then_the_app_and_runs_unprivileged() -> None:
    stages = _stages()
    names = [name for _, name, _ in stages]
    assert names == ["front", "build", "app"]
    front, build, app = (lines for _, _, lines in stages)
    assert stages[0][0].startswith("node:")
    package = json.loads((ROOT / "front" / "package.json").read_text())
    assert "RUN npm ci --no-audit --no-fund" in front and "RUN npm run build" in front
    assert "build" in package["scripts"]
    torch = next(i for i, line in enumerate(build) if "pip install torch==2.13.0" in line)
    assert "--index-url https://download.pytorch.org/whl/cpu" in build[torch]
    app_install = next(i for i, line in enumerate(build) if line == "RUN pip install .")
    assert torch < app_install, "the CPU build of torch first"
    assert "COPY --from=front /front/dist /app/front/dist" in app
    assert "COPY --from=build /opt/venv /opt/venv" in app
    users = [line.split()[1] for line in app if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the processes must not run as root"
    (check,) = [line for line in app if line.startswith("HEALTHCHECK ")]
    assert "/api/health/live" in check
    (cmd,) = [line for line in app if line.startswith("CMD ")]
    argv = json.loads(cmd.removeprefix("CMD "))
    assert argv[:2] == ["cvchat", "serve"]
    text = _help("serve")
    assert all(option in text for option in argv if option.startswith("--"))


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", ".env", "data", "front/node_modules", "front/dist"):
        assert entry in ignored


def test_make_up_and_down_drive_compose() -> None:
    makefile = (ROOT / "Makefile").read_text()
    up = re.search(r"^up:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    down = re.search(r"^down:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert up and "docker compose up" in up.group(1)
    assert down and "docker compose down" in down.group(1)


# --- the topology, natively ---------------------------------------------------------------


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(600)  # several cvchat processes, each loading what a container would
async def test_the_topology_serves_a_run_across_processes(
    fresh_pg_url: str, tmp_path: Path
) -> None:
    topology = Topology(
        tmp_path,
        fresh_pg_url,
        overrides={"CVCHAT_PIPELINE": "echo", "CVCHAT_ECHO_DELAY_MS": "5"},
    )
    try:
        assert "newest schema" in topology.run_once("migrate")
        token = topology.run_with_env_of("api", "users", "create", "operator").strip()
        workers = await topology.start("worker", 2)
        api1, api2 = await topology.start("api", 2)
        async with httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            r = await http.post(f"{api1.url(8000)}/api/threads", json={})
            assert r.status_code == 201, r.text
            thread_id = r.json()["thread_id"]
            question = "which CVs mention Kubernetes and Spanish"
            r = await http.post(
                f"{api1.url(8000)}/api/threads/{thread_id}/messages", json={"content": question}
            )
            assert r.status_code == 202, r.text
            run_id = r.json()["run_id"]
            async with http.stream("GET", f"{api2.url(8000)}/api/runs/{run_id}/events") as s:
                assert s.status_code == 200
                frames, _ = parse_sse([line async for line in s.aiter_lines()])
            assert [f.event for f in frames][-2:] == ["final", "state"]
            assert frames[-1].data == {"status": "done"}
            assert [f.id for f in frames] == list(range(1, len(frames) + 1))
            assert (await http.get(f"{api1.url(8000)}/api/runs/{run_id}")).json()[
                "status"
            ] == "done"
            # A worker executed it (the API processes only enqueue), and says so in /metrics.
            executed = []
            for worker in workers:
                text = (await http.get(worker.health_url or "")).text
                executed.append(_metric(text, "cvchat_run_duration_seconds_count", outcome="done"))
            assert sum(executed) == 1, executed
            for api in (api1, api2):
                text = (await http.get(f"{api.url(8000)}/metrics")).text
                assert _metric(text, "cvchat_run_duration_seconds_count") == 0
                assert _metric(text, "cvchat_runs", status="done") == 1
    finally:
        topology.stop()
    # json logs everywhere (the stack sets CVCHAT_LOG_FORMAT=json)
    for inst in topology.started:
        lines = [line for line in inst.log_path.read_text().splitlines() if line.strip()]
        assert lines, inst.name
        for line in lines:
            json.loads(line)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(600)  # several cvchat processes, each loading what a container would
async def test_the_index_service_builds_the_index_the_api_and_workers_answer_from(
    fresh_pg_url: str, tmp_path: Path
) -> None:
    from tests.rag.pdf_factory import write_corpus

    topology = Topology(
        tmp_path,
        fresh_pg_url,
        # The image's model is loaded by name from the hub; here, the packaged offline copy.
        overrides={"CVCHAT_RAG__EMBEDDING_MODEL": "offline-minilm"},
    )
    cvs = topology.root / "data" / "cvs"  # where ./data/cvs is mounted (CVCHAT_DATA_DIR)
    write_corpus(cvs)
    try:
        topology.run_once("migrate")
        topology.run_once("index")
        assert (topology.root / "data" / "index" / "current").is_symlink()
        token = topology.run_with_env_of("api", "users", "create", "reader").strip()
        await topology.start("worker", 1)
        (api,) = await topology.start("api", 1)  # healthy = ready: the index is loaded
        async with httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as http:
            ready = (await http.get(f"{api.url(8000)}/api/health/ready")).json()
            assert ready["checks"]["index"] == "ok"
            thread_id = (await http.post(f"{api.url(8000)}/api/threads", json={})).json()[
                "thread_id"
            ]
            r = await http.post(
                f"{api.url(8000)}/api/threads/{thread_id}/messages",
                json={"content": "Who has Kubernetes experience?"},
            )
            run_id = r.json()["run_id"]
            async with http.stream("GET", f"{api.url(8000)}/api/runs/{run_id}/events") as s:
                frames, _ = parse_sse([line async for line in s.aiter_lines()])
        assert frames[-1].data == {"status": "done"}
        final = next(f for f in frames if f.event == "final")
        assert final.data["sources"], "an answer from the indexed CVs, with its sources"
    finally:
        topology.stop()
