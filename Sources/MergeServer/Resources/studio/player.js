// The result: the video (its signed link: the browser seeks with Range requests), a
// poster taken from its first second, a download link, the info panel and the request
// that made it as a curl command.

import { get, requestFor, curlCommand } from "./api.js";
import { h, $, announce, seconds, bytes } from "./dom.js";

export async function play(job) {
  const result = job.result;
  const video = $("#player");
  const section = $("#result");
  section.hidden = false;
  video.src = result.video_url;
  $("#download").href = result.video_url;
  $("#download").setAttribute("download", `${result.video_id}.mp4`);
  video.addEventListener("loadeddata", () => makePoster(result.video_url), { once: true });
  const info = await get(`/api/mv/get_video/${result.video_id}/info`);
  showInfo(info, job);
  const request = requestFor(job.id) || { method: "GET", path: `/api/jobs/${job.id}` };
  $("#curl").value = curlCommand(location.origin, request);
  announce("The video is ready");
}

/** A still of the video at 0.5 s drawn by a second, hidden element, as the player's poster. */
function makePoster(url) {
  const probe = h("video", { muted: true, preload: "auto", src: url });
  probe.addEventListener("loadeddata", () => { probe.currentTime = Math.min(0.5, probe.duration / 2 || 0); }, { once: true });
  probe.addEventListener("seeked", () => {
    const canvas = h("canvas", { width: probe.videoWidth, height: probe.videoHeight });
    canvas.getContext("2d").drawImage(probe, 0, 0);
    canvas.toBlob((blob) => {
      if (!blob) return;
      $("#player").poster = URL.createObjectURL(blob);
      $("#poster").src = $("#player").poster;
      $("#poster").hidden = false;
      probe.removeAttribute("src");
      probe.load();
    });
  }, { once: true });
}

function showInfo(info, job) {
  const rows = info.summary ? renderRows(info.summary, info) : generatedRows(info);
  rows.push(["Job", job.id]);
  const list = $("#info");
  list.textContent = "";
  for (const [name, value] of rows) list.append(h("dt", {}, name), h("dd", {}, value));
}

/** A render's info (merge_videos, music_video): its summary, cuts and beats. */
function renderRows(s, info) {
  return [
    ["Duration", seconds(s.duration)],
    ["Size", `${s.width}×${s.height} at ${s.fps} fps, ${s.frames} frames, ${bytes(s.size_bytes)}`],
    ["Cuts", info.cuts.length ? info.cuts.map((c) => c.toFixed(2)).join(", ") + " s" : "none"],
    ["Beats used", info.beats.length ? `${info.beats.length}` : "none"],
    ["Loudness", Number.isFinite(s.measured_loudness) ? `${s.measured_loudness.toFixed(1)} LUFS before normalization, ${(s.loudness_gain ?? 0).toFixed(1)} dB gain applied` : "not normalized"],
    ["Processing time", seconds(s.processing_seconds)],
    ["Video stream", s.video_copied ? "copied (fast path)" : "encoded"],
  ];
}

/** A generated clip's info (generate_video): its probe and how it was made. */
function generatedRows(info) {
  const p = info.probe || {};
  const g = info.generation || {};
  return [
    ["Duration", seconds(p.duration)],
    ["Size", p.video ? `${p.video.width}×${p.video.height}, ${bytes(p.size_bytes)}` : "–"],
    ["Model", `${g.model ?? "–"}${g.is_mock ? " (mock)" : ""}`],
  ];
}

export function setUpPlayer() {
  $("#copy-curl").addEventListener("click", async () => {
    const text = $("#curl").value;
    try {
      await navigator.clipboard.writeText(text);
      announce("Copied the curl command");
    } catch {
      // No clipboard permission: select it for the person to copy.
      $("#curl").select();
      announce("Select and copy the command");
    }
  });
}
