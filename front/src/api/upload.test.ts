import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { nth } from "../test/nth";
import { FakeXhr } from "../test/xhr";
import { ApiError, onUnauthorized } from "./client";
import { uploadCv } from "./upload";

const pdf = () => new File(["%PDF-1.4 fake"], "ana.pdf", { type: "application/pdf" });

beforeEach(() => {
  FakeXhr.reset();
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("uploadCv", () => {
  it("posts one file as multipart field `file` and reports its progress", async () => {
    const progress = vi.fn();
    const { done } = uploadCv(pdf(), progress);
    const xhr = nth(FakeXhr.sent, 0);
    expect([xhr.method, xhr.url, xhr.fileName]).toEqual(["POST", "/api/cvs", "ana.pdf"]);
    expect(xhr.body?.getAll("file")).toHaveLength(1);
    xhr.progress(5, 10);
    expect(progress).toHaveBeenCalledWith(5, 10);
    xhr.respond(202, { cvs: [{ cv_id: "ana-1a2b3c4d", file: "ana.pdf", status: "queued", duplicate: false }] });
    await expect(done).resolves.toEqual({ cv_id: "ana-1a2b3c4d", file: "ana.pdf", status: "queued", duplicate: false });
  });

  it("passes on that the same file is in the corpus already", async () => {
    const { done } = uploadCv(pdf(), () => undefined);
    nth(FakeXhr.sent, 0).respond(200, { cvs: [{ cv_id: "ana-1a2b3c4d", file: "ana.pdf", status: "indexed", duplicate: true }] });
    await expect(done).resolves.toMatchObject({ duplicate: true });
  });

  it("turns an error answer into an ApiError with the server's detail", async () => {
    const first = uploadCv(pdf(), () => undefined);
    nth(FakeXhr.sent, 0).respond(415, { detail: "x.pdf is not a PDF or DOCX file" });
    await expect(first.done).rejects.toMatchObject({ status: 415, message: "x.pdf is not a PDF or DOCX file" });

    const second = uploadCv(pdf(), () => undefined);
    nth(FakeXhr.sent, 1).respond(422, { detail: [{ loc: ["body", "file"], msg: "Field required" }] });
    await expect(second.done).rejects.toMatchObject({ status: 422, message: "Field required" });

    const third = uploadCv(pdf(), () => undefined);
    nth(FakeXhr.sent, 2).respond(413);
    await expect(third.done).rejects.toMatchObject({ status: 413, message: "This file is larger than 20 MB." });
  });

  it("tells the app when the session is gone", async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    const { done } = uploadCv(pdf(), () => undefined);
    nth(FakeXhr.sent, 0).respond(401, { detail: "sign in" });
    await expect(done).rejects.toBeInstanceOf(ApiError);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
  });

  it("reports a network failure and a cancel", async () => {
    const lost = uploadCv(pdf(), () => undefined);
    nth(FakeXhr.sent, 0).fail();
    await expect(lost.done).rejects.toMatchObject({ status: 0, message: "The server could not be reached." });
    const canceled = uploadCv(pdf(), () => undefined);
    canceled.abort();
    await expect(canceled.done).rejects.toMatchObject({ name: "AbortError" });
    expect(FakeXhr.sent[1]?.aborted).toBe(true);
  });
});
