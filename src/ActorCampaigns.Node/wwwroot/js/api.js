// The gateway API, with the key a person gave when the node asks for one (kept for this browser tab only).

const keyName = 'actorcampaigns-api-key';

export class ApiError extends Error {
  constructor(status, title, errors, problem) {
    super(title);
    this.status = status;
    this.errors = errors ?? [];
    this.problem = problem ?? {};
  }
}

export function setKey(key) {
  if (key) sessionStorage.setItem(keyName, key);
  else sessionStorage.removeItem(keyName);
}

function headers(extra = {}) {
  const key = sessionStorage.getItem(keyName);
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

export async function api(path, { method = 'GET', body, text = false } = {}) {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  if (!response.ok) {
    let problem = {};
    try { problem = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, problem.title ?? `${response.status} ${response.statusText}`, problem.errors, problem);
  }
  if (text) return response.text();
  return response.status === 204 ? null : response.json();
}

// Server-Sent Events read through fetch (EventSource cannot send the key); calls `onData` with each event's JSON.
export async function follow(path, onData, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) throw new ApiError(response.status, `${response.status} ${response.statusText}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n');
      if (data) onData(JSON.parse(data));
    }
  }
}
