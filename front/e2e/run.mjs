/**
 * End-to-end tests of the chat client in a real browser (Debian's Chromium driven by
 * playwright-core) against the real `cvchat serve`. Prints one line per test and a final
 * `N passed, M failed` line; exits non-zero when a test failed.
 *
 *   npm run build && npm run e2e            # all tests
 *   npm run e2e -- --grep stop              # tests whose name matches
 *   npm run e2e -- --update-docs            # also copy the screenshots to docs/ui/
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
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
  const [popup] = await Promise.all([page.waitForEvent("popup"), card.click()]);
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
