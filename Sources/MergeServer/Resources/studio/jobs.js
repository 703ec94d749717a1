// Jobs: each job this page starts is followed live over Server-Sent Events (its signed
// events_url, so no key is needed by EventSource); past jobs are listed page by page.

import { get, del } from "./api.js";
import { h, $, announce, seconds } from "./dom.js";

const ENDED = new Set(["succeeded", "failed", "canceled"]);
const rows = new Map();
let onResult = () => {};

export function setUpJobs({ onFinished }) {
  onResult = onFinished;
  $("#past-jobs-load").addEventListener("click", () => loadPast(null));
  $("#past-jobs-more").addEventListener("click", (event) => loadPast(event.target.dataset.cursor));
}

/** Follows a job from its 202 answer (or a JobResource); `label` says what it is for. */
export function track(accepted, label) {
  const id = accepted.job_id || accepted.id;
  const row = rowFor(id, label);
  $("#live-jobs").prepend(row.element);
  update(row, { status: accepted.status || "queued", progress: accepted.progress || 0 });
  const events = new EventSource(accepted.events_url);
  row.events = events;
  events.addEventListener("status", (event) => update(row, JSON.parse(event.data)));
  events.addEventListener("progress", (event) => update(row, JSON.parse(event.data)));
  events.addEventListener("done", (event) => {
    events.close();
    const job = JSON.parse(event.data);
    update(row, job);
    announce(`${label}: ${job.status}`);
    onResult(job, label);
  });
  // EventSource reconnects by itself (sending Last-Event-ID); a job that is gone is read once more.
  events.addEventListener("error", async () => {
    if (events.readyState !== EventSource.CLOSED) return;
    try { update(row, await get(`/api/jobs/${id}`)); } catch { /* the row keeps what it had */ }
  });
  return row;
}

function rowFor(id, label) {
  const bar = h("progress", { max: 1, value: 0, "aria-label": `Progress of ${label}` });
  const percent = h("span", { class: "percent" }, "0 %");
  const state = h("span", { class: "job-state" });
  const cancel = h("button", { type: "button", class: "cancel", "aria-label": `Cancel ${label}` }, "Cancel");
  const problem = h("p", { class: "job-error", role: "alert", hidden: true });
  const element = h("li", { class: "job", "data-job-id": id },
    h("div", { class: "job-head" }, h("strong", {}, label), " ", h("code", {}, id)), bar, percent, state, cancel, problem);
  const row = { id, label, element, bar, percent, state, cancel, problem, status: "queued" };
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      update(row, await del(`/api/jobs/${id}`));
    } catch (error) {
      problem.hidden = false;
      problem.textContent = error.explanation;
      cancel.disabled = false;
    }
  });
  rows.set(id, row);
  return row;
}

/** A JobResource or a progress event: status, stage, progress and ETA as text and bar. */
function update(row, job) {
  if (job.status) row.status = job.status;
  if (Number.isFinite(job.progress)) {
    const progress = row.status === "succeeded" ? 1 : job.progress;
    row.bar.value = progress;
    row.percent.textContent = `${Math.round(progress * 100)} %`;
  }
  const words = [row.status];
  if (job.stage && !ENDED.has(row.status)) words.push(job.stage);
  if (Number.isFinite(job.eta_seconds) && !ENDED.has(row.status)) words.push(`about ${seconds(job.eta_seconds)} left`);
  row.state.textContent = words.join(" · ");
  row.element.dataset.status = row.status;
  row.cancel.hidden = ENDED.has(row.status);
  if (job.error) {
    row.problem.hidden = false;
    row.problem.textContent = [job.error.message, job.error.suggestion && `What to do: ${job.error.suggestion}`].filter(Boolean).join(" — ");
  }
}

async function loadPast(cursor) {
  const list = $("#past-jobs");
  const more = $("#past-jobs-more");
  if (!cursor) list.textContent = "";
  const page = await get(`/api/jobs?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
  for (const job of page.jobs) {
    const result = job.result && job.result.video_id ? h("button", { type: "button", onclick: () => onResult(job, job.kind) }, "Play") : null;
    list.append(h("li", { "data-status": job.status }, h("code", {}, job.id), ` ${job.kind} · ${job.status} · ${new Date(job.created_at).toLocaleString()}`,
      job.error ? ` — ${job.error.message}` : "", " ", result));
  }
  more.hidden = !page.next_cursor;
  more.dataset.cursor = page.next_cursor || "";
}
