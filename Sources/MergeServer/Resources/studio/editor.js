// The timeline editor: the clip list (drag, or Alt+↑/↓, or the buttons, to reorder),
// in/out fields with a scrub preview, a transition per join, and the render settings.
// State changes go through timeline.js; this file only draws and listens.

import * as T from "./timeline.js";
import { h, $, announce, seconds, showError } from "./dom.js";
import { submit } from "./api.js";
import { track } from "./jobs.js";

let timeline = T.emptyTimeline();
const listeners = [];
const assets = new Map();

export const current = () => timeline;
export function onChange(listener) { listeners.push(listener); }

function change(next, focus) {
  timeline = next;
  draw(focus);
  for (const listener of listeners) listener(timeline);
}

/** Adds an upload (or a generated clip, trimmed to `out` seconds when given) to the timeline. */
export function addAsset(asset, out) {
  assets.set(asset.id, asset);
  if (asset.kind === "audio") {
    // Any sound can be the song or the voice-over.
    $("#voiceover").append(h("option", { value: asset.id }, asset.filename || asset.id));
    $("#song").append(h("option", { value: asset.id }, asset.filename || asset.id));
    if (!timeline.song) {
      $("#song").value = asset.id;
      change({ ...timeline, song: { id: asset.id, name: asset.filename, duration: asset.media?.duration } });
    }
    return;
  }
  if (asset.kind === "captions") {
    $("#captions-file").append(h("option", { value: asset.id }, asset.filename || asset.id));
    if (!timeline.captionsFile) {
      $("#captions-file").value = asset.id;
      change({ ...timeline, captionsFile: asset.id });
    }
    return;
  }
  let next = T.addClip(timeline, asset);
  if (out) next = T.trimClip(next, next.clips.length - 1, 0, Math.min(out, next.clips.at(-1).duration ?? out))[0];
  change(next);
}

export function setUpEditor() {
  const settings = $("#settings");
  settings.addEventListener("change", readSettings);
  settings.addEventListener("input", readSettings);
  $("#add-caption").addEventListener("click", () => change({ ...timeline, captions: [...timeline.captions, { text: "", start: 0, end: null }] }));
  $("#render").addEventListener("click", render);
  const list = $("#clips");
  // Drag and drop between rows: the dragged row's index travels in dataTransfer.
  list.addEventListener("dragstart", (event) => {
    const li = event.target.closest("li.clip");
    if (li) event.dataTransfer.setData("text/plain", li.dataset.index);
  });
  list.addEventListener("dragover", (event) => event.preventDefault());
  list.addEventListener("drop", (event) => {
    event.preventDefault();
    const li = event.target.closest("li.clip");
    const from = Number(event.dataTransfer.getData("text/plain"));
    if (!li || !Number.isInteger(from)) return;
    move(from, Number(li.dataset.index));
  });
  draw();
}

function move(from, to) {
  const next = T.moveClip(timeline, from, to);
  if (next === timeline) return;
  const name = timeline.clips[from].name;
  change(next, Math.max(0, Math.min(to, timeline.clips.length - 1)));
  announce(`${name} moved to position ${Math.max(0, Math.min(to, timeline.clips.length - 1)) + 1}`);
}

function readSettings(event) {
  const form = $("#settings");
  const number = (name) => { const v = form.elements[name].value; return v === "" ? null : Number(v); };
  const song = assets.get(form.elements.song.value);
  change({
    ...timeline,
    timing: form.elements.timing.value,
    song: song ? { id: song.id, name: song.filename, duration: song.media?.duration } : null,
    loudness: form.elements["loudness-on"].checked ? number("loudness") : null,
    beatSync: form.elements["beat-sync"].checked ? form.elements["beat-mode"].value : "off",
    output: { width: number("width"), height: number("height"), fps: number("fps"), fit: form.elements.fit.value },
    voiceover: form.elements.voiceover.value
      ? { id: form.elements.voiceover.value, start: number("voiceover-start") ?? 0, depth: number("voiceover-depth") ?? 12 }
      : null,
    captionsFile: form.elements["captions-file"].value || null,
    captionsBurn: form.elements["captions-burn"].checked,
    captions: [...document.querySelectorAll("#captions li")].map((li) => ({
      text: li.querySelector(".caption-text").value,
      start: Number(li.querySelector(".caption-start").value) || 0,
      end: li.querySelector(".caption-end").value === "" ? null : Number(li.querySelector(".caption-end").value),
    })),
  }, undefined, event?.target?.closest?.("#captions") ? "captions" : null);
  form.elements["beat-mode"].disabled = !form.elements["beat-sync"].checked;
}

function draw(focusIndex) {
  const list = $("#clips");
  list.textContent = "";
  timeline.clips.forEach((clip, i) => list.append(clipRow(clip, i)));
  $("#clips-empty").hidden = timeline.clips.length > 0;
  $("#scrub").hidden = timeline.clips.length === 0;
  $("#total").textContent = `${timeline.clips.length} clips · cuts at ${T.plannedCuts(timeline).map((c) => c.toFixed(2)).join(", ") || "–"} s`;
  if (focusIndex !== undefined) list.querySelector(`li.clip[data-index="${focusIndex}"]`)?.focus();
  drawCaptions();
}

function clipRow(clip, i) {
  const last = timeline.clips.length - 1;
  const id = `clip-${i}`;
  const inField = h("input", { type: "number", id: `${id}-in`, min: 0, step: 0.1, value: clip.in, class: "trim-in" });
  const outField = h("input", { type: "number", id: `${id}-out`, min: 0, step: 0.1, value: clip.out ?? "", max: clip.duration ?? undefined, class: "trim-out" });
  const scrub = h("input", { type: "range", id: `${id}-scrub`, min: 0, max: clip.duration || 1, step: 0.04, value: clip.in });
  const problem = h("span", { class: "field-problem", role: "status" });
  const trim = () => {
    const [next, message] = T.trimClip(timeline, i, inField.value, outField.value);
    timeline = next;
    problem.textContent = message || "";
    for (const listener of listeners) listener(timeline);
  };
  inField.addEventListener("change", trim);
  outField.addEventListener("change", trim);
  inField.addEventListener("input", () => preview(clip, Number(inField.value)));
  outField.addEventListener("input", () => preview(clip, Number(outField.value)));
  scrub.addEventListener("input", () => preview(clip, Number(scrub.value)));
  const row = h("li", { class: "clip", draggable: "true", tabindex: "0", "data-index": i, "data-asset-id": clip.id, "aria-label": `Clip ${i + 1}: ${clip.name}` },
    h("div", { class: "clip-head" },
      h("span", { class: "handle", "aria-hidden": "true" }, "⠿"),
      h("strong", {}, `${i + 1}. ${clip.name}`),
      h("span", {}, ` ${seconds(T.clipLength(clip))} of ${seconds(clip.duration)}`),
      h("span", { class: "buttons" },
        h("button", { type: "button", disabled: i === 0, onclick: () => move(i, i - 1), "aria-label": `Move ${clip.name} up` }, "↑"),
        h("button", { type: "button", disabled: i === last, onclick: () => move(i, i + 1), "aria-label": `Move ${clip.name} down` }, "↓"),
        h("button", { type: "button", onclick: () => change(T.removeClip(timeline, i)), "aria-label": `Remove ${clip.name}` }, "✕"))),
    h("div", { class: "trim" },
      h("label", { for: inField.id }, "In (s)"), inField,
      h("label", { for: outField.id }, "Out (s)"), outField,
      h("label", { for: scrub.id }, "Scrub"), scrub, problem));
  row.addEventListener("keydown", (event) => {
    if (event.target !== row || !event.altKey) return;
    if (event.key === "ArrowUp") { event.preventDefault(); move(i, i - 1); }
    if (event.key === "ArrowDown") { event.preventDefault(); move(i, i + 1); }
  });
  if (i < last) row.append(joinControls(i));
  return row;
}

function joinControls(i) {
  const join = timeline.joins[i];
  const type = h("select", { id: `join-${i}-type`, class: "join-type" }, T.TRANSITIONS.map((t) => h("option", { value: t, selected: t === join.type }, t)));
  const duration = h("input", { type: "number", id: `join-${i}-duration`, class: "join-duration", min: 0, max: 5, step: 0.1, value: join.duration, disabled: join.type === "cut" });
  const update = () => {
    timeline = T.setJoin(timeline, i, type.value, duration.value);
    duration.disabled = type.value === "cut";
    for (const listener of listeners) listener(timeline);
  };
  type.addEventListener("change", update);
  duration.addEventListener("change", update);
  return h("div", { class: "join" },
    h("label", { for: type.id }, `Transition ${i + 1}→${i + 2}`), type,
    h("label", { for: duration.id }, "Duration (s)"), duration);
}

function preview(clip, time) {
  const video = $("#scrub-preview");
  const asset = assets.get(clip.id);
  if (!asset) return;
  if (video.dataset.assetId !== clip.id) {
    video.src = asset.content_url;
    video.dataset.assetId = clip.id;
  }
  if (Number.isFinite(time)) video.currentTime = Math.max(0, time);
  $("#scrub-label").textContent = `${clip.name} at ${seconds(time)}`;
}

function drawCaptions() {
  const list = $("#captions");
  if (document.activeElement && list.contains(document.activeElement)) return; // typing: keep the fields
  list.textContent = "";
  timeline.captions.forEach((caption, i) => {
    const id = `caption-${i}`;
    list.append(h("li", {},
      h("label", { for: `${id}-text` }, `Overlay ${i + 1}`), h("input", { id: `${id}-text`, class: "caption-text", value: caption.text, maxlength: 500 }),
      h("label", { for: `${id}-start` }, "from (s)"), h("input", { id: `${id}-start`, class: "caption-start", type: "number", min: 0, step: 0.1, value: caption.start }),
      h("label", { for: `${id}-end` }, "to (s)"), h("input", { id: `${id}-end`, class: "caption-end", type: "number", min: 0, step: 0.1, value: caption.end ?? "" })));
  });
}

async function render() {
  const error = $("#render-error");
  error.hidden = true;
  const found = T.problems(timeline);
  if (found.length) { showError(error, new Error(found.join("; "))); return; }
  try {
    const body = T.toRequest(timeline);
    const accepted = await submit("/api/mv/merge_videos", body);
    track(accepted, `Render of ${timeline.clips.length} clips`);
    announce("Render started");
  } catch (failure) {
    showError(error, failure);
  }
}
