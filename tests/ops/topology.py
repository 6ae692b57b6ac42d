"""The Compose stack without Docker: each service of docker-compose.yml as real processes.

Docker cannot run here, so this reads the same file and starts each service's ``command``
natively with that service's ``environment``, changed only where a container differs
from this machine:

- ``${NAME:-default}`` is interpolated from ``interpolate`` (else the default), as Compose
  does;
- ``DATABASE_URL`` names a Compose service as its host: it must, and it becomes the test's
  fresh PostgreSQL database on 127.0.0.1 (with the test server's credentials);
- paths under the image's working directory (``/app``) move under a temporary folder;
- ``0.0.0.0`` becomes ``127.0.0.1``, and every port (``--port N`` in the command, the
  value of any ``*_PORT`` variable) becomes a free port, one per instance; the service's
  health-check URL follows the same mapping;
- ``overrides`` are applied last (the tests run the deterministic echo answerer).

The processes start in a clean environment (no developer ``CVCHAT_*`` variable leaks in)
and in the temporary folder (no ``.env`` is read); their output goes to one log file each.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy.engine import make_url

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
IMAGE_WORKDIR = "/app"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")
_URL = re.compile(r"https?://[^\s'\"]+")
# What a process needs from this machine, besides the service's own variables.
_PASSED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's ``${NAME}`` / ``${NAME:-default}`` substitution."""
    return _VARIABLE.sub(lambda m: variables.get(m.group(1)) or (m.group(2) or ""), value)


def environment_of(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's ``environment`` (mapping or ``KEY=value`` list), values as strings."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def command_of(service: Mapping[str, Any]) -> list[str]:
    command = service.get("command")
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def healthcheck_url(service: Mapping[str, Any]) -> str | None:
    check = service.get("healthcheck") or {}
    if check.get("disable"):
        return None
    test = check.get("test") or []
    text = test if isinstance(test, str) else " ".join(str(t) for t in test)
    found = _URL.search(text)
    return found.group(0) if found else None


@dataclass
class Instance:
    service: str
    index: int
    argv: list[str]
    env: dict[str, str]
    ports: dict[int, int]
    health_url: str | None
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index}"

    def port(self, container_port: int) -> int:
        return self.ports[container_port]

    def url(self, container_port: int) -> str:
        return f"http://127.0.0.1:{self.ports[container_port]}"

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Topology:
    root: Path
    database_url: str
    overrides: dict[str, str] = field(default_factory=dict)
    interpolate: dict[str, str] = field(default_factory=dict)
    compose: dict[str, Any] = field(default_factory=load_compose)
    started: list[Instance] = field(default_factory=list)

    @property
    def services(self) -> dict[str, Any]:
        services = self.compose["services"]
        assert isinstance(services, dict)
        return services

    def instance(self, service: str, index: int = 1) -> Instance:
        spec = self.services[service]
        ports: dict[int, int] = {}

        def port_for(value: str) -> str:
            return str(ports.setdefault(int(value), free_port()))

        argv = command_of(spec)
        assert argv and argv[0] == "cvchat", f"{service}: the command is not a cvchat command"
        argv = [str(Path(sys.executable).with_name("cvchat")), *argv[1:]]
        for i, arg in enumerate(argv):
            if arg == "0.0.0.0" and i > 0 and argv[i - 1] == "--host":
                argv[i] = "127.0.0.1"
            if i > 0 and argv[i - 1] == "--port":
                argv[i] = port_for(arg)
        env = {k: os.environ[k] for k in _PASSED if k in os.environ}
        for key, raw in environment_of(spec).items():
            value = interpolate(raw, self.interpolate)
            if key == "DATABASE_URL":
                value = self._database_url(value)
            elif key.endswith("_URI") and "://" in value:
                value = self._service_url(value)
            elif value.startswith(IMAGE_WORKDIR + "/") or value == IMAGE_WORKDIR:
                value = str(self.root / value.removeprefix(IMAGE_WORKDIR).lstrip("/"))
            elif value == "0.0.0.0":
                value = "127.0.0.1"
            elif key.endswith("_PORT") and value.isdigit():
                value = port_for(value)
            env[key] = value
        env.update(self.overrides)
        health = healthcheck_url(spec)
        if health is not None:
            parsed = httpx.URL(health)
            if parsed.port is not None:
                health = str(parsed.copy_with(port=int(port_for(str(parsed.port)))))
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        return Instance(service, index, argv, env, ports, health, logs / f"{service}-{index}.log")

    def _service_url(self, value: str) -> str:
        """Another service's URL (Redis): its host must be a Compose service; here, loopback."""
        parsed = httpx.URL(value)
        assert parsed.host in self.services, (
            f"{value!r}: host {parsed.host!r} is not a service of the Compose file"
        )
        return str(parsed.copy_with(host="127.0.0.1"))

    def _database_url(self, value: str) -> str:
        """The service's URL must point at a Compose service; it becomes the test database."""
        compose_url = make_url(value)
        assert compose_url.host in self.services, (
            f"DATABASE_URL host {compose_url.host!r} is not a service of the Compose file"
        )
        test_url = make_url(self.database_url)
        assert compose_url.drivername == test_url.drivername, "another database driver"
        return test_url.render_as_string(hide_password=False)

    def run_once(self, service: str, *args: str, timeout: float = 120) -> str:
        """A one-shot service (``migrate``): run it to its end; its stdout."""
        inst = self.instance(service)
        done = subprocess.run(
            [*inst.argv, *args],
            env=inst.env,
            cwd=self.root,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        inst.log_path.write_bytes(done.stdout + done.stderr)
        assert done.returncode == 0, (
            f"{service} exited {done.returncode}:\n{done.stderr.decode(errors='replace')}"
        )
        return done.stdout.decode()

    def run_with_env_of(self, service: str, *argv: str, timeout: float = 120) -> str:
        """Another cvchat command with a service's environment (an operator's `exec`)."""
        inst = self.instance(service)
        done = subprocess.run(
            [inst.argv[0], *argv],
            env=inst.env,
            cwd=self.root,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        return done.stdout.decode()

    async def start(self, service: str, count: int, timeout: float = 90) -> list[Instance]:
        """``count`` replicas of a long-running service, each healthy by its own check."""
        instances = [self.instance(service, i + 1) for i in range(count)]
        for inst in instances:
            log = inst.log_path.open("wb")
            inst.proc = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
                inst.argv, env=inst.env, cwd=self.root, stdout=log, stderr=subprocess.STDOUT
            )
            log.close()
            self.started.append(inst)
        for inst in instances:
            await self._healthy(inst, timeout)
        return instances

    async def _healthy(self, inst: Instance, timeout: float) -> None:
        if inst.health_url is None:
            return
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=5) as client:
            while time.monotonic() < deadline:
                assert inst.proc is not None
                if inst.proc.poll() is not None:
                    raise AssertionError(f"{inst.name} exited:\n{inst.log_tail()}")
                try:
                    if (await client.get(inst.health_url)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.25)
        raise TimeoutError(f"{inst.name} not healthy at {inst.health_url}:\n{inst.log_tail()}")

    def stop(self) -> None:
        for inst in self.started:
            if inst.proc is not None and inst.proc.poll() is None:
                inst.proc.send_signal(signal.SIGTERM)
        for inst in self.started:
            if inst.proc is None:
                continue
            try:
                inst.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                inst.proc.kill()
                inst.proc.wait()
