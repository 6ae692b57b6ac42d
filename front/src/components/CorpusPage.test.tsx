import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CvStatus, CvSummary } from "../api/types";
import { MAX_UPLOAD_BYTES } from "../api/upload";
import { jsonResponse } from "../test/sse";
import { nth } from "../test/nth";
import { FakeXhr } from "../test/xhr";
import { CorpusPage } from "./CorpusPage";
import { UploadsProvider } from "./UploadsProvider";

function cv(cvId: string, overrides: Partial<CvSummary> = {}): CvSummary {
  return {
    cv_id: cvId,
    name: "Ana Gómez",
    headline: "Platform engineer",
    language: "es",
    file: `${cvId}.pdf`,
    pdf_url: `/api/cvs/${cvId}/pdf`,
    pages: 2,
    chunks: 9,
    status: "indexed",
    error: null,
    added_at: null,
    media_type: "application/pdf",
    ...overrides,
  };
}

/** A fake server for GET /api/cvs and DELETE /api/cvs/{id}; `corpus` is what it lists. */
function serve(initial: CvSummary[], onDelete: (cvId: string) => Response = () => new Response(null, { status: 204 })) {
  const server = { corpus: initial, calls: [] as string[] };
  vi.stubGlobal(
    "fetch",
    vi.fn((input: string, init?: RequestInit) => {
      const key = `${init?.method ?? "GET"} ${input}`;
      server.calls.push(key);
      if (key === "GET /api/cvs") return Promise.resolve(jsonResponse({ version: "v1", cvs: server.corpus }));
      const deleting = /^DELETE \/api\/cvs\/(.+)$/.exec(key);
      if (deleting?.[1]) {
        const response = onDelete(deleting[1]);
        if (response.ok) server.corpus = server.corpus.filter((c) => c.cv_id !== deleting[1]);
        return Promise.resolve(response);
      }
      return Promise.resolve(jsonResponse({ detail: "Not Found" }, 404));
    }),
  );
  return server;
}

function Page() {
  return (
    <UploadsProvider>
      <CorpusPage />
    </UploadsProvider>
  );
}

function rowOf(name: string): HTMLElement {
  const row = screen.getAllByTestId("upload-row").find((r) => r.textContent.includes(name));
  if (!row) throw new Error(`no upload row for ${name}`);
  return row;
}
const file = (name: string, size = 100, type = "application/pdf") => {
  const f = new File(["x"], name, { type });
  Object.defineProperty(f, "size", { value: size });
  return f;
};

beforeEach(() => {
  FakeXhr.reset();
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("CorpusPage", () => {
  it("lists the CVs with name, pages, language, status and when added", async () => {
    serve([
      cv("ana", { added_at: null, ocr_pages: [1, 2] }),
      cv("bob", { name: "bob.docx", headline: "", language: "", pages: 0, status: "indexing", added_at: "2026-05-01T10:00:00Z", media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }),
      cv("cid", { name: "Cid Ruiz", status: "failed", error: "no text could be read", added_at: "2026-04-01T10:00:00Z" }),
    ]);
    render(<Page />);
    const rows = await screen.findAllByTestId("cv-row");
    // Newest first; the operator's CVs (no date) last.
    expect(rows.map((r) => r.dataset.cvId)).toEqual(["bob", "cid", "ana"]);
    const ana = within(nth(rows, 2));
    expect(ana.getByRole("link", { name: "Ana Gómez" })).toHaveAttribute("href", "/api/cvs/ana/pdf");
    expect(ana.getByText("2 pages")).toBeInTheDocument();
    expect(ana.getByText("Spanish")).toBeInTheDocument();
    expect(ana.getByText("from the corpus folder")).toBeInTheDocument();
    expect(ana.getByText("OCR on pages 1, 2")).toBeInTheDocument();
    expect(ana.getByTestId("cv-status")).toHaveTextContent("Indexed");
    const bob = within(nth(rows, 0));
    expect(bob.queryByRole("link")).not.toBeInTheDocument(); // not indexed yet: no PDF to open
    expect(bob.getByTestId("cv-status")).toHaveTextContent("Indexing…");
    expect(bob.getByText("DOCX")).toBeInTheDocument();
    expect(nth(rows, 0).querySelector("time")).toHaveAttribute("dateTime", "2026-05-01T10:00:00Z");
    expect(within(nth(rows, 1)).getByTestId("cv-error")).toHaveTextContent("no text could be read");
    expect(screen.getByText(/3 CVs · 1 on the way/)).toBeInTheDocument();
  });

  it("sends each chosen file on its own, with its progress, and its error next to it", async () => {
    const server = serve([]);
    render(<Page />);
    await screen.findByText(/No CVs yet/);
    await userEvent.upload(screen.getByLabelText("CV files to add"), [file("ana.pdf", 1000), file("x.pdf", 20)]);

    const ana = FakeXhr.find("ana.pdf");
    const bad = FakeXhr.find("x.pdf");
    act(() => {
      ana.progress(400, 1000);
    });
    expect(within(rowOf("ana.pdf")).getByRole("progressbar", { name: "Sending ana.pdf" })).toHaveAttribute("aria-valuenow", "40");
    expect(within(rowOf("ana.pdf")).getByText("Sending… 40%")).toBeInTheDocument();

    act(() => {
      bad.respond(415, { detail: "x.pdf is not a PDF or DOCX file (it looks like text)" });
    });
    expect(await within(rowOf("x.pdf")).findByRole("alert")).toHaveTextContent("x.pdf is not a PDF or DOCX file");
    expect(within(rowOf("ana.pdf")).queryByRole("alert")).not.toBeInTheDocument();

    // Accepted: the server lists it as queued, then indexed; the page follows it.
    server.corpus = [cv("ana-1a2b3c4d", { name: "ana.pdf", status: "queued", pages: 0, added_at: "2026-05-02T09:00:00Z" })];
    act(() => {
      ana.progress(1000, 1000);
    });
    expect(within(rowOf("ana.pdf")).getByText("Checking the file…")).toBeInTheDocument();
    act(() => {
      ana.respond(202, { cvs: [{ cv_id: "ana-1a2b3c4d", file: "ana.pdf", status: "queued", duplicate: false }] });
    });
    await waitFor(() => {
      expect(within(rowOf("ana.pdf")).getByTestId("cv-status")).toHaveTextContent("Queued");
    });
    expect(rowOf("ana.pdf").dataset.cvId).toBe("ana-1a2b3c4d");
    server.corpus = [cv("ana-1a2b3c4d", { name: "Ana Gómez", status: "indexed", added_at: "2026-05-02T09:00:00Z" })];
    await waitFor(
      () => {
        expect(within(rowOf("ana.pdf")).getByTestId("cv-status")).toHaveTextContent("Indexed");
      },
      { timeout: 3000 },
    );
    expect(screen.getByRole("link", { name: "Ana Gómez" })).toBeInTheDocument();
    // Polling stops once nothing is on its way.
    const looks = server.calls.filter((c) => c === "GET /api/cvs").length;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(server.calls.filter((c) => c === "GET /api/cvs").length).toBe(looks);
  });

  it("takes dropped files, says when one is already in the corpus, and never sends one over 20 MB", async () => {
    serve([cv("ana")]);
    render(<Page />);
    await screen.findAllByTestId("cv-row");
    const zone = screen.getByTestId("drop-zone");
    const dropped = [file("ana-again.pdf"), file("huge.pdf", MAX_UPLOAD_BYTES + 1)];
    fireEvent.dragOver(zone, { dataTransfer: { types: ["Files"], files: dropped } });
    expect(zone).toHaveAttribute("data-over", "true");
    fireEvent.drop(zone, { dataTransfer: { types: ["Files"], files: dropped } });
    expect(zone).not.toHaveAttribute("data-over");

    expect(within(rowOf("huge.pdf")).getByRole("alert")).toHaveTextContent("the limit is 20 MB. It was not sent.");
    expect(FakeXhr.sent.map((x) => x.fileName)).toEqual(["ana-again.pdf"]);
    act(() => {
      FakeXhr.find("ana-again.pdf").respond(200, { cvs: [{ cv_id: "ana", file: "ana.pdf", status: "indexed", duplicate: true }] });
    });
    expect(await within(rowOf("ana-again.pdf")).findByText("Already in the corpus")).toBeInTheDocument();

    // Finished files can be cleared from the list.
    await userEvent.click(screen.getByRole("button", { name: "Clear finished" }));
    expect(screen.queryAllByTestId("upload-row")).toHaveLength(0);
  });

  it("sends at most two files at once", async () => {
    serve([]);
    render(<Page />);
    await screen.findByText(/No CVs yet/);
    await userEvent.upload(screen.getByLabelText("CV files to add"), [file("a.pdf"), file("b.pdf"), file("c.pdf")]);
    expect(FakeXhr.sent.map((x) => x.fileName)).toEqual(["a.pdf", "b.pdf"]);
    expect(within(rowOf("c.pdf")).getByText("Waiting…")).toBeInTheDocument();
    act(() => {
      FakeXhr.find("a.pdf").respond(422, { detail: "a.pdf is encrypted" });
    });
    await waitFor(() => {
      expect(FakeXhr.sent.map((x) => x.fileName)).toEqual(["a.pdf", "b.pdf", "c.pdf"]);
    });
    // Canceling a file in flight aborts its request and drops it.
    await userEvent.click(screen.getByRole("button", { name: "Cancel the upload of b.pdf" }));
    expect(FakeXhr.find("b.pdf").aborted).toBe(true);
    expect(screen.getAllByTestId("upload-row").map((r) => r.dataset.phase)).toEqual(["failed", "sending"]);
  });

  it("deletes a CV only after confirmation; Esc and Cancel keep it", async () => {
    const server = serve([cv("ana"), cv("bob", { name: "Bob Smith" })]);
    render(<Page />);
    const deleteAna = await screen.findByRole("button", { name: "Delete Ana Gómez" });

    await userEvent.click(deleteAna);
    const dialog = screen.getByRole("alertdialog", { name: "Delete Ana Gómez?" });
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(deleteAna).toHaveFocus();

    await userEvent.click(deleteAna);
    await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(server.calls.some((c) => c.startsWith("DELETE"))).toBe(false);

    await userEvent.click(deleteAna);
    await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => {
      expect(screen.queryByRole("button", { name: "Delete Ana Gómez" })).not.toBeInTheDocument();
    });
    expect(server.calls).toContain("DELETE /api/cvs/ana");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(screen.getAllByTestId("cv-row").map((r) => r.dataset.cvId)).toEqual(["bob"]);
    expect(screen.getByRole("heading", { name: "CVs in the corpus" })).toHaveFocus();
    expect(screen.getByText("Ana Gómez was deleted.")).toBeInTheDocument();
  });

  it("shows a refused deletion on the CV's line", async () => {
    serve([cv("ana"), cv("bob", { name: "Bob Smith" })], () => jsonResponse({ detail: "admins only" }, 403));
    render(<Page />);
    await userEvent.click(await screen.findByRole("button", { name: "Delete Bob Smith" }));
    await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete" }));
    const bob = screen.getAllByTestId("cv-row").find((r) => r.dataset.cvId === "bob");
    if (!bob) throw new Error("no line for bob");
    expect(await within(bob).findByRole("alert")).toHaveTextContent("Only admins can delete CVs.");
    expect(screen.getByRole("button", { name: "Delete Bob Smith" })).toHaveFocus();
  });

  it("polls every second while a CV is queued or indexing", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const statuses: CvStatus[] = ["queued", "indexing", "indexed"];
    const server = serve([cv("ana", { status: statuses[0] })]);
    render(<Page />);
    for (const status of statuses) {
      server.corpus = [cv("ana", { status })];
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1000);
      });
      expect(screen.getByTestId("cv-status")).toHaveTextContent(new RegExp(`^${status}`, "i"));
    }
    const looks = server.calls.length;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5000);
    });
    expect(server.calls.length).toBe(looks);
  });
});
