/**
 * End-to-end tests of the chat client in a real browser (Debian's Chromium driven by
 * playwright-core) against the real `cvchat serve`. Prints one line per test and a final
 * `N passed, M failed` line; exits non-zero when a test failed.
 *
 *   npm run build && npm run e2e            # all tests
 *   npm run e2e -- --grep stop              # tests whose name matches
 *   npm run e2e -- --update-docs            # also copy the screenshots to docs/ui/
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { blankScanPdf, textDocx, textPdf } from "./files.mjs";
import { startServer } from "./server.mjs";

const FRONT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO = path.resolve(FRONT, "..");
const DIST = path.join(FRONT, "dist");
const ARTIFACTS = path.join(FRONT, "e2e-artifacts");
const DOCS_UI = path.join(REPO, "docs", "ui");
// The screenshots front/README.md shows (the sources ones need E2E_PIPELINE=rag).
const DOC_SHOTS = [
  "empty-state",
  "sources-streaming",
  "sources",
  "exact-count",
  "stopped-run",
  "reconnecting",
  "phone",
  "phone-drawer",
  "corpus",
  "viewer",
  "shortlist-table",
  "shortlist-compare",
];
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ECHO_DELAY_MS = 50;
const TIMEOUT = 20_000;
const TEST_TIMEOUT = 60_000;

const args = process.argv.slice(2);
const grep = args.includes("--grep") ? new RegExp(args[args.indexOf("--grep") + 1], "i") : null;
const updateDocs = args.includes("--update-docs");

class Skip extends Error {}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}:\n  expected ${JSON.stringify(expected)}\n  actual   ${JSON.stringify(actual)}`);
  }
}

/** What the echo pipeline answers (src/cvchat/infrastructure/pipelines/echo.py). */
function echoAnswer(question) {
  const words = question.split(/\s+/).filter(Boolean);
  return `You asked:${words.map((w) => ` ${w}`).join("")} — end of echo.`;
}

/** A question long enough (about 45 words) that its echo takes a few seconds to stream. */
function longQuestion(topic) {
  return (
    `Which candidates (${topic}) have led a migration of a monolith to Kubernetes, mentored junior ` +
    "engineers, speak Spanish and French, and have run PostgreSQL, Kafka and Terraform in " +
    "production for at least five years, preferably in fintech or healthcare companies in " +
    "Europe, and would be open to a hybrid role based in Madrid or Lisbon?"
  );
}

let counter = 0;
const uniqueName = (prefix) => `${prefix} ${process.pid}-${(counter += 1)}`;

// ---------------------------------------------------------------- page helpers

/**
 * Records a page's console errors, uncaught exceptions and Content-Security-Policy violations:
 * the runner fails a test that leaves any (the client must run under the server's CSP as is).
 */
async function watchPage(ctx, page, allowErrors = []) {
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !allowErrors.some((re) => re.test(msg.text()))) errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  await page.exposeFunction("__e2eCspViolation", (text) => errors.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__e2eCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline code"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  ctx.pages.push({ page, errors });
  return errors;
}

async function openPage(ctx, server, { viewport = { width: 1280, height: 820 }, allowErrors = [], context } = {}) {
  const page = await (context ?? ctx.browser).newPage();
  await page.setViewportSize(viewport);
  await watchPage(ctx, page, allowErrors);
  await page.goto(server.base);
  return page;
}

async function signUp(page, name) {
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Start" }).click();
  await page.getByLabel("Ask about the CVs").waitFor();
}

async function ask(page, question) {
  await page.getByRole("button", { name: "Send" }).waitFor(); // not "Stop": no run is active
  const box = page.getByLabel("Ask about the CVs");
  await box.fill(question);
  await box.press("Enter");
  await page.getByTestId("user-message").filter({ hasText: question.slice(0, 40) }).waitFor();
}

const lastAnswer = (page) => page.getByTestId("assistant-message").last();

async function answerText(page) {
  const text = lastAnswer(page).getByTestId("answer-text");
  return (await text.count()) ? (await text.innerText()).trim() : "";
}

async function waitStatus(page, status, timeout = TIMEOUT) {
  await page.locator(`[data-testid=assistant-message][data-status=${status}]`).last().waitFor({ timeout });
}

/** Waits until the streamed answer has at least `chars` characters, while still streaming. */
async function waitPartial(page, chars) {
  await page.waitForFunction(
    (n) => {
      const answers = document.querySelectorAll("[data-testid=assistant-message]");
      const last = answers[answers.length - 1];
      const text = last?.querySelector("[data-testid=answer-text]")?.textContent ?? "";
      return last?.getAttribute("data-status") === "streaming" && text.length >= n;
    },
    chars,
    { timeout: TIMEOUT },
  );
}

async function shot(page, name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// ---------------------------------------------------------------- tests

const tests = [];
/**
 * `server`: which `cvchat serve` the test needs, "none" (auth mode none) or "token";
 * `timeout`: the test's own limit in ms, when it needs more than TEST_TIMEOUT.
 */
const test = (name, fn, { server = "none", timeout = TEST_TIMEOUT } = {}) => tests.push({ name, fn, server, timeout });

test("create a user, ask a question, see the streamed answer", async (ctx, server) => {
  const page = await openPage(ctx, server);
  await page.getByRole("heading", { name: "Welcome to cvchat" }).waitFor();
  await shot(page, "name-gate");
  await signUp(page, uniqueName("Recruiter"));
  await page.getByRole("list", { name: "Example questions" }).waitFor();
  ctx.screenshots.set("empty-state", await shot(page, "empty-state"));

  // An example question from the empty state is one click away.
  const question = "Who has led a Kubernetes migration and speaks Spanish?";
  await page.getByRole("button", { name: question }).click();
  await page.getByTestId("user-message").filter({ hasText: question }).waitFor();
  // Sample the answer while it streams: it must grow in several steps, never shrink.
  const lengths = [];
  let streamingShot = false;
  for (;;) {
    const status = await lastAnswer(page).getAttribute("data-status");
    const text = await answerText(page);
    if (lengths.at(-1) !== text.length) lengths.push(text.length);
    if (!streamingShot && status === "streaming" && text.length > 30) {
      ctx.screenshots.set("streaming", await shot(page, "streaming"));
      streamingShot = true;
    }
    if (status !== "streaming") break;
    await page.waitForTimeout(40);
  }
  await waitStatus(page, "done");
  expect(lengths.length >= 4, `the answer should appear token by token, saw lengths ${lengths}`);
  for (let i = 1; i < lengths.length; i += 1) expect(lengths[i] >= lengths[i - 1], `the answer shrank: ${lengths}`);
  if (server.pipeline === "echo") expectEqual(await answerText(page), echoAnswer(question), "answer");
  // The sidebar lists the new thread, titled by its first message; the URL names it.
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: question }).waitFor();
  expect(new URL(page.url()).searchParams.get("thread"), "the URL should name the thread");
  await page.getByRole("button", { name: "Copy answer" }).waitFor();
  ctx.screenshots.set("answer", await shot(page, "answer"));
});

test("a taken name offers to continue as that user", async (ctx, server) => {
  const name = uniqueName("Taken");
  const first = await openPage(ctx, server);
  await signUp(first, name);
  await ask(first, "first question of the taken user");
  await waitStatus(first, "done");

  // Another browser (its own storage), where nobody is signed in yet.
  // Chrome logs every 4xx answer to fetch; the 409 is this test's point, nothing else may log.
  const page = await openPage(ctx, server, {
    context: await ctx.newContext(),
    allowErrors: [/status of 409 \(Conflict\)/],
  });
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Start" }).click();
  await page.getByRole("alert").filter({ hasText: "is already taken" }).waitFor();
  await page.getByRole("button", { name: `Continue as ${name}` }).click();
  await page
    .getByRole("navigation", { name: "Conversations" })
    .getByRole("link", { name: "first question of the taken user" })
    .waitFor({ timeout: 10_000 });
});

test("stop a run mid-stream", async (ctx, server) => {
  const page = await openPage(ctx, server);
  await signUp(page, uniqueName("Stopper"));
  const question = longQuestion("stop");
  await ask(page, question);
  await waitPartial(page, 30);
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitStatus(page, "canceled");
  await lastAnswer(page).getByText("Stopped").waitFor();
  const partial = await answerText(page);
  ctx.screenshots.set("stopped-run", await shot(page, "stopped-run"));
  if (server.pipeline === "echo") {
    const full = echoAnswer(question);
    expect(partial.length > 0 && partial.length < full.length, `expected a partial answer, got ${partial.length} chars`);
    expect(full.startsWith(partial), `the partial answer is not a prefix of the answer: ${partial}`);
  }
  // The composer is usable again, and the stopped answer survives a reload unchanged.
  await page.getByRole("button", { name: "Send" }).waitFor();
  expectEqual(await page.evaluate(() => `${document.activeElement?.tagName}#${document.activeElement?.id}`), "TEXTAREA#composer", "focus after stop");
  await page.reload();
  await waitStatus(page, "canceled");
  await lastAnswer(page).getByText("Stopped").waitFor();
  expectEqual(await answerText(page), partial, "the stopped answer after reload");
});

test("cut the stream mid-way: it resumes with the full answer, nothing repeated", async (ctx, server) => {
  const page = await openPage(ctx, server, { allowErrors: [/ERR_FAILED|Failed to load resource/] });
  await signUp(page, uniqueName("Cutter"));
  const requests = [];
  const handlerErrors = [];
  let sawReconnecting = false;
  await page.route("**/api/runs/*/events*", async (route) => {
    const request = route.request();
    const lastEventId = (await request.allHeaders())["last-event-id"] ?? null;
    requests.push(lastEventId);
    try {
      await cutOrPass(route, request, requests.length);
    } catch (error) {
      handlerErrors.push(String(error));
      await route.continue().catch(() => {});
    }
  });
  async function cutOrPass(route, request, n) {
    if (n === 1) {
      // Read the real stream until a few events arrived, then end it in the middle of a frame.
      const upstream = await fetch(request.url(), { headers: { Accept: "text/event-stream" } });
      const reader = upstream.body.getReader();
      const decoder = new TextDecoder();
      let text = "";
      while ((text.match(/\n\n/g) ?? []).length < 9) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended early: ${text}`);
        // sse-starlette ends lines with CRLF; count frames on normalised text.
        text += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      }
      await reader.cancel();
      const frames = text.split("\n\n");
      const nextFrameHalf = "id: 999\nevent: token\ndata: {\"text\":\" SHOULD-NOT-APPEAR";
      const body = `${frames.slice(0, 9).join("\n\n")}\n\n${nextFrameHalf}`;
      await route.fulfill({ status: 200, headers: { "Content-Type": "text/event-stream" }, body });
    } else if (n === 2) {
      // Keep the network down for a moment: the client must say it is reconnecting.
      await page.getByText(/reconnecting/i).waitFor({ timeout: 5000 });
      sawReconnecting = true;
      ctx.screenshots.set("reconnecting", await shot(page, "reconnecting"));
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  }
  const question = longQuestion("cut");
  await ask(page, question);
  await waitStatus(page, "done");
  const text = await answerText(page);
  expect(handlerErrors.length === 0, `interception failed: ${handlerErrors}`);
  expect(requests.length >= 3, `expected reconnections, saw ${requests.length} requests`);
  expect(requests[0] === null, `first request should start from the beginning, sent ${requests[0]}`);
  expect(Number(requests[1]) > 0 && requests[2] === requests[1], `resume ids ${requests}`);
  expect(sawReconnecting, "no reconnecting notice");
  expect(!text.includes("SHOULD-NOT-APPEAR"), "a half-received frame was shown");
  if (server.pipeline === "echo") expectEqual(text, echoAnswer(question), "the resumed answer");
  ctx.screenshots.set("resumed", await shot(page, "resumed"));
  // What the server stored is what was shown.
  await page.unroute("**/api/runs/*/events*");
  await page.reload();
  await waitStatus(page, "done");
  expectEqual(await answerText(page), text, "the stored answer");
});

test("reload mid-run (and a second tab) re-attach to the run", async (ctx, server) => {
  const page = await openPage(ctx, server);
  await signUp(page, uniqueName("Reloader"));
  const question = longQuestion("reload");
  await ask(page, question);
  await waitPartial(page, 30);
  const threadUrl = page.url();
  expect(new URL(threadUrl).searchParams.get("thread"), "the URL should name the thread");

  const other = await ctx.browser.newPage();
  await watchPage(ctx, other);
  await other.goto(threadUrl);

  await page.reload();
  // After the reload the run is still in flight: the page shows it streaming, then done.
  await waitStatus(page, "streaming");
  await waitStatus(page, "done");
  await waitStatus(other, "done");
  const expected = server.pipeline === "echo" ? echoAnswer(question) : await answerText(page);
  expectEqual(await answerText(page), expected, "answer after reload");
  expectEqual(await answerText(other), expected, "answer in the second tab");
  expectEqual(await page.getByTestId("user-message").count(), 1, "user messages");
  expectEqual(await page.getByTestId("assistant-message").count(), 1, "assistant messages");
});

test("phone width: drawer, no horizontal scroll", async (ctx, server) => {
  const page = await openPage(ctx, server, { viewport: { width: 390, height: 844 } });
  await signUp(page, uniqueName("Phone"));
  await ask(page, "Who has led a Kubernetes migration and speaks Spanish?");
  await waitStatus(page, "done");
  ctx.screenshots.set("phone", await shot(page, "phone"));
  const overflow = await page.evaluate(() =>
    [document.documentElement, document.querySelector("[aria-label=Conversation]")].map((el) => el.scrollWidth - el.clientWidth),
  );
  expect(overflow.every((px) => px <= 0), `the page or the conversation scrolls sideways by ${overflow} px`);
  expect(!(await page.getByRole("navigation", { name: "Conversations" }).isVisible()), "sidebar should be hidden");
  await page.getByRole("button", { name: "Open conversations" }).click();
  await page.getByRole("navigation", { name: "Conversations" }).getByRole("link").first().waitFor();
  ctx.screenshots.set("phone-drawer", await shot(page, "phone-drawer"));
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
  // Keyboard focus went back to the menu button.
  expectEqual(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Open conversations", "focus");
});

test("auto-scroll follows the answer until the reader scrolls up", async (ctx, server) => {
  const page = await openPage(ctx, server, { viewport: { width: 390, height: 700 } });
  await signUp(page, uniqueName("Scroller"));
  const scroller = page.getByRole("region", { name: "Conversation" });
  const gap = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  await ask(page, longQuestion("first"));
  await waitStatus(page, "done");
  await ask(page, longQuestion("second"));
  await waitStatus(page, "done");
  expect((await scroller.evaluate((el) => el.scrollHeight - el.clientHeight)) > 200, "the thread should overflow");
  expect((await gap()) < 80, `should follow the answer to the bottom, gap ${await gap()}`);
  // Scrolling up while an answer streams stops the following.
  await ask(page, longQuestion("third"));
  await waitPartial(page, 20);
  await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
  await waitStatus(page, "done");
  expectEqual(await scroller.evaluate((el) => el.scrollTop), 0, "scroll position after the reader scrolled up");
});

test("sources: cards open the CV's PDF at the cited page", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline cites no sources`);
  const page = await openPage(ctx, server);
  await signUp(page, uniqueName("Sourcer"));
  // A slow network (emulated by the browser) makes the stream visible mid-way for a screenshot.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: 600,
    uploadThroughput: -1,
  });
  await ask(page, "Who has led a Kubernetes migration and speaks Spanish?");
  try {
    await waitPartial(page, 60);
    ctx.screenshots.set("sources-streaming", await shot(page, "sources-streaming"));
  } catch {
    // the answer was too short to catch mid-way: the final screenshot is enough
  }
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await waitStatus(page, "done");
  const cards = lastAnswer(page).getByTestId("source-card");
  expect((await cards.count()) > 0, "no source card appeared under the answer");
  ctx.screenshots.set("sources", await shot(page, "sources"));
  const card = cards.first();
  const href = await card.getAttribute("href");
  expect(/\/api\/cvs\/[^/]+\/pdf/.test(href) && /#page=\d+/.test(href), `card link ${href}`);
  const pdf = await page.request.get(new URL(href, server.base).href);
  expectEqual(pdf.status(), 200, "PDF status");
  expect((pdf.headers()["content-type"] ?? "").startsWith("application/pdf"), "PDF content type");
  expect((await pdf.body()).subarray(0, 5).toString() === "%PDF-", "not a PDF");
  // A plain click opens the in-app viewer (the "viewer:" tests); Ctrl/⌘-click still opens the PDF in a tab.
  const [popup] = await Promise.all([page.context().waitForEvent("page"), card.click({ modifiers: ["ControlOrMeta"] })]);
  await popup.waitForLoadState("commit");
  expect(popup.url().includes("/pdf"), `popup opened ${popup.url()}`);
  // A citation marker in the text links to its card.
  const citations = lastAnswer(page).locator("a.citation");
  for (const citation of await citations.all()) {
    const target = await citation.getAttribute("href");
    expectEqual(await page.locator(target).getAttribute("data-testid"), "source-card", `citation ${target}`);
  }
});

test("sources: a count question states the exact number and names every match", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline has no profiles`);
  const page = await openPage(ctx, server);
  await signUp(page, uniqueName("Counter"));
  const truth = await (await page.request.get(new URL("/api/candidates?language=en&limit=500", server.base).href)).json();
  expect(truth.total > 5, `the corpus needs more than 5 English speakers, has ${truth.total}`);
  await ask(page, "How many candidates speak English?");
  await waitStatus(page, "done");
  const text = await answerText(page);
  expect(text.startsWith(`${truth.total} candidates (English):`), `answer starts: ${text.slice(0, 80)}`);
  for (const candidate of truth.candidates.slice(0, 25)) {
    expect(text.includes(candidate.name), `${candidate.name} is missing from the answer`);
  }
  const cards = lastAnswer(page).getByTestId("source-card");
  expectEqual(await cards.count(), Math.min(truth.total, 25), "one evidence card per listed candidate");
  // The count and its chips first: the top of the answer, as a reader starts it.
  await page.getByRole("region", { name: "Conversation" }).evaluate((el) => {
    const top = el.querySelector("[data-testid=assistant-message]").getBoundingClientRect().top;
    el.scrollTop += top - el.getBoundingClientRect().top - 16;
  });
  ctx.screenshots.set("exact-count", await shot(page, "exact-count"));
});

// ---------------------------------------------------------------- corpus

const INDEX_TIMEOUT = 90_000;

/** Drops files on the page's drop zone, as a drag from the desktop would. */
async function dropFiles(page, files) {
  const payload = files.map(({ name, mimeType, buffer }) => ({ name, mimeType, base64: buffer.toString("base64") }));
  await page.getByTestId("drop-zone").evaluate((zone, items) => {
    const transfer = new DataTransfer();
    for (const { name, mimeType, base64 } of items) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type: mimeType }));
    }
    for (const type of ["dragenter", "dragover", "drop"]) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
    }
  }, payload);
}

/** Picks files through the "Choose files" button and the browser's file chooser. */
async function chooseFiles(page, files) {
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: "Choose files" }).click(),
  ]);
  await chooser.setFiles(files);
}

const uploadRow = (page, name) => page.getByTestId("upload-row").filter({ hasText: name });
const cvRow = (page, cvId) => page.locator(`[data-testid=cv-row][data-cv-id="${cvId}"]`);

/** The cv_id the server gave an uploaded file, once it accepted it. */
async function acceptedId(page, name) {
  const row = uploadRow(page, name);
  await row.and(page.locator("[data-phase=accepted]")).waitFor({ timeout: TIMEOUT });
  return row.getAttribute("data-cv-id");
}

async function openCorpus(page) {
  await page.getByRole("link", { name: "Corpus", exact: true }).click();
  await page.getByRole("heading", { name: "CVs in the corpus" }).waitFor();
  await page.getByTestId("cv-row").first().waitFor();
}

test(
  "corpus: add a PDF, a DOCX and bad files, see them indexed and cited, delete one for good",
  async (ctx, server) => {
    if (server.pipeline === "echo") throw new Skip("the echo pipeline has no index to add CVs to");
    // Chrome logs each 4xx answer: the refused file's 415 is part of the test. Tall enough for
    // the screenshot to show the files added and the first CVs of the list.
    const page = await openPage(ctx, server, {
      viewport: { width: 1280, height: 1180 },
      allowErrors: [/status of 415 \(Unsupported Media Type\)/],
    });
    await signUp(page, uniqueName("Curator"));
    await openCorpus(page);
    const before = await page.getByTestId("cv-row").count();

    // A text PDF and a page with nothing to read, dropped together; a text file named .pdf, chosen.
    const tag = `${process.pid}`;
    const good = `e2e-cv-${tag}.pdf`;
    const scan = `e2e-scan-${tag}.pdf`;
    await dropFiles(page, [
      {
        name: good,
        mimeType: "application/pdf",
        buffer: textPdf([
          "Wilhelmina Okonkwo-Brandt",
          "Embedded firmware engineer - Zephyr RTOS, Rust, LoRaWAN",
          "wilhelmina.brandt@example.org - Porto, Portugal",
          "Professional summary",
          `Firmware engineer (${tag}) with nine years building Zephyr RTOS firmware for beehive telemetry sensors.`,
          "Experience",
          "Senior firmware engineer, Apiary Signals, Porto, 2019 - 2025",
          "Wrote the Zephyr RTOS firmware of 4,000 beehive telemetry sensors over LoRaWAN.",
          "Languages",
          "Portuguese (native), English (C1)",
        ]),
      },
      { name: scan, mimeType: "application/pdf", buffer: blankScanPdf() },
    ]);
    await chooseFiles(page, [{ name: "x.pdf", mimeType: "application/pdf", buffer: Buffer.from("just some text, not a PDF\n") }]);

    // The refused file says why, next to it; the others are taken.
    const refused = uploadRow(page, "x.pdf");
    await refused.getByRole("alert").filter({ hasText: "not a PDF or DOCX file" }).waitFor({ timeout: TIMEOUT });
    expectEqual(await refused.getAttribute("data-phase"), "failed", "the refused file's state");
    const goodId = await acceptedId(page, good);
    const scanId = await acceptedId(page, scan);
    expect(goodId && scanId && goodId !== scanId, `cv ids ${goodId}, ${scanId}`);

    // Statuses follow the server (polled): the PDF indexed, the page with nothing to read failed.
    await cvRow(page, goodId).and(page.locator("[data-status=indexed]")).waitFor({ timeout: INDEX_TIMEOUT });
    await cvRow(page, scanId).and(page.locator("[data-status=failed]")).waitFor({ timeout: INDEX_TIMEOUT });
    await cvRow(page, scanId).getByTestId("cv-error").waitFor();
    await uploadRow(page, scan).getByRole("alert").waitFor();
    const name = (await cvRow(page, goodId).getByRole("link").innerText()).trim();
    expect(name.includes("Okonkwo"), `the indexed CV is named ${JSON.stringify(name)}`);
    expectEqual(await page.getByTestId("cv-row").count(), before + 2, "CVs listed");
    const details = await (await page.request.get(new URL(`/api/cvs/${goodId}`, server.base).href)).json();
    expectEqual(details.status, "indexed", "GET /api/cvs/{id} status");

    // A DOCX, dropped after: caught on its way for the screenshot (indexing, failed, indexed at once).
    const docx = `e2e-cv-${tag}.docx`;
    await dropFiles(page, [
      {
        name: docx,
        mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        buffer: textDocx([
          "Teodora Lindqvist-Amaral",
          "Hydrologist and data engineer - Python, xarray",
          `Modelled glacier melt runoff (${tag}) for alpine reservoirs with Python and xarray.`,
          "Languages: Swedish (native), English (C2)",
        ]),
      },
    ]);
    const docxId = await acceptedId(page, docx);
    try {
      await cvRow(page, docxId).and(page.locator("[data-status=indexing]")).waitFor({ timeout: 5000 });
      ctx.screenshots.set("corpus", await shot(page, "corpus"));
    } catch {
      ctx.notes.push("the DOCX was indexed before a screenshot could show it indexing");
    }
    await cvRow(page, docxId).and(page.locator("[data-status=indexed]")).waitFor({ timeout: INDEX_TIMEOUT });
    if (!ctx.screenshots.has("corpus")) ctx.screenshots.set("corpus", await shot(page, "corpus"));
    expect(await cvRow(page, docxId).getByText("DOCX", { exact: true }).isVisible(), "the DOCX is marked as such");

    // The new CV answers questions at once, cited by its card.
    await page.getByRole("button", { name: "New chat" }).click();
    await ask(page, "Who built Zephyr RTOS firmware for beehive telemetry sensors?");
    await waitStatus(page, "done", INDEX_TIMEOUT);
    const cited = lastAnswer(page).locator(`a[data-testid=source-card][href*="/api/cvs/${goodId}/pdf"]`);
    expect((await cited.count()) > 0, `no source card cites ${goodId}`);
    const threadUrl = page.url();

    // Delete it: Esc keeps it, the confirmation removes it.
    await openCorpus(page);
    const remove = cvRow(page, goodId).getByRole("button", { name: `Delete ${name}` });
    await remove.click();
    const dialog = page.getByRole("alertdialog", { name: `Delete ${name}?` });
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expectEqual(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), `Delete ${name}`, "focus after Esc");
    expectEqual(await cvRow(page, goodId).count(), 1, "the CV after Esc");
    await remove.click();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await cvRow(page, goodId).waitFor({ state: "detached", timeout: INDEX_TIMEOUT });
    await dialog.waitFor({ state: "detached" });

    // Gone from the list (also after a reload), its details and its file; the answer keeps its text.
    const list = await (await page.request.get(new URL("/api/cvs", server.base).href)).json();
    expect(!list.cvs.some((cv) => cv.cv_id === goodId), "the deleted CV is still listed by the server");
    expectEqual((await page.request.get(new URL(`/api/cvs/${goodId}`, server.base).href)).status(), 404, "GET the deleted CV");
    expectEqual((await page.request.get(new URL(`/api/cvs/${goodId}/pdf`, server.base).href)).status(), 404, "its PDF");
    await page.reload();
    await page.getByTestId("cv-row").first().waitFor();
    expectEqual(await cvRow(page, goodId).count(), 0, "the deleted CV after a reload");
    await page.goto(threadUrl);
    await waitStatus(page, "done");
    const removed = lastAnswer(page).locator("[data-testid=source-card][data-removed=true]");
    await removed.first().waitFor();
    expect((await removed.first().innerText()).includes("CV removed"), "the card does not say the CV was removed");
    expectEqual(await lastAnswer(page).locator(`a[href*="/api/cvs/${goodId}/"]`).count(), 0, "links to the deleted CV");
  },
  { timeout: 240_000 },
);

test("corpus: the page at phone width, no sideways scroll", async (ctx, server) => {
  if (server.pipeline === "echo") throw new Skip("the echo pipeline has no corpus to list");
  const page = await openPage(ctx, server, { viewport: { width: 390, height: 844 } });
  await signUp(page, uniqueName("Phone curator"));
  await page.getByRole("button", { name: "Open conversations" }).click();
  await openCorpus(page);
  await page.getByRole("dialog").waitFor({ state: "detached" });
  const overflow = await page.evaluate(() =>
    [document.documentElement, document.querySelector("[data-testid=corpus-page]")].map((el) => el.scrollWidth - el.clientWidth),
  );
  expect(overflow.every((px) => px <= 0), `the Corpus page scrolls sideways by ${overflow} px`);
  await page.getByRole("button", { name: "Choose files" }).waitFor();
  // The delete buttons are there, and the dialog fits.
  await page.getByTestId("cv-row").first().getByRole("button", { name: /^Delete / }).click();
  const box = await page.getByRole("alertdialog").boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 390, `the dialog spans ${JSON.stringify(box)}`);
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("alertdialog").waitFor({ state: "detached" });
  await shot(page, "corpus-phone");
});

// ---------------------------------------------------------------- token mode

// Chrome logs each 4xx answer to fetch; in token mode a 401 is how the page learns it is signed out.
const SIGNED_OUT_401 = /status of 401 \(Unauthorized\)/;
const SESSION_COOKIE = "cvchat_session";

async function signInWithToken(page, token) {
  await page.getByRole("heading", { name: "Sign in to cvchat" }).waitFor();
  await page.getByLabel("Access token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Ask about the CVs").waitFor();
}

async function sessionCookie(page) {
  return (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE) ?? null;
}

test(
  "token mode: sign in with a token, ask, reload still signed in, sign out",
  async (ctx, server) => {
    const name = uniqueName("Token user");
    const token = await server.createUser(name);
    expect(token.length >= 20 && !/\s/.test(token), `cvchat users create printed ${JSON.stringify(token)}`);
    const page = await openPage(ctx, server, { allowErrors: [SIGNED_OUT_401] });
    const csp = (await fetch(server.base)).headers.get("content-security-policy");

    // A wrong token is refused with a message and leaves no session.
    await page.getByLabel("Access token").fill(`${token.slice(0, -4)}xxxx`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "This token is not valid" }).waitFor();
    expectEqual(await sessionCookie(page), null, "session cookie after a wrong token");
    await shot(page, "token-sign-in");

    await signInWithToken(page, token);
    await page.getByText(name).first().waitFor();
    // The session is an HttpOnly, SameSite=Strict cookie that is not the token; the page keeps nothing.
    const cookie = await sessionCookie(page);
    expect(cookie, "no session cookie after sign-in");
    expect(cookie.httpOnly, "the session cookie must be HttpOnly");
    expectEqual(cookie.sameSite, "Strict", "the session cookie's SameSite");
    expect(cookie.value !== token && !cookie.value.includes(token), "the cookie carries the token");
    const visible = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...window.localStorage }),
      session: JSON.stringify({ ...window.sessionStorage }),
      url: window.location.href,
    }));
    expect(!visible.cookie.includes(SESSION_COOKIE) && !visible.cookie.includes(cookie.value), `document.cookie exposes the session: ${visible.cookie}`);
    for (const [where, text] of Object.entries(visible)) expect(!text.includes(token), `the token is in ${where}`);

    // The answer streams over the cookie-authenticated event stream.
    const question = "Who has led a Kubernetes migration and speaks Spanish?";
    await ask(page, question);
    await waitStatus(page, "done");
    if (server.pipeline === "echo") expectEqual(await answerText(page), echoAnswer(question), "answer");
    await page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: question }).waitFor();
    ctx.screenshots.set("token-signed-in", await shot(page, "token-signed-in"));

    // A reload keeps the session (the cookie) and the conversation.
    await page.reload();
    await waitStatus(page, "done");
    if (server.pipeline === "echo") expectEqual(await answerText(page), echoAnswer(question), "answer after reload");
    await page.getByText(name).first().waitFor();

    // Sign out: back to the form, the cookie gone, and the old session refused by the server.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to cvchat" }).waitFor();
    expectEqual(await sessionCookie(page), null, "session cookie after sign-out");
    const replay = await fetch(`${server.base}/api/session`, { headers: { Cookie: `${SESSION_COOKIE}=${cookie.value}` } });
    expectEqual(replay.status, 401, "the signed-out session replayed");
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to cvchat" }).waitFor();
    if (csp !== null) expect(/script-src/.test(csp) || /default-src/.test(csp), `CSP without a script policy: ${csp}`);
    ctx.notes.push(csp ? `CSP enforced: ${csp}` : "no Content-Security-Policy header on the page");
  },
  { server: "token" },
);

test(
  "token mode: a session that ends mid-use returns to the sign-in form",
  async (ctx, server) => {
    const token = await server.createUser(uniqueName("Expiring"));
    const page = await openPage(ctx, server, { allowErrors: [SIGNED_OUT_401] });
    // Mid-use: after the chat has loaded the person's threads, not while it still loads them.
    const loaded = page.waitForResponse((r) => r.request().method() === "GET" && /\/threads$/.test(new URL(r.url()).pathname));
    await signInWithToken(page, token);
    await loaded;
    // The server forgets the session (as when it expires or is deleted elsewhere).
    await page.context().clearCookies();
    const box = page.getByLabel("Ask about the CVs");
    await box.fill("Is anyone still listening?");
    await box.press("Enter");
    await page.getByRole("heading", { name: "Sign in to cvchat" }).waitFor();
    await page.getByText("Your session has ended").waitFor();
    // Signing in again picks up where the person was.
    await signInWithToken(page, token);
  },
  { server: "token" },
);

test(
  "token mode: only admins are offered the Corpus page",
  async (ctx, server) => {
    const reader = await server.createUser(uniqueName("Reader"));
    const admin = await server.createUser(uniqueName("Admin"), { admin: true });
    const page = await openPage(ctx, server, { allowErrors: [SIGNED_OUT_401] });
    await signInWithToken(page, reader);
    await page.getByRole("navigation", { name: "Conversations" }).waitFor();
    expectEqual(await page.getByRole("link", { name: "Corpus", exact: true }).count(), 0, "Corpus links for a reader");
    // A link to the page does not open it either.
    await page.goto(`${server.base}/?view=corpus`);
    await page.getByLabel("Ask about the CVs").waitFor();
    expectEqual(await page.getByRole("heading", { name: "CVs in the corpus" }).count(), 0, "the Corpus page for a reader");
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInWithToken(page, admin);
    await page.getByRole("link", { name: "Corpus", exact: true }).waitFor();
  },
  { server: "token" },
);

// ---------------------------------------------------------------- evidence viewer

/** The first source card of the last answer whose CV is still there: the card, its page, its snippet. */
async function citedCard(page) {
  const card = lastAnswer(page).locator("a[data-testid=source-card]").first();
  await card.waitFor();
  const pageNumber = Number(await card.getAttribute("data-page"));
  const snippet = (await card.innerText()).match(/“([\s\S]*)”/)?.[1] ?? "";
  expect(pageNumber >= 1 && snippet.length > 20, `card on page ${pageNumber} quoting ${JSON.stringify(snippet)}`);
  return { card, pageNumber, snippet };
}

/** Words of four letters or more, folded as the viewer's matcher folds text (src/viewer/highlight.ts). */
const foldedWords = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? [];

const viewerDialog = (page) => page.locator("[data-testid=evidence-viewer]");

/** Waits until pdf.js drew the page; returns the share of the canvas's pixels that are not white. */
async function drawnShare(page) {
  await page.locator("[data-testid=evidence-viewer][data-rendered=true]").waitFor({ timeout: TIMEOUT });
  return viewerDialog(page)
    .locator("canvas")
    .evaluate((canvas) => {
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      let inked = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) inked += 1;
      return inked / (data.length / 4);
    });
}

const focusedTestId = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.getAttribute("aria-label"));

/** A PDF of `pages` pages with a grey box each and no text: a scan, whose words only OCR read. */
function scannedPdf(pages) {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""];
  const kids = [];
  for (let i = 0; i < pages; i += 1) {
    const pageObj = objects.length + 1;
    kids.push(`${pageObj} 0 R`);
    const content = `0.85 g\n60 ${120 + i * 20} 475 600 re f`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${pageObj + 1} 0 R >>`);
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pages} >>`;
  let out = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const offset = out.length;
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

test("viewer: a source card opens the CV at the cited page, the snippet highlighted", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline cites no sources`);
  const page = await openPage(ctx, server);
  await signUp(page, uniqueName("Viewer"));
  await ask(page, "Who has led a Kubernetes migration and speaks Spanish?");
  await waitStatus(page, "done");
  const { card, pageNumber, snippet } = await citedCard(page);
  // Still a link to the PDF (a middle click opens a new tab); a plain click opens the viewer.
  expect(/\/api\/cvs\/[^/]+\/pdf#page=\d+/.test(await card.getAttribute("href")), "the card is no longer a link to the PDF");
  await card.click();
  const dialog = page.getByRole("dialog", { name: new RegExp(` · page ${pageNumber}$`) });
  await dialog.waitFor();
  expectEqual(await dialog.getAttribute("aria-modal"), "true", "aria-modal");
  expectEqual(await focusedTestId(page), "Close the CV", "focus in the open viewer");
  const share = await drawnShare(page);
  expect(share > 0.002, `the page's canvas is blank (${(share * 100).toFixed(2)}% inked)`);
  // pdf.js ran in its worker, a file of our build served by the app (no CDN, no fallback to the page).
  const workers = page.workers().map((worker) => worker.url());
  expect(workers.some((url) => url.startsWith(`${server.base}/assets/pdf.worker`)), `pdf.js workers: ${workers}`);
  const counter = (await dialog.getByTestId("viewer-page").innerText()).trim();
  expect(new RegExp(`^Page ${pageNumber} of \\d+$`).test(counter), `the viewer shows ${JSON.stringify(counter)}, the card page ${pageNumber}`);

  // The snippet is marked in the text layer, in view, in a visible colour.
  const marks = dialog.locator(".textLayer mark");
  await marks.first().waitFor({ state: "visible" });
  expect(["found", "partial"].includes(await dialog.getAttribute("data-highlight")), `highlight ${await dialog.getAttribute("data-highlight")}`);
  const marked = new Set(foldedWords((await marks.allTextContents()).join(" ")));
  const quoted = foldedWords(snippet);
  const common = quoted.filter((word) => marked.has(word));
  expect(common.length >= Math.min(5, quoted.length), `marked words ${[...marked].slice(0, 20)} vs the snippet's ${quoted.slice(0, 20)}`);
  const colour = await marks.first().evaluate((mark) => getComputedStyle(mark).backgroundColor);
  expect(!/^(transparent|rgba\(0, 0, 0, 0\))$/.test(colour), `the highlight has no colour: ${colour}`);
  const scroller = await dialog.getByTestId("viewer-scroller").boundingBox();
  const mark = await marks.first().boundingBox();
  expect(
    mark && mark.height > 0 && mark.y >= scroller.y - 1 && mark.y + mark.height <= scroller.y + scroller.height + 1,
    `the highlight ${JSON.stringify(mark)} is not in view in ${JSON.stringify(scroller)}`,
  );
  ctx.screenshots.set("viewer", await shot(page, "viewer"));

  // Next page and back; the highlight is only on the cited page.
  const next = dialog.getByRole("button", { name: "Next page" });
  if (await next.isEnabled()) {
    await next.click();
    await dialog.getByTestId("viewer-page").filter({ hasText: `Page ${pageNumber + 1} of` }).waitFor();
    await page.locator("[data-testid=evidence-viewer][data-highlight=elsewhere]").waitFor({ timeout: TIMEOUT });
    expectEqual(await marks.count(), 0, "highlights on another page");
    await dialog.getByRole("button", { name: `Back to page ${pageNumber}` }).click();
    await marks.first().waitFor({ state: "visible", timeout: TIMEOUT });
  }

  // Esc closes it and gives focus back to the card.
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  expectEqual(await focusedTestId(page), "source-card", "focus after Esc");
  expectEqual(await page.evaluate(() => document.activeElement?.getAttribute("data-page")), String(pageNumber), "the focused card's page");

  // A citation in the text opens its card's CV the same way, and focus goes back to it.
  const citation = lastAnswer(page).locator("a.citation").first();
  const cited = Number(await citation.innerText());
  const citedCardPage = await lastAnswer(page).locator("[data-testid=source-card]").nth(cited - 1).getAttribute("data-page");
  await citation.click();
  const fromCitation = page.getByRole("dialog", { name: new RegExp(` · page ${citedCardPage}$`) });
  await fromCitation.waitFor();
  await fromCitation.locator(".textLayer mark").first().waitFor({ state: "visible" });
  await page.keyboard.press("Escape");
  await fromCitation.waitFor({ state: "detached" });
  expect(await citation.evaluate((el) => el === document.activeElement), "focus goes back to the citation");
});

test("viewer: at phone width the dialog fills the screen, no sideways scroll", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline cites no sources`);
  const page = await openPage(ctx, server, { viewport: { width: 375, height: 812 } });
  await signUp(page, uniqueName("Phone viewer"));
  await ask(page, "Who has led a Kubernetes migration and speaks Spanish?");
  await waitStatus(page, "done");
  const { card } = await citedCard(page);
  // The answer's table scrolls inside its own box: the screen never scrolls sideways.
  const pageOverflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const chatOverflow = await pageOverflow();
  expectEqual(chatOverflow, 0, "sideways scroll of the chat with a candidate table at 375 px");
  await card.click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  expect((await drawnShare(page)) > 0.002, "the page's canvas is blank");
  await dialog.locator(".textLayer mark").first().waitFor({ state: "visible" });
  const box = await dialog.boundingBox();
  expect(box.x === 0 && box.y === 0 && box.width === 375 && box.height === 812, `the dialog spans ${JSON.stringify(box)}, not the screen`);
  const overflow = await page.evaluate(() =>
    [document.querySelector("[data-testid=evidence-viewer]"), document.querySelector("[data-testid=viewer-scroller]")].map(
      (el) => el.scrollWidth - el.clientWidth,
    ),
  );
  expect(overflow.every((px) => px <= 0), `the viewer or its page scrolls sideways by ${overflow} px`);
  expect((await pageOverflow()) <= Math.max(0, chatOverflow), `the open viewer makes the screen scroll sideways by ${await pageOverflow()} px`);
  const canvas = await dialog.locator("canvas").boundingBox();
  expect(canvas.x >= 0 && canvas.x + canvas.width <= 375, `the page is drawn at ${JSON.stringify(canvas)}`);
  // Every control is on screen, and the cited text is there below the page.
  for (const name of ["Close the CV", "Previous page", "Next page", "Zoom out", "Fit width", "Zoom in"]) {
    const control = await dialog.getByRole("button", { name, exact: true }).boundingBox();
    expect(control && control.x >= 0 && control.x + control.width <= 375, `${name} at ${JSON.stringify(control)}`);
  }
  await dialog.getByRole("complementary", { name: "Cited text" }).waitFor();
  await shot(page, "viewer-phone");
  // Zoomed in, the page scrolls inside the viewer, never the screen.
  await dialog.getByRole("button", { name: "Zoom in" }).click();
  await page.waitForFunction(() => {
    const el = document.querySelector("[data-testid=viewer-scroller]");
    return el && el.scrollWidth > el.clientWidth && document.querySelector("[data-testid=evidence-viewer][data-rendered=true]");
  });
  expect((await pageOverflow()) <= Math.max(0, chatOverflow), "zoomed in, the screen scrolls sideways");
  // Tab stays in the dialog; Esc gives focus back to the card.
  for (let i = 0; i < 10; i += 1) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((el) => el.contains(document.activeElement)), `Tab ${i + 1} left the dialog`);
  }
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  expectEqual(await focusedTestId(page), "source-card", "focus after Esc");
});

test("viewer: a scanned page, a DOCX and a deleted CV show the cited text instead", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline cites no sources`);
  // Chrome logs the 404 of the deleted CV's file: that answer is this test's third case.
  const page = await openPage(ctx, server, { allowErrors: [/status of 404 \(Not Found\)/] });
  await signUp(page, uniqueName("Fallbacks"));
  await ask(page, "Who has led a Kubernetes migration and speaks Spanish?");
  await waitStatus(page, "done");
  const { card, pageNumber, snippet } = await citedCard(page);
  const cvId = await card.getAttribute("data-cv-id");
  const fileRoute = `**/api/cvs/${cvId}/pdf`;
  const dialog = viewerDialog(page);
  const quote = snippet.slice(0, 40);

  // The CV's file served as a scan (pages without text): the page is drawn, the snippet shown beside it.
  await page.route(fileRoute, (route) => route.fulfill({ status: 200, contentType: "application/pdf", body: scannedPdf(pageNumber + 1) }));
  await card.click();
  expect((await drawnShare(page)) > 0.05, "the scanned page is not drawn");
  await page.locator("[data-testid=evidence-viewer][data-highlight=scan]").waitFor();
  expect((await dialog.getByTestId("viewer-note").innerText()).includes("not available on a scanned page"), "the scan note");
  expect((await dialog.getByRole("complementary", { name: "Cited text" }).innerText()).includes(quote), "the snippet beside a scan");
  expectEqual(await dialog.locator(".textLayer mark").count(), 0, "highlights on a scan");
  await shot(page, "viewer-scan");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await page.unroute(fileRoute);

  // A DOCX (as the server sends one: an attachment): the page, the snippet and a download link.
  const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  await page.route(fileRoute, (route) =>
    route.fulfill({
      status: 200,
      headers: { "Content-Type": docxType, "Content-Disposition": `attachment; filename="${cvId}.docx"` },
      body: textDocx(["Ana Example", "Led the Kubernetes migration."]),
    }),
  );
  await card.click();
  const download = dialog.getByRole("link", { name: "Download the CV" });
  await download.waitFor();
  expect((await download.getAttribute("href")).endsWith(`/api/cvs/${cvId}/pdf`), `download link ${await download.getAttribute("href")}`);
  const docxText = await dialog.textContent();
  expect(docxText.includes(`page ${pageNumber}`) && docxText.includes(quote), `the DOCX fallback shows ${JSON.stringify(docxText)}`);
  await shot(page, "viewer-docx");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  await page.unroute(fileRoute);

  // The CV deleted since the answer (the file answers 404): a clear message, in the dialog.
  await page.route(fileRoute, (route) =>
    route.fulfill({ status: 404, contentType: "application/json", body: JSON.stringify({ detail: `unknown CV '${cvId}'` }) }),
  );
  await card.click();
  await dialog.getByRole("alert").filter({ hasText: "no longer in the corpus" }).waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  expectEqual(await focusedTestId(page), "source-card", "focus after Esc");
});

// ---------------------------------------------------------------- shortlist

/** The server's exact answer for a set of filters (`GET /api/candidates`), every match. */
async function candidatesOf(page, server, params) {
  const url = new URL("/api/candidates", server.base);
  for (const [key, value] of params) url.searchParams.append(key, value);
  url.searchParams.set("limit", "500");
  return (await page.request.get(url.href)).json();
}

const shortlistOf = (page) => lastAnswer(page).getByTestId("shortlist");
/** The thread's `n`th answer (0-based), once it is done. */
async function answerDone(page, n) {
  const answer = page.getByTestId("assistant-message").nth(n);
  await answer.and(page.locator("[data-status=done]")).waitFor({ timeout: TIMEOUT });
  return answer;
}
const chipLabels = async (answer) =>
  (await answer.getByTestId("filter-chip").locator("button:not([aria-label^=Remove])").allInnerTexts()).map((t) => t.trim());
const tableNames = async (scope) => (await scope.getByTestId("candidate-name").allInnerTexts()).map((t) => t.trim());

/** A CSV file's rows (RFC 4180: quoted fields, doubled quotes, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

test("shortlist: remove a chip, a new run answers with more candidates; edit one from the keyboard", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline has no profiles`);
  const page = await openPage(ctx, server);
  await signUp(page, uniqueName("Shortlister"));
  const strict = await candidatesOf(page, server, [["language", "en:C1"], ["min_years", "5"]]);
  const wider = await candidatesOf(page, server, [["language", "en:C1"]]);
  const everyone = await candidatesOf(page, server, [["language", "en"]]);
  expect(strict.total > 0 && wider.total > strict.total, `the corpus needs more C1 English speakers than those with 5 years: ${strict.total}, ${wider.total}`);

  await ask(page, "Who speaks English at C1 or above and has at least 5 years of experience?");
  await waitStatus(page, "done");
  const first = lastAnswer(page);
  expectEqual((await chipLabels(first)).join(" | "), "English ≥ C1 | ≥ 5 years", "the first answer's chips");
  expectEqual(await first.getByTestId("candidate-row").count(), strict.total, "rows of the first table");

  // × on a chip asks again in the same thread: its readable content, a new run, more matches.
  await first.getByRole("button", { name: "Remove ≥ 5 years" }).click();
  await page.getByTestId("user-message").filter({ hasText: /^English ≥ C1$/ }).waitFor();
  const second = await answerDone(page, 1);
  expectEqual(await page.getByTestId("assistant-message").count(), 2, "answers in the thread");
  expectEqual((await chipLabels(second)).join(" | "), "English ≥ C1", "the second answer's chips");
  expectEqual(await second.getByTestId("candidate-row").count(), wider.total, "rows after removing a chip");
  expect((await answerText(page)).startsWith(`${wider.total} candidate`), `the new answer says ${(await answerText(page)).slice(0, 60)}`);
  expectEqual(
    (await tableNames(second)).sort().join(", "),
    wider.candidates.map((c) => c.name).sort().join(", "),
    "the new table's candidates",
  );

  // Edit a chip with the keyboard only: Enter opens the editor, a level is chosen, Enter applies.
  await second.getByRole("button", { name: "Edit English ≥ C1" }).focus();
  await page.keyboard.press("Enter");
  const level = second.getByLabel("English level");
  expect(await level.evaluate((el) => el === document.activeElement), "the level select has focus");
  await level.selectOption("");
  await page.keyboard.press("Tab"); // to Apply
  await page.keyboard.press("Enter");
  await page.getByTestId("user-message").filter({ hasText: /^English$/ }).waitFor();
  const third = await answerDone(page, 2);
  expectEqual((await chipLabels(third)).join(" | "), "English", "the edited answer's chips");
  expectEqual(await third.getByTestId("candidate-row").count(), everyone.total, "rows for English at any level");

  // A reload shows the stored answers with the same chips and tables.
  await page.reload();
  await answerDone(page, 2);
  const answers = page.getByTestId("assistant-message");
  expectEqual(await answers.count(), 3, "answers after a reload");
  expectEqual(await answers.nth(0).getByTestId("candidate-row").count(), strict.total, "first table after a reload");
  expectEqual(await answers.nth(1).getByTestId("candidate-row").count(), wider.total, "second table after a reload");
  expectEqual((await chipLabels(answers.nth(1))).join(" | "), "English ≥ C1", "second answer's chips after a reload");
});

test("shortlist: the table sorts by years and exports the same rows as CSV", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline has no profiles`);
  const page = await openPage(ctx, server, { viewport: { width: 1280, height: 1240 } });
  await signUp(page, uniqueName("Sorter"));
  const truth = await candidatesOf(page, server, [["language", "en"], ["min_years", "2"]]);
  expect(truth.total > 2, `the corpus needs English speakers with 2 years, has ${truth.total}`);
  await ask(page, "How many candidates speak English and have at least 2 years of experience?");
  await waitStatus(page, "done");
  const shortlist = shortlistOf(page);
  const rows = shortlist.getByTestId("candidate-row");
  expectEqual((await chipLabels(lastAnswer(page))).join(" | "), "English | ≥ 2 years", "the count's chips");
  expect((await answerText(page)).startsWith(`${truth.total} candidates`), `the count says ${(await answerText(page)).slice(0, 40)}`);
  expectEqual(await rows.count(), Math.min(truth.total, 25), "rows of the count's table");

  // Years: most first on the first click, fewest first on the second; unknown years last.
  const header = shortlist.getByRole("columnheader", { name: /Years/ });
  expectEqual(await header.getAttribute("aria-sort"), "none", "aria-sort before sorting");
  const years = async () =>
    (await shortlist.getByTestId("candidate-years").allInnerTexts()).map((t) => (t.trim() === "—" ? null : Number(t)));
  await header.getByRole("button").click();
  expectEqual(await header.getAttribute("aria-sort"), "descending", "aria-sort after a click");
  const down = await years();
  const known = (list) => list.filter((y) => y !== null);
  for (let i = 1; i < known(down).length; i += 1) expect(known(down)[i - 1] >= known(down)[i], `years not descending: ${down}`);
  const expected = [...truth.candidates].sort((a, b) => (b.years ?? -1) - (a.years ?? -1))[0];
  expectEqual((await tableNames(shortlist))[0], expected.name, "the most experienced candidate first");
  await header.getByRole("button").click();
  expectEqual(await header.getAttribute("aria-sort"), "ascending", "aria-sort after a second click");
  const up = await years();
  for (let i = 1; i < known(up).length; i += 1) expect(known(up)[i - 1] <= known(up)[i], `years not ascending: ${up}`);

  // The ✓ shows its evidence on hover (screenshot), then the page sorts back by years, most first.
  await header.getByRole("button").click();
  // The chips, the text and the table in view for the screenshot.
  await page.getByRole("region", { name: "Conversation" }).evaluate((el) => {
    const chips = [...el.querySelectorAll("[data-testid=filter-chips]")].at(-1);
    el.scrollTop += chips.getBoundingClientRect().top - el.getBoundingClientRect().top - 16;
  });
  await shortlist.getByTestId("condition-met").nth(1).hover();
  const popover = page.getByTestId("evidence-popover");
  await popover.waitFor();
  expect(/p\. \d+/.test(await popover.innerText()), `the popover shows no page: ${await popover.innerText()}`);
  ctx.screenshots.set("shortlist-table", await shot(page, "shortlist-table"));

  // Export CSV: the link the page offers answers the same candidates as the table.
  const link = shortlist.getByRole("link", { name: "Export CSV" });
  const href = await link.getAttribute("href");
  expect(/^\/api\/candidates\?/.test(href) && href.includes("format=csv"), `export link ${href}`);
  expect((await link.getAttribute("download")).endsWith(".csv"), "the link downloads a .csv file");
  const response = await page.request.get(new URL(href, server.base).href);
  expectEqual(response.status(), 200, "CSV status");
  expect(response.headers()["content-type"].startsWith("text/csv"), `CSV content type ${response.headers()["content-type"]}`);
  const [head, ...records] = parseCsv(await response.text()).filter((r) => r.length > 1);
  expectEqual(head.slice(0, 6).join(","), "cv_id,name,headline,location,languages,years", "CSV header");
  expectEqual(records.length, truth.total, "CSV rows");
  const csvNames = records.map((r) => r[1]).sort();
  expectEqual(csvNames.join(", "), (await tableNames(shortlist)).sort().join(", "), "CSV names against the table's");
});

test("shortlist: compare two candidates from the table, and a typed compare question", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline has no profiles`);
  const page = await openPage(ctx, server, { viewport: { width: 1280, height: 1000 } });
  await signUp(page, uniqueName("Comparer"));
  await ask(page, "Who speaks English?");
  await waitStatus(page, "done");
  const shortlist = shortlistOf(page);
  // The last two rows: next to the comparison in the screenshot.
  const names = (await tableNames(shortlist)).slice(-2);
  const compare = shortlist.getByRole("button", { name: /^Compare/ });
  expect(await compare.isDisabled(), "Compare is offered with nothing selected");
  for (const name of names) await shortlist.getByRole("checkbox", { name: `Select ${name} to compare` }).check();
  await compare.click();
  const matrix = shortlist.getByTestId("compare-matrix");
  const heading = matrix.getByRole("heading", { name: `Comparison: ${names.join(" · ")}` });
  await heading.waitFor();
  expect(await heading.evaluate((el) => el === document.activeElement), "focus moves to the comparison");
  const columns = (await matrix.getByTestId("compare-column").allInnerTexts()).map((t) => t.split("\n")[0].trim());
  expectEqual(columns.join(" | "), names.join(" | "), "the comparison's columns");
  const rowHeads = (await matrix.getByRole("rowheader").allInnerTexts()).map((t) => t.trim().toLowerCase());
  expectEqual(rowHeads.join(" | "), "skills | languages | years of experience | employers | education | certifications", "rows");
  // Every language cell cites its page; one opens the evidence viewer at that page.
  const cited = matrix.locator("tr[data-field=languages] [data-testid=fact-page]");
  expect((await cited.count()) >= 2, "the languages row cites no page");
  expect(/^p\.\s\d+$/.test((await cited.first().innerText()).trim()), `cited as ${await cited.first().innerText()}`);
  // The picked rows and the comparison under them, for the screenshot.
  await page.getByRole("region", { name: "Conversation" }).evaluate((el) => {
    const top = el.querySelector("[data-testid=compare-matrix]").getBoundingClientRect().top;
    el.scrollTop += top - el.getBoundingClientRect().top - 140;
  });
  await page.mouse.move(5, 5);
  ctx.screenshots.set("shortlist-compare", await shot(page, "shortlist-compare"));
  const fact = matrix.locator("tr[data-field=languages] td").first().locator("button, a").first();
  const factPage = Number((await fact.getByTestId("fact-page").innerText()).replace(/\D+/g, ""));
  if ((await fact.evaluate((el) => el.tagName)) === "BUTTON") {
    await fact.click();
    const viewer = page.getByRole("dialog", { name: `${names[0]} · page ${factPage}` });
    await viewer.waitFor();
    await page.getByRole("button", { name: "Close the CV" }).click();
    await viewer.waitFor({ state: "detached" });
  } else {
    expect((await fact.getAttribute("href")).endsWith(`#page=${factPage}`), "the fact links to its page");
  }

  // "Compare A and B" typed: the answer renders the same matrix for the named candidates.
  await ask(page, `Compare ${names[0]} and ${names[1]}`);
  const typed = (await answerDone(page, 1)).getByTestId("compare-matrix");
  await typed.getByRole("heading", { name: `Comparison: ${names.join(" · ")}` }).waitFor();
  expectEqual(await typed.getByTestId("compare-column").count(), 2, "columns of the typed comparison");
  expect((await typed.getByTestId("fact-page").count()) > 4, "the typed comparison cites pages");
  expectEqual(await lastAnswer(page).getByTestId("filter-chips").count(), 0, "chips on a compare answer");
});

/**
 * axe-core's WCAG 2.1 A/AA rules (names, labels, contrast, ARIA, focusable controls) over what
 * the page shows now; its source goes in through the debugging protocol, so the page's CSP
 * stays as served.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const { violations } = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")}`);
  });
}

test("shortlist: chips, table, comparison and viewer pass axe's WCAG 2.1 AA checks", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline has no profiles`);
  const page = await openPage(ctx, server, { viewport: { width: 1280, height: 1000 } });
  await signUp(page, uniqueName("Auditor"));
  await ask(page, "How many candidates speak English?");
  await waitStatus(page, "done");
  const shortlist = shortlistOf(page);
  const names = (await tableNames(shortlist)).slice(0, 2);
  for (const name of names) await shortlist.getByRole("checkbox", { name: `Select ${name} to compare` }).check();
  await shortlist.getByRole("button", { name: /^Compare/ }).click();
  await shortlist.getByTestId("compare-matrix").waitFor();
  const onPage = await axeViolations(page);
  expect(onPage.length === 0, `axe on the answer, table and comparison:\n  ${onPage.join("\n  ")}`);

  // Focus order: Tab from the first chip reaches the table's controls before the composer.
  await lastAnswer(page).getByTestId("filter-chip").first().locator("button").first().focus();
  const order = [];
  for (let i = 0; i < 300 && !order.includes("composer"); i += 1) {
    await page.keyboard.press("Tab");
    order.push(
      await page.evaluate(() => {
        const el = document.activeElement;
        if (!el) return "none";
        if (el.closest("[data-testid=candidate-table]")) return "table";
        if (el.closest("[data-testid=compare-matrix]")) return "compare";
        if (el.tagName === "TEXTAREA") return "composer";
        return "other";
      }),
    );
  }
  const firstOf = (what) => order.indexOf(what);
  const seen = order.filter((what, i) => what !== order[i - 1]).join(" → ");
  expect(firstOf("table") >= 0 && firstOf("compare") > firstOf("table"), `focus order ${seen}`);
  expect(firstOf("composer") > order.lastIndexOf("compare"), `focus order ${seen}`);

  await shortlist.getByTestId("compare-matrix").locator("tr[data-field=languages] td button").first().click();
  const viewer = page.getByRole("dialog");
  await viewer.waitFor();
  await viewer.locator("canvas").waitFor();
  await viewer.locator("mark").first().waitFor();
  const inViewer = await axeViolations(page);
  expect(inViewer.length === 0, `axe on the evidence viewer:\n  ${inViewer.join("\n  ")}`);
});

test("shortlist: no match shows the nearest misses apart, with what each lacks", async (ctx, server) => {
  if (server.pipeline !== "rag") throw new Skip(`the ${server.pipeline} pipeline has no profiles`);
  const page = await openPage(ctx, server);
  await signUp(page, uniqueName("Misser"));
  await ask(page, "Who speaks English and Japanese at C2 and has at least 40 years of experience?");
  await waitStatus(page, "done");
  const answer = lastAnswer(page);
  expectEqual(await answer.getByTestId("candidate-table").count(), 0, "a table for no match");
  const misses = answer.getByRole("region", { name: "Nearest misses — not matches" });
  await misses.waitFor();
  const first = misses.getByTestId("near-miss").first();
  expect(/Lacks: .+/.test(await first.innerText()), `a near miss without what it lacks: ${await first.innerText()}`);
  expect((await answerText(page)).startsWith("No candidate"), "the text says nobody matches");
});

// ---------------------------------------------------------------- runner

async function main() {
  if (!existsSync(path.join(DIST, "index.html"))) {
    console.error("front/dist is missing: run `npm run build` first");
    process.exit(2);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    process.exit(2);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  // One server per auth mode, started when the first test that needs it runs.
  const servers = new Map();
  const serverFor = async (authMode) => {
    if (!servers.has(authMode)) {
      servers.set(authMode, await startServer({ repoRoot: REPO, frontDist: DIST, artifacts: ARTIFACTS, echoDelayMs: ECHO_DELAY_MS, authMode }));
    }
    return servers.get(authMode);
  };
  const notes = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const screenshots = new Map();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    for (const { name, fn, server: authMode, timeout } of tests) {
      if (grep && !grep.test(name)) continue;
      const server = await serverFor(authMode);
      const contexts = [await browser.newContext()];
      const ctx = {
        browser: contexts[0],
        pages: [],
        screenshots,
        notes,
        async newContext() {
          contexts.push(await browser.newContext());
          return contexts.at(-1);
        },
      };
      const started = Date.now();
      let timer;
      try {
        await Promise.race([
          fn(ctx, server),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms`)), timeout);
          }),
        ]);
        const errors = ctx.pages.flatMap((p) => p.errors);
        if (errors.length) throw new Error(`console errors:\n  ${errors.join("\n  ")}`);
        passed += 1;
        console.log(`ok    ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        if (error instanceof Skip) {
          skipped += 1;
          console.log(`skip  ${name}: ${error.message}`);
        } else {
          failed += 1;
          console.log(`FAIL  ${name} (${Date.now() - started} ms)\n      ${String(error.stack ?? error).split("\n").join("\n      ")}`);
          await ctx.pages[0]?.page.screenshot({ path: path.join(ARTIFACTS, `failure-${failed}.png`) }).catch(() => {});
        }
      } finally {
        clearTimeout(timer);
        for (const context of contexts) await context.close().catch(() => {});
      }
    }
  } finally {
    await browser.close();
    for (const server of servers.values()) await server.stop();
  }
  for (const note of new Set(notes)) console.log(`note: ${note}`);
  if (updateDocs) {
    mkdirSync(DOCS_UI, { recursive: true });
    for (const [name, file] of screenshots) {
      if (DOC_SHOTS.includes(name)) copyFileSync(file, path.join(DOCS_UI, `${name}.png`));
    }
    console.log(`screenshots copied to ${path.relative(process.cwd(), DOCS_UI)}`);
  }
  console.log(`screenshots and server log in ${path.relative(process.cwd(), ARTIFACTS)}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
