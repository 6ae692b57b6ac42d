/** A stand-in for XMLHttpRequest that a test drives by hand: progress, answer, failure. */

type Handler = (() => void) | null;

export class FakeXhr {
  static sent: FakeXhr[] = [];

  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  responseText = "";
  aborted = false;
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: Handler = null;
  onerror: Handler = null;
  onabort: Handler = null;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  send(body: FormData): void {
    this.body = body;
    FakeXhr.sent.push(this);
  }

  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }

  /** The name of the file in the form's `file` field. */
  get fileName(): string {
    const file = this.body?.get("file");
    return file instanceof File ? file.name : "";
  }

  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }

  respond(status: number, body?: unknown): void {
    this.status = status;
    this.responseText = body === undefined ? "" : JSON.stringify(body);
    this.onload?.();
  }

  fail(): void {
    this.onerror?.();
  }

  static reset(): void {
    FakeXhr.sent = [];
  }

  static find(name: string): FakeXhr {
    const xhr = FakeXhr.sent.find((x) => x.fileName === name);
    if (!xhr) throw new Error(`no upload of ${name} (sent: ${FakeXhr.sent.map((x) => x.fileName).join(", ")})`);
    return xhr;
  }
}
