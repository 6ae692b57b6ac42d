/**
 * Starts the real `cvchat serve` for the browser tests: a free port, a throwaway SQLite
 * database, the built client from front/dist. The answer path is the echo pipeline unless
 * E2E_PIPELINE says otherwise (with `rag`, CVCHAT_DATA_DIR must hold a built index). That
 * data folder is copied (its `cvs` and `index`) into the throwaway folder, so that tests may add
 * and delete CVs without touching it; the ONNX models stay where they are.
 * `authMode: "token"` serves in token mode; `createUser(name, { admin })` then makes a user with
 * the real `cvchat users create` and returns the access token it prints.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(base, child, logFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`cvchat serve exited with ${child.exitCode}:\n${readFileSync(logFile, "utf8").slice(-3000)}`);
    }
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`cvchat serve did not become healthy in ${timeoutMs} ms:\n${readFileSync(logFile, "utf8").slice(-3000)}`);
}

export async function startServer({ repoRoot, frontDist, artifacts, echoDelayMs, authMode = "none" }) {
  const cvchat = process.env.CVCHAT_BIN ?? path.join(repoRoot, ".venv/bin/cvchat");
  const tmp = mkdtempSync(path.join(tmpdir(), "cvchat-e2e-"));
  const port = await freePort();
  const logFile = path.join(artifacts, authMode === "none" ? "server.log" : `server-${authMode}.log`);
  const log = openSync(logFile, "w");
  const pipeline = process.env.E2E_PIPELINE ?? "echo";
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite+aiosqlite:///${path.join(tmp, "e2e.db")}`,
    CVCHAT_PIPELINE: pipeline,
    CVCHAT_ECHO_DELAY_MS: String(echoDelayMs),
    CVCHAT_FRONT_DIST: frontDist,
    CVCHAT_AUTH__MODE: authMode,
  };
  if (pipeline === "echo" && !process.env.CVCHAT_DATA_DIR) env.CVCHAT_DATA_DIR = path.join(tmp, "data");
  if (pipeline !== "echo") {
    const source = path.resolve(repoRoot, process.env.CVCHAT_DATA_DIR ?? "data");
    const copy = path.join(tmp, "data");
    for (const part of ["cvs", "index"]) {
      const from = path.join(source, part);
      // verbatimSymlinks: index/current stays a relative link to its version.
      if (existsSync(from)) cpSync(from, path.join(copy, part), { recursive: true, verbatimSymlinks: true });
    }
    env.CVCHAT_DATA_DIR = copy;
    env.CVCHAT_MODELS_DIR = process.env.CVCHAT_MODELS_DIR ?? path.join(source, "models");
  }
  const child = spawn(cvchat, ["serve", "--port", String(port)], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", log, log],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, child, logFile, Number(process.env.E2E_SERVER_TIMEOUT_MS ?? 180_000));
  } catch (error) {
    child.kill("SIGTERM");
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return {
    base,
    pipeline,
    authMode,
    /** A new user (an admin with `admin: true`) and their personal access token, made by the real CLI. */
    createUser(name, { admin = false } = {}) {
      return new Promise((resolve, reject) => {
        execFile(cvchat, ["users", "create", name, ...(admin ? ["--admin"] : [])], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`cvchat users create failed: ${stderr || error.message}`));
          else resolve(stdout.trim());
        });
      });
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
