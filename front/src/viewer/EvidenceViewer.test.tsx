import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useEvidenceViewer, type EvidenceTarget } from "./evidence";
import { EvidenceViewerProvider } from "./EvidenceViewerProvider";
import type { PageTarget, RenderedPage } from "./pdf";

// pdf.js cannot draw in jsdom (the browser test checks the drawing): a stand-in with its interface.
const pdfMock = vi.hoisted(() => ({
  numPages: 3,
  /** What each drawn page reports, by page number. */
  pages: new Map<number, { hasText: boolean; found: boolean }>(),
  rendered: [] as { page: number; width: number; snippet: string }[],
  destroyed: 0,
}));

vi.mock("./pdf", () => {
  class Cancelled extends Error {}
  return {
    Cancelled,
    openPdf: (data: ArrayBuffer) => ({
      promise: data.byteLength > 0 ? Promise.resolve({ numPages: pdfMock.numPages }) : Promise.reject(new Error("Invalid PDF structure.")),
      destroy: () => {
        pdfMock.destroyed += 1;
      },
    }),
    renderPage: (_doc: unknown, page: number, target: PageTarget) => {
      pdfMock.rendered.push({ page, width: target.width, snippet: target.snippet });
      const { hasText, found } = pdfMock.pages.get(page) ?? { hasText: true, found: false };
      const marks: HTMLElement[] = [];
      if (found) {
        const mark = document.createElement("mark");
        mark.textContent = target.snippet;
        target.textLayer.append(mark);
        marks.push(mark);
      }
      const result: RenderedPage = { width: target.width, height: target.width * 1.4, hasText, marks, complete: found };
      return { promise: Promise.resolve(result), cancel: () => undefined };
    },
  };
});

const target: EvidenceTarget = {
  cvId: "ana",
  name: "Ana Gómez",
  page: 2,
  snippet: "Led the Kubernetes migration of 40 services",
};

function Opener({ to = target }: { to?: EvidenceTarget }) {
  const open = useEvidenceViewer();
  return (
    <>
      <button type="button">Before</button>
      <button
        type="button"
        onClick={() => {
          open?.(to);
        }}
      >
        Show the evidence
      </button>
    </>
  );
}

function mockFetch(response: () => Response) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(() => Promise.resolve(response()));
}

const pdfResponse = () => new Response(new Uint8Array([37, 80, 68, 70, 45]), { status: 200, headers: { "Content-Type": "application/pdf" } });

async function openViewer(to?: EvidenceTarget) {
  const user = userEvent.setup();
  render(
    <EvidenceViewerProvider>
      <Opener to={to} />
    </EvidenceViewerProvider>,
  );
  const opener = screen.getByRole("button", { name: "Show the evidence" });
  await user.click(opener);
  const dialog = await screen.findByRole("dialog");
  return { user, opener, dialog };
}

class FakeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(element: Element) {
    const entry = { target: element, contentRect: { width: 600, height: 700 } } as unknown as ResizeObserverEntry;
    queueMicrotask(() => {
      this.callback([entry], this);
    });
  }
  unobserve() {}
  disconnect() {}
}

const scrollIntoView = vi.fn();

beforeEach(() => {
  pdfMock.numPages = 3;
  pdfMock.pages.clear();
  pdfMock.rendered = [];
  pdfMock.destroyed = 0;
  vi.stubGlobal("ResizeObserver", FakeResizeObserver);
  scrollIntoView.mockClear();
  Element.prototype.scrollIntoView = scrollIntoView;
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("EvidenceViewer", () => {
  it("is a modal dialog named by the candidate and page; Esc closes it and focus goes back", async () => {
    const fetchSpy = mockFetch(pdfResponse);
    const { user, opener, dialog } = await openViewer();
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(dialog).toHaveAccessibleName("Ana Gómez · page 2");
    expect(within(dialog).getByRole("button", { name: "Close the CV" })).toHaveFocus();
    // The file is asked for on the same origin, with the session cookie.
    expect(fetchSpy).toHaveBeenCalledWith("/api/cvs/ana/pdf", expect.objectContaining({ credentials: "same-origin" }));
    await within(dialog).findByText("Page 2 of 3");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(pdfMock.destroyed).toBe(1);
  });

  it("keeps Tab inside the dialog", async () => {
    mockFetch(pdfResponse);
    const { user, dialog } = await openViewer();
    await within(dialog).findByText("Page 2 of 3");
    const close = within(dialog).getByRole("button", { name: "Close the CV" });
    await user.tab({ shift: true });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
    expect(close).not.toHaveFocus();
    for (let i = 0; i < 12; i += 1) {
      await user.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
  });

  it("opens at the cited page, says the snippet is highlighted, and pages through the CV", async () => {
    mockFetch(pdfResponse);
    pdfMock.pages.set(2, { hasText: true, found: true });
    const { user, dialog } = await openViewer();
    await waitFor(() => {
      expect(dialog).toHaveAttribute("data-highlight", "found");
    });
    expect(pdfMock.rendered.at(-1)).toEqual({ page: 2, width: 600, snippet: target.snippet });
    expect(within(dialog).getByTestId("viewer-note")).toHaveTextContent("Highlighted on the page.");
    expect(within(dialog).getByTestId("viewer-snippet")).toHaveTextContent(target.snippet);
    expect(scrollIntoView).toHaveBeenCalled();

    await user.click(within(dialog).getByRole("button", { name: "Next page" }));
    await within(dialog).findByText("Page 3 of 3");
    expect(dialog).toHaveAccessibleName("Ana Gómez · page 3");
    expect(within(dialog).getByRole("button", { name: "Next page" })).toBeDisabled();
    expect(pdfMock.rendered.at(-1)).toEqual({ page: 3, width: 600, snippet: "" }); // only the cited page is marked
    await user.click(await within(dialog).findByRole("button", { name: "Back to page 2" }));
    await within(dialog).findByText("Page 2 of 3");

    await user.click(within(dialog).getByRole("button", { name: "Zoom in" }));
    await waitFor(() => {
      expect(pdfMock.rendered.at(-1)?.width).toBe(750);
    });
    await user.click(within(dialog).getByRole("button", { name: "Fit width" }));
    await waitFor(() => {
      expect(pdfMock.rendered.at(-1)?.width).toBe(600);
    });
  });

  it("on a scanned page (no text layer), shows the snippet and says the highlight is not available", async () => {
    mockFetch(pdfResponse);
    pdfMock.pages.set(2, { hasText: false, found: false });
    const { dialog } = await openViewer();
    await waitFor(() => {
      expect(dialog).toHaveAttribute("data-highlight", "scan");
    });
    expect(within(dialog).getByTestId("viewer-note")).toHaveTextContent("the highlight is not available on a scanned page");
    expect(within(dialog).getByRole("complementary", { name: "Cited text" })).toHaveTextContent(target.snippet);
  });

  it("says so when the quote is not in the page's text", async () => {
    mockFetch(pdfResponse);
    pdfMock.pages.set(2, { hasText: true, found: false });
    const { dialog } = await openViewer();
    await waitFor(() => {
      expect(dialog).toHaveAttribute("data-highlight", "not-found");
    });
    expect(within(dialog).getByTestId("viewer-note")).toHaveTextContent("could not be found");
  });

  it("offers a DOCX for download, with the page and the snippet", async () => {
    mockFetch(
      () =>
        new Response("PK", {
          status: 200,
          headers: { "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        }),
    );
    const { dialog } = await openViewer();
    const download = await within(dialog).findByRole("link", { name: "Download the CV" });
    expect(download).toHaveAttribute("href", "/api/cvs/ana/pdf");
    expect(download).toHaveAttribute("download");
    expect(dialog).toHaveTextContent("Word document");
    expect(dialog).toHaveTextContent("Cited text · page 2");
    expect(within(dialog).getByTestId("viewer-snippet")).toHaveTextContent(target.snippet);
    expect(within(dialog).queryByRole("toolbar")).not.toBeInTheDocument();
  });

  it("says clearly when the CV is gone (404)", async () => {
    mockFetch(() => new Response(JSON.stringify({ detail: "unknown CV 'ana'" }), { status: 404 }));
    const { user, opener, dialog } = await openViewer();
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("This CV is no longer in the corpus");
    expect(within(dialog).getByTestId("viewer-snippet")).toHaveTextContent(target.snippet);
    expect(within(dialog).queryByRole("link")).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Close the CV" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("falls back to a link when the PDF cannot be read", async () => {
    mockFetch(() => new Response(new Uint8Array(), { status: 200, headers: { "Content-Type": "application/pdf" } }));
    const { dialog } = await openViewer();
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Invalid PDF structure");
    expect(within(dialog).getByRole("link", { name: "Open the PDF in a new tab" })).toHaveAttribute("href", "/api/cvs/ana/pdf#page=2");
  });

  it("opens a page without a snippet with no cited-text panel", async () => {
    mockFetch(pdfResponse);
    const { dialog } = await openViewer({ ...target, snippet: "" });
    await waitFor(() => {
      expect(dialog).toHaveAttribute("data-highlight", "none");
    });
    expect(within(dialog).queryByRole("complementary")).not.toBeInTheDocument();
  });

  it("stops loading when closed before the file arrived", async () => {
    let resolve: (response: Response) => void = () => undefined;
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(
      () =>
        new Promise<Response>((r) => {
          resolve = r;
        }),
    );
    const { user } = await openViewer();
    expect(screen.getByRole("status")).toHaveTextContent("Loading the CV");
    const signal = (fetchSpy.mock.calls[0]?.[1] as RequestInit).signal;
    await user.keyboard("{Escape}");
    expect(signal?.aborted).toBe(true);
    await act(async () => {
      resolve(pdfResponse());
      await Promise.resolve();
    });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});
