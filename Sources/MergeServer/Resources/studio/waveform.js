// The song as a picture: the server's peaks (min/max pairs) on a <canvas>, beats as
// thin lines, downbeats thick, sections as bands, the planned cuts dashed; click to seek,
// zoom in and out around the play head. Beat lines are drawn in pure colours at exact
// pixel columns so the browser tests can find them by reading the canvas.

/** Merges `peaks` (min/max pairs) into `width` buckets: each bucket takes the extremes of the pairs it covers. */
export function rebucket(peaks, width) {
  const out = [];
  const n = peaks.length;
  if (!n || width < 1) return out;
  for (let b = 0; b < width; b += 1) {
    const start = Math.floor((b * n) / width);
    const end = Math.max(start + 1, Math.floor(((b + 1) * n) / width));
    let low = Infinity;
    let high = -Infinity;
    for (let i = start; i < end && i < n; i += 1) {
      low = Math.min(low, peaks[i][0]);
      high = Math.max(high, peaks[i][1]);
    }
    out.push([low === Infinity ? 0 : low, high === -Infinity ? 0 : high]);
  }
  return out;
}

/** The visible window [start, end) in seconds for a zoom factor centred on `centre`, kept inside the song. */
export function viewWindow(duration, zoom, centre) {
  const span = duration / Math.max(1, zoom);
  let start = Math.max(0, centre - span / 2);
  start = Math.min(start, Math.max(0, duration - span));
  return { start, end: start + span };
}

export const timeToX = (t, view, width) => Math.round(((t - view.start) / (view.end - view.start)) * (width - 1));
export const xToTime = (x, view, width) => view.start + (x / Math.max(1, width - 1)) * (view.end - view.start);

export const COLOURS = { wave: "#4a5a70", beat: "#ff0000", downbeat: "#0000ff", cut: "#00a000", head: "#000000", section: "rgba(255, 200, 0, 0.18)", scene: "#c05800" };

export class Waveform {
  constructor(canvas, audio) {
    this.canvas = canvas;
    this.audio = audio;
    this.peaks = [];
    this.duration = 0;
    this.analysis = null;
    this.cuts = [];
    this.scenes = [];
    this.zoom = 1;
    canvas.addEventListener("click", (event) => this.seekTo(event));
    canvas.addEventListener("keydown", (event) => this.key(event));
    audio.addEventListener("timeupdate", () => this.draw());
  }

  set({ peaks, duration, analysis, cuts, scenes }) {
    if (scenes) this.scenes = scenes;
    if (peaks) this.peaks = peaks;
    if (duration) this.duration = duration;
    if (analysis !== undefined) this.analysis = analysis;
    if (cuts) this.cuts = cuts;
    this.draw();
  }

  view() { return viewWindow(this.duration, this.zoom, this.audio.currentTime || 0); }

  setZoom(zoom) { this.zoom = Math.max(1, Math.min(64, zoom)); this.draw(); return this.zoom; }

  seekTo(event) {
    const rect = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * this.canvas.width;
    this.audio.currentTime = Math.max(0, xToTime(x, this.view(), this.canvas.width));
    this.draw();
  }

  /** Arrow keys step a beat (or a second without beats); + and − zoom. */
  key(event) {
    const beats = this.analysis?.beats || [];
    const now = this.audio.currentTime || 0;
    let target = null;
    if (event.key === "ArrowRight") target = beats.find((b) => b > now + 0.01) ?? now + 1;
    if (event.key === "ArrowLeft") target = [...beats].reverse().find((b) => b < now - 0.01) ?? Math.max(0, now - 1);
    if (event.key === "+" || event.key === "=") this.setZoom(this.zoom * 2);
    if (event.key === "-") this.setZoom(this.zoom / 2);
    if (target !== null) { this.audio.currentTime = target; this.draw(); event.preventDefault(); }
  }

  draw() {
    const { canvas } = this;
    const ctx = canvas.getContext("2d");
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    if (!this.duration || !this.peaks.length) return;
    const view = this.view();
    // The peaks of the visible span only, one pair per pixel column.
    const first = Math.floor((view.start / this.duration) * this.peaks.length);
    const last = Math.ceil((view.end / this.duration) * this.peaks.length);
    const columns = rebucket(this.peaks.slice(first, Math.max(first + 1, last)), width);
    const mid = height / 2;
    for (const section of this.analysis?.sections || []) {
      // Alternate bands mark sections (starts listed by the analysis).
      const index = this.analysis.sections.indexOf(section);
      if (index % 2 === 1) continue;
      const next = this.analysis.sections[index + 1] ?? this.duration;
      ctx.fillStyle = COLOURS.section;
      ctx.fillRect(timeToX(section, view, width), 0, timeToX(next, view, width) - timeToX(section, view, width), height);
    }
    ctx.fillStyle = COLOURS.wave;
    columns.forEach(([low, high], x) => {
      const top = mid - high * (mid - 2);
      const bottom = mid - low * (mid - 2);
      ctx.fillRect(x, top, 1, Math.max(1, bottom - top));
    });
    const line = (t, colour, thickness, dashed = false) => {
      if (t < view.start || t > view.end) return;
      const x = timeToX(t, view, width);
      ctx.fillStyle = colour;
      if (!dashed) { ctx.fillRect(x - Math.floor(thickness / 2), 0, thickness, height); return; }
      for (let y = 0; y < height; y += 8) ctx.fillRect(x - 1, y, 2, 4);
    };
    const downbeats = new Set((this.analysis?.downbeats || []).map((t) => t.toFixed(3)));
    for (const beat of this.analysis?.beats || []) if (!downbeats.has(beat.toFixed(3))) line(beat, COLOURS.beat, 1);
    for (const downbeat of this.analysis?.downbeats || []) line(downbeat, COLOURS.downbeat, 3);
    for (const cut of this.cuts) line(cut, COLOURS.cut, 2, true);
    for (const scene of this.scenes) line(scene.start, COLOURS.scene, 2, true);
    line(this.audio.currentTime || 0, COLOURS.head, 1);
  }
}
