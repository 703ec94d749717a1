// Generation: an idea (and lyrics) become scenes timed on the song; each scene gets a
// video model from the catalog with its price; the estimate is weighed against the
// budget; then one `music_video` job does it all, or the steps run one by one
// (a generate_video per scene, the clips then land on the timeline for a render).

import { get, post, submit } from "./api.js";
import { h, $, announce, seconds, usd, showError } from "./dom.js";
import { track } from "./jobs.js";

let catalog = { models: [], defaults: {} };
let scenes = [];
let song = () => null;
let onScenes = () => {};
let onClip = () => {};

export function setCatalog(next) {
  catalog = next;
  drawScenes();
}

export function setUpGenerate(options) {
  song = options.song;
  onScenes = options.onScenes;
  onClip = options.onClip;
  $("#plan").addEventListener("submit", plan);
  $("#budget").addEventListener("input", drawEstimate);
  $("#run-music-video").addEventListener("click", runMusicVideo);
  $("#run-steps").addEventListener("click", runSteps);
}

const videoModels = () => catalog.models.filter((m) => m.kind === "video" && (m.inputs || []).includes("text"));

/** The list price of one clip of `seconds` from `model` (catalog prices; mocks play for free but list the real price). */
export function clipPrice(model, secondsLong) {
  if (!model) return 0;
  const p = model.price || {};
  return (p.per_second || 0) * secondsLong + (p.per_request || 0);
}

/** The clip length to ask a model for: the shortest it makes that covers the scene, else its longest. */
export function clipDuration(model, sceneSeconds) {
  const durations = [...(model?.durations || [])].sort((a, b) => a - b);
  if (!durations.length) return Math.min(60, Math.max(1, Math.ceil(sceneSeconds)));
  return durations.find((d) => d >= sceneSeconds - 0.01) ?? durations[durations.length - 1];
}

async function plan(event) {
  event.preventDefault();
  const error = $("#plan-error");
  error.hidden = true;
  const form = event.target;
  const body = { idea: form.elements.idea.value.trim() };
  if (form.elements.lyrics.value.trim()) body.lyrics = form.elements.lyrics.value.trim();
  if (form.elements["num-scenes"].value) body.num_scenes = Number(form.elements["num-scenes"].value);
  if (song()) body.audio = song().id;
  try {
    $("#plan-status").textContent = "Writing scenes…";
    let job = await post("/api/mv/create_scenes?wait=100", body);
    if (!job.result) job = await get(`/api/jobs/${job.job_id || job.id}?wait=100`);
    if (job.status !== "succeeded") throw Object.assign(new Error(job.error?.message || `the job ended ${job.status}`), { explanation: job.error ? `${job.error.message} — ${job.error.suggestion || ""}` : undefined });
    const fallback = catalog.defaults.video;
    scenes = job.result.scenes.map((s) => ({ ...s, model: fallback }));
    $("#plan-status").textContent = `${scenes.length} scenes by ${job.result.model}${job.result.is_mock ? " (mock)" : ""}.`;
    drawScenes();
    announce(`${scenes.length} scenes planned`);
  } catch (failure) {
    $("#plan-status").textContent = "";
    showError(error, failure);
  }
}

function drawScenes() {
  const list = $("#scenes");
  list.textContent = "";
  scenes.forEach((scene, i) => {
    const id = `scene-${i}`;
    const prompt = h("textarea", { id: `${id}-prompt`, rows: 2, maxlength: 4000 }, scene.prompt);
    prompt.addEventListener("input", () => { scene.prompt = prompt.value; });
    const model = h("select", { id: `${id}-model` }, videoModels().map((m) =>
      h("option", { value: m.id, selected: m.id === scene.model }, `${m.id} (${m.available ? m.provider : "mock"}) · ${usd(clipPrice(m, clipDuration(m, scene.duration)))}`)));
    model.addEventListener("change", () => { scene.model = model.value; drawEstimate(); });
    list.append(h("li", { class: "scene" },
      h("div", {}, h("strong", {}, `Scene ${i + 1}`), ` ${seconds(scene.start)} → ${seconds(scene.end)} (${seconds(scene.duration)})`),
      h("label", { for: prompt.id }, "Prompt"), prompt,
      h("label", { for: model.id }, "Model and price"), model));
  });
  $("#scenes-box").hidden = scenes.length === 0;
  onScenes(scenes);
  drawEstimate();
}

function drawEstimate() {
  const total = scenes.reduce((sum, s) => {
    const model = catalog.models.find((m) => m.id === s.model);
    return sum + clipPrice(model, clipDuration(model, s.duration));
  }, 0);
  const budget = Number($("#budget").value);
  const over = Number.isFinite(budget) && $("#budget").value !== "" && total > budget;
  const box = $("#estimate");
  box.textContent = `Estimated clips: ${usd(total)}` + ($("#budget").value !== "" ? ` of a ${usd(budget)} budget — ${over ? "OVER BUDGET" : "within budget"}` : "");
  box.className = over ? "estimate over" : "estimate";
  $("#run-music-video").disabled = !scenes.length || over || !song();
  $("#run-steps").disabled = !scenes.length || over;
}

async function runMusicVideo() {
  const error = $("#generate-error");
  error.hidden = true;
  const form = $("#plan");
  const models = new Set(scenes.map((s) => s.model));
  const body = { idea: form.elements.idea.value.trim(), audio: song().id, num_scenes: scenes.length };
  if (form.elements.lyrics.value.trim()) body.lyrics = form.elements.lyrics.value.trim();
  // music_video takes one video model for every clip; several are the step-by-step way.
  if (models.size === 1) {
    const only = [...models][0];
    if (catalog.models.find((m) => m.id === only)?.inputs.includes("image")) body.model = only;
  }
  if ($("#budget").value !== "") body.budget_usd = Number($("#budget").value);
  try {
    const accepted = await submit("/api/mv/music_video", body);
    $("#estimate").textContent += ` · the server estimates ${usd(accepted.estimated_cost_usd)}`;
    track(accepted, "Music video");
  } catch (failure) {
    showError(error, failure);
  }
}

async function runSteps() {
  const error = $("#generate-error");
  error.hidden = true;
  const budget = $("#budget").value === "" ? undefined : Number($("#budget").value);
  try {
    // The clips generate in parallel and land on the timeline in scene order, each trimmed to its scene.
    const clips = await Promise.all(scenes.map(async (scene, i) => {
      const model = catalog.models.find((m) => m.id === scene.model);
      const body = { prompt: scene.prompt, model: scene.model, duration: clipDuration(model, scene.duration) };
      if (budget !== undefined) body.budget_usd = budget;
      const accepted = await submit("/api/mv/generate_video", body);
      track(accepted, `Scene ${i + 1} clip`);
      const job = await waitFor(accepted.job_id);
      return job.status === "succeeded" ? get(`/api/assets/${job.result.asset_id}`) : null;
    }));
    clips.forEach((asset, i) => { if (asset) onClip(asset, scenes[i]); });
    announce(`${clips.filter(Boolean).length} of ${scenes.length} scenes have their clip on the timeline`);
  } catch (failure) {
    showError(error, failure);
  }
}

async function waitFor(id) {
  for (;;) {
    const job = await get(`/api/jobs/${id}?wait=100`);
    if (["succeeded", "failed", "canceled"].includes(job.status)) return job;
  }
}
