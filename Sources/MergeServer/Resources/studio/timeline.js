// The timeline being edited, as plain data, and the pure functions that change it.
// No DOM here: the browser tests import this module and check it directly.

/** Every transition `merge_videos` accepts (the Transition enum of /openapi.yaml; a test keeps them equal). */
export const TRANSITIONS = [
  "cut", "fade", "wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "slideright", "slideup", "slidedown",
  "circlecrop", "rectcrop", "distance", "fadeblack", "fadewhite", "radial", "smoothleft", "smoothright", "smoothup",
  "smoothdown", "circleopen", "circleclose", "vertopen", "vertclose", "horzopen", "horzclose", "dissolve", "pixelize",
  "diagtl", "diagtr", "diagbl", "diagbr", "hlslice", "hrslice", "vuslice", "vdslice", "hblur", "fadegrays", "wipetl",
  "wipetr", "wipebl", "wipebr", "squeezeh", "squeezev", "zoomin", "fadefast", "fadeslow",
];

export function emptyTimeline() {
  return {
    clips: [], // {id, name, duration, in, out}
    joins: [], // one {type, duration} per join: clips.length - 1
    timing: "overlap",
    song: null, // {id, name, duration}
    loudness: -14,
    beatSync: "off", // off | beat | downbeat
    output: { width: null, height: null, fps: null, fit: "contain" },
    captions: [], // text overlays: {text, start, end}
    voiceover: null, // {id, start, depth}: a voice over the song, the song ducked by depth dB
    captionsFile: null, // the asset id of an SRT or WebVTT upload
    captionsBurn: true,
  };
}

/** Keeps one join per neighbouring pair, new joins a cut. */
function fitJoins(timeline) {
  const joins = timeline.joins.slice(0, Math.max(0, timeline.clips.length - 1));
  while (joins.length < timeline.clips.length - 1) joins.push({ type: "cut", duration: 0.5 });
  return { ...timeline, joins };
}

export function addClip(timeline, asset) {
  const duration = asset.media?.duration ?? asset.media?.video?.duration ?? null;
  const clip = { id: asset.id, name: asset.filename || asset.id, duration, in: 0, out: duration };
  return fitJoins({ ...timeline, clips: [...timeline.clips, clip] });
}

export function removeClip(timeline, index) {
  const clips = timeline.clips.filter((_, i) => i !== index);
  // The joins on either side of the removed clip become one: keep the one before it.
  const joins = timeline.joins.filter((_, i) => i !== Math.min(index, timeline.joins.length - 1));
  return fitJoins({ ...timeline, clips, joins });
}

/** Moves a clip from `from` to `to` (clamped); joins stay where they are (between positions). */
export function moveClip(timeline, from, to) {
  const last = timeline.clips.length - 1;
  to = Math.max(0, Math.min(last, to));
  if (from === to || from < 0 || from > last) return timeline;
  const clips = [...timeline.clips];
  const [clip] = clips.splice(from, 1);
  clips.splice(to, 0, clip);
  return { ...timeline, clips };
}

/** Sets a clip's in/out, kept inside the media and at least 0.1 s long. Returns [timeline, problem|null]. */
export function trimClip(timeline, index, inPoint, outPoint) {
  const clip = timeline.clips[index];
  const length = clip.duration ?? Infinity;
  let problem = null;
  let a = Number(inPoint);
  let b = outPoint === "" || outPoint === null || outPoint === undefined ? length : Number(outPoint);
  if (!Number.isFinite(a) || a < 0) { problem = "in must be a number of seconds ≥ 0"; a = 0; }
  if (!Number.isFinite(b) && b !== Infinity) { problem = "out must be a number of seconds"; b = length; }
  if (b > length) { problem = `out is past the clip's end (${length.toFixed(2)} s)`; b = length; }
  if (b - a < 0.1) { problem = "a clip must keep at least 0.1 s between in and out"; a = Math.max(0, Math.min(a, b - 0.1)); }
  const clips = timeline.clips.map((c, i) => (i === index ? { ...c, in: a, out: b === Infinity ? null : b } : c));
  return [{ ...timeline, clips }, problem];
}

export function setJoin(timeline, index, type, duration) {
  const joins = timeline.joins.map((j, i) => (i === index ? { type, duration: Math.max(0, Number(duration) || 0) } : j));
  return { ...timeline, joins };
}

export function clipLength(clip) {
  return clip.out === null || clip.out === undefined ? (clip.duration ?? 0) - clip.in : clip.out - clip.in;
}

/**
 * Where each join falls in the output before beat sync, as the server places them:
 * overlap — a transition overlaps both clips (each later join moves earlier by it);
 * preserve — every join stays where a hard cut would put it.
 */
export function plannedCuts(timeline) {
  const cuts = [];
  let end = 0;
  timeline.clips.forEach((clip, i) => {
    end += clipLength(clip);
    if (i === timeline.clips.length - 1) return;
    const join = timeline.joins[i];
    const overlap = join && join.type !== "cut" ? join.duration : 0;
    if (timeline.timing === "overlap") {
      end -= overlap;
      cuts.push(end + overlap / 2);
    } else cuts.push(end);
  });
  return cuts;
}

/** The `merge_videos` body for the timeline. */
export function toRequest(timeline) {
  const body = {
    clips: timeline.clips.map((c) => {
      const clip = { source: c.id };
      if (c.in > 0) clip.in = round(c.in);
      if (c.out !== null && c.out !== undefined && c.out !== c.duration) clip.out = round(c.out);
      return clip;
    }),
    timing: timeline.timing,
  };
  if (timeline.joins.length) {
    body.transitions = timeline.joins.map((j) => (j.type === "cut" ? { type: "cut" } : { type: j.type, duration: round(j.duration) }));
  }
  if (timeline.song) {
    body.audio = { source: timeline.song.id, loudness: timeline.loudness };
    if (timeline.beatSync !== "off") body.beat_sync = { mode: timeline.beatSync };
  } else if (timeline.loudness !== null) {
    body.audio = { loudness: timeline.loudness };
  }
  const o = timeline.output;
  const output = { fit: o.fit };
  if (o.width && o.height) { output.width = o.width; output.height = o.height; }
  if (o.fps) output.fps = o.fps;
  body.output = output;
  if (timeline.voiceover) {
    const v = timeline.voiceover;
    body.voiceover = { source: v.id, start: round(v.start || 0), ducking: { depth: v.depth } };
  }
  if (timeline.captionsFile) body.captions = { source: timeline.captionsFile, burn: timeline.captionsBurn };
  const captions = timeline.captions.filter((c) => c.text.trim());
  if (captions.length) {
    body.overlays = captions.map((c) => {
      const overlay = { text: c.text.trim(), start: round(c.start || 0), box: true };
      if (c.end) overlay.end = round(c.end);
      return overlay;
    });
  }
  return body;
}

function round(value) { return Math.round(value * 1000) / 1000; }

/** Problems that would make the server refuse the timeline, found before sending it. */
export function problems(timeline) {
  const list = [];
  if (!timeline.clips.length) list.push("add at least one clip");
  if (timeline.beatSync !== "off" && !timeline.song) list.push("beat sync needs a song");
  timeline.joins.forEach((join, i) => {
    if (join.type === "cut") return;
    const shorter = Math.min(clipLength(timeline.clips[i]), clipLength(timeline.clips[i + 1]));
    if (join.duration > shorter / 2) list.push(`join ${i + 1}: a ${join.type} may last at most half the shorter clip (${(shorter / 2).toFixed(2)} s)`);
  });
  return list;
}
