// The one way the front end talks to Argan's JSON API.
//
// Every call goes to the same origin (the server that served the page), sends the session
// cookie, and — for state-changing methods — the X-CSRF-Token header that the session API
// returned at sign-in. A non-2xx answer becomes an ApiError carrying the API's error body
// ({"error": {"code", "message", "details"}}) so forms can show the message next to
// details.field.

// The token is derived by the server from the session cookie, so it is asked for (GET
// /api/session) rather than remembered: a page opened from a shared link, a reloaded page or
// a tab left open across a new sign-in always sends the token of the cookie it has.
let csrfToken = '';
let csrfPending = null;

export function setCsrfToken(token) {
  csrfToken = token || '';
}

// The current session's token ('' when nobody is signed in), fetched once at a time.
function fetchCsrfToken() {
  if (!csrfPending) {
    csrfPending = fetch('/api/session', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : null))
      .then((body) => {
        csrfToken = (body && body.csrf_token) || '';
        return csrfToken;
      })
      .catch(() => csrfToken)
      .finally(() => {
        csrfPending = null;
      });
  }
  return csrfPending;
}

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || (status === 0 ? 'NETWORK' : 'HTTP_' + status);
    this.details = error.details || {};
  }

  // The API names the field an error concerns in details.field ("structure",
  // "batch.amount", ...); undefined when the error is about the request as a whole.
  get field() {
    return this.details.field;
  }
}

function encodeQuery(params) {
  if (!params) return '';
  const parts = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(value));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function send(method, path, { query, body, form, signal }, token) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (form) {
    payload = form; // FormData (or a File): the browser sets the type.
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (token) headers['X-CSRF-Token'] = token;
  let response;
  try {
    response = await fetch(path + encodeQuery(query), { method, headers, body: payload, credentials: 'same-origin', signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { error: { code: 'NETWORK', message: e.message } });
  }
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (response.status !== 204) {
    data = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const isCsrfRefusal = (e) => e instanceof ApiError && e.status === 403 && e.details.reason === 'csrf';

// request('GET', '/api/compounds', {query: {page: 0}}) → parsed JSON (or text for non-JSON).
// Throws ApiError on a non-2xx answer or when the server cannot be reached. A state-changing
// request waits for the session's CSRF token when the page does not know it yet, and is sent
// once more with a fresh token when the server refuses the one it had.
export async function request(method, path, options = {}) {
  if (!STATE_CHANGING.has(method) || (method === 'POST' && path === '/api/session')) return send(method, path, options, '');
  const token = csrfToken || (await fetchCsrfToken());
  try {
    return await send(method, path, options, token);
  } catch (e) {
    if (!isCsrfRefusal(e)) throw e;
    const fresh = await fetchCsrfToken();
    if (!fresh || fresh === token) throw e;
    return send(method, path, options, fresh);
  }
}

// True when the server has no such endpoint at all (an Argan built without that feature),
// as opposed to a record that is missing or hidden.
export function isMissingEndpoint(error) {
  return error instanceof ApiError && error.status === 404 && /^no API endpoint/.test(error.message);
}

export const api = {
  get: (path, query, options) => request('GET', path, { ...options, query }),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  patch: (path, body, options) => request('PATCH', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  del: (path, body, options) => request('DELETE', path, { ...options, body }),
  upload: (path, form, options) => request('POST', path, { ...options, form }),
};

// URL of a compound's depiction (SVG), optionally with highlighted atom indices.
export function depictionUrl(compoundId, { width = 300, height = 200, highlight } = {}) {
  const query = { width, height };
  if (highlight && highlight.length) query.highlight = highlight.join(',');
  return `/api/compounds/${encodeURIComponent(compoundId)}/depiction.svg${encodeQuery(query)}`;
}
