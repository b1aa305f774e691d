// Calls to the broker's HTTP/JSON API with the signed-in key, and its errors (google.rpc.Status) made readable.

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

/** A failed call: the HTTP status, the gRPC status code and message, and the ErrorInfo reason (e.g. NERR_NameNotFound). */
export class ApiError extends Error {
  constructor(httpStatus, body) {
    const info = (body?.details ?? []).find((d) => d?.['@type'] === ERROR_INFO) ?? null;
    super(body?.message || `HTTP ${httpStatus}`);
    this.name = 'ApiError';
    this.httpStatus = httpStatus;
    this.code = body?.code ?? null;
    this.reason = info?.reason ?? '';
    this.domain = info?.domain ?? '';
    this.metadata = info?.metadata ?? {};
  }

  /** "NERR_NameNotFound — No such alias (HTTP 404, gRPC 5)". */
  describe() {
    const head = this.reason ? `${this.reason} — ${this.message}` : this.message;
    const codes = [`HTTP ${this.httpStatus}`];
    if (this.code !== null) codes.push(`gRPC ${this.code}`);
    if (this.metadata?.code) codes.push(`code ${this.metadata.code}`);
    return `${head} (${codes.join(', ')})`;
  }
}

/** A plain-language line for a sign-in failure. */
export function explainAuth(error) {
  switch (error.reason) {
    case 'CREDENTIALS_MISSING': return 'No key was sent. Paste an API key (nbk_…) to sign in.';
    case 'CREDENTIALS_INVALID': return 'The broker does not accept this key: it is mistyped, revoked or expired.';
    case 'SCOPE_REQUIRED': return `This key lacks a scope this page needs (${error.message}).`;
    default: return error.describe();
  }
}

/** Reads a google.rpc.Status body, or makes one from a response that had none. */
export async function readError(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = { message: response.statusText || `HTTP ${response.status}` };
  }
  return new ApiError(response.status, body);
}

export class Api {
  constructor(key) {
    this.key = key;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.key}`, Accept: 'application/json', ...extra };
  }

  async call(method, path, body) {
    const init = { method, headers: this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' }), cache: 'no-store' };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(path, init);
    if (!response.ok) throw await readError(response);
    const text = await response.text();
    return text ? JSON.parse(text) : {};
  }

  listAliases() { return this.call('GET', '/v1/aliases'); }
  send(request) { return this.call('POST', '/v1/send', request); }
  broadcast(request) { return this.call('POST', '/v1/broadcast', request); }
}

/** A field by its JSON (lowerCamelCase) name or its proto (snake_case) name. */
export function field(object, camel) {
  if (object == null) return undefined;
  if (camel in object) return object[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
  return object[snake];
}
