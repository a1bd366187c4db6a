// The one way the front end talks to Argan's JSON API.
//
// Every call goes to the same origin (the server that served the page), sends the session
// cookie, and — for state-changing methods — the X-CSRF-Token header that the session API
// returned at sign-in. A non-2xx answer becomes an ApiError carrying the API's error body
// ({"error": {"code", "message", "details"}}) so forms can show the message next to
// details.field.

const CSRF_KEY = 'argan.csrf';

let csrfToken = sessionStorage.getItem(CSRF_KEY) || '';

export function setCsrfToken(token) {
  csrfToken = token || '';
  if (csrfToken) sessionStorage.setItem(CSRF_KEY, csrfToken);
  else sessionStorage.removeItem(CSRF_KEY);
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

// request('GET', '/api/compounds', {query: {page: 0}}) → parsed JSON (or text for non-JSON).
// Throws ApiError on a non-2xx answer or when the server cannot be reached.
export async function request(method, path, { query, body, form, signal } = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (form) {
    payload = form; // FormData: the browser sets the multipart boundary.
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path + encodeQuery(query), {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal,
    });
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
