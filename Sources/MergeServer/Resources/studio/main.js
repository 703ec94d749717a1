// The studio's entry: wires the parts together. Each part owns one section of the page.

import { get, post } from "./api.js";
import { $, announce, showError } from "./dom.js";
import { setUpSignIn } from "./signin.js";
import { setUpUploads } from "./upload.js";
import * as editor from "./editor.js";
import { plannedCuts } from "./timeline.js";
import { Waveform } from "./waveform.js";
import { setUpJobs } from "./jobs.js";
import { play, setUpPlayer } from "./player.js";
import { setUpGenerate, setCatalog } from "./generate.js";

const waveform = new Waveform($("#waveform"), $("#song-audio"));
let songID = null;

async function loadSong(song) {
  if (!song || song.id === songID) return;
  songID = song.id;
  const status = $("#song-status");
  const error = $("#song-error");
  error.hidden = true;
  $("#song-audio").src = (await get(`/api/assets/${song.id}`)).content_url;
  status.textContent = `${song.name || song.id}: drawing the waveform…`;
  try {
    const width = $("#waveform").width;
    const peaks = await get(`/api/assets/${song.id}/peaks?width=${width * 4}`);
    waveform.set({ peaks: peaks.peaks, duration: peaks.duration });
    status.textContent = `${song.name || song.id}: finding the beats…`;
    let job = await post("/api/mv/analyze_audio?wait=100", { audio: song.id });
    if (!job.result) job = await get(`/api/jobs/${job.job_id}?wait=100`);
    const a = job.result;
    waveform.set({ analysis: a });
    $("#waveform").dataset.analysis = JSON.stringify({ beats: a.beats, downbeats: a.downbeats, duration: peaks.duration });
    status.textContent = `${song.name || song.id}: ${a.tempo.toFixed(1)} BPM, ${a.beats.length} beats, ${a.downbeats.length} downbeats (thick lines), ${(a.sections || []).length} sections; confidence ${(a.confidence * 100).toFixed(0)} %.`;
    $("#waveform-box").dataset.ready = "true";
    announce("Waveform ready");
  } catch (failure) {
    status.textContent = "";
    showError(error, failure);
  }
}

editor.onChange((timeline) => {
  waveform.set({ cuts: plannedCuts(timeline) });
  loadSong(timeline.song);
});

$("#zoom-in").addEventListener("click", () => { $("#zoom-level").textContent = `${waveform.setZoom(waveform.zoom * 2)}×`; });
$("#zoom-out").addEventListener("click", () => { $("#zoom-level").textContent = `${waveform.setZoom(waveform.zoom / 2)}×`; });

setUpUploads({ onAsset: (asset) => editor.addAsset(asset) });
editor.setUpEditor();
setUpJobs({
  onFinished: (job) => {
    if (job.status === "succeeded" && job.result?.video_url) play(job).catch((failure) => showError($("#render-error"), failure));
  },
});
setUpPlayer();
setUpGenerate({
  song: () => editor.current().song,
  onScenes: (scenes) => waveform.set({ scenes }),
  onClip: (asset, scene) => editor.addAsset(asset, scene.duration),
});
setUpSignIn({ onCatalog: setCatalog }).then(() => { document.body.dataset.ready = "true"; });
