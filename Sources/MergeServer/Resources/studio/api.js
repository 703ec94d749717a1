// The public API, as any client calls it: the same routes, the same keys.
// The key lives in this tab's session storage only; media and event links come signed
// from the server, so a <video> or an EventSource never needs the key.

const KEY = "merge-server-key";

export function apiKey() { return sessionStorage.getItem(KEY) || ""; }
export function setAPIKey(key) {
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
}

/** A problem+json answer (or a network failure) as an Error the page can show. */
export class APIError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  /** One line for a person: the detail, the field problems, then what to do. */
  get explanation() {
    const p = this.problem;
    const fields = (p.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
    return [p.detail || this.message, fields, p.suggestion].filter(Boolean).join(" — ");
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  const key = apiKey();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

/** The requests that made things, for "copy as curl". */
const made = new Map();
export function rememberRequest(id, method, path, body) { made.set(id, { method, path, body }); }
export function requestFor(id) { return made.get(id); }

export async function call(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new APIError(0, { detail: `the server did not answer (${error.message})`, suggestion: "check that merge-server is running" });
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { detail: text.slice(0, 200) }; }
  if (!response.ok) throw new APIError(response.status, json || {});
  return json;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body);
export const del = (path) => call("DELETE", path);

/** Posts a job; remembers its request (for curl) under the job's id. */
export async function submit(path, body) {
  const job = await post(path, body);
  rememberRequest(job.job_id || job.id, "POST", path, body);
  return job;
}

/** Uploads one file as its raw bytes, reporting progress (XHR: fetch has no upload progress). */
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/uploads?filename=${encodeURIComponent(file.name)}`);
    for (const [name, value] of Object.entries(headers({ "Content-Type": file.type || "application/octet-stream" }))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    xhr.onload = () => {
      let json = {};
      try { json = JSON.parse(xhr.responseText); } catch { /* not JSON: reported below */ }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(json); } else reject(new APIError(xhr.status, json));
    };
    xhr.onerror = () => reject(new APIError(0, { detail: "the upload was interrupted", suggestion: "try again" }));
    xhr.send(file);
  });
}

/** `curl` for a request, with the key as a variable rather than its value. */
export function curlCommand(origin, { method, path, body }) {
  const parts = [`curl -s -X ${method}`];
  if (apiKey()) parts.push(`-H "Authorization: Bearer $MERGE_SERVER_KEY"`);
  if (body !== undefined) {
    parts.push(`-H 'Content-Type: application/json'`);
    parts.push(`-d '${JSON.stringify(body).replaceAll("'", "'\\''")}'`);
  }
  parts.push(`'${origin}${path}'`);
  return parts.join(" ");
}
