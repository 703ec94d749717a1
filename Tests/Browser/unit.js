// Unit tests of the studio's own logic, run inside the page by studio_test.py (the
// modules are imported as the page imports them; no Node). The body of an async
// function: it returns [{name, ok, detail}].
const T = await import("/studio/timeline.js");
const W = await import("/studio/waveform.js");
const G = await import("/studio/generate.js");
const results = [];
const check = (name, ok, detail = "") => results.push({ name, ok: Boolean(ok), detail: String(detail) });
const asset = (id, duration) => ({ id, filename: `${id}.mp4`, media: { duration } });

// timeline editing
let t = T.emptyTimeline();
for (const [id, d] of [["a", 4], ["b", 3], ["c", 5]]) t = T.addClip(t, asset(id, d));
check("three clips make two joins", t.joins.length === 2, t.joins.length);
let moved = T.moveClip(t, 0, 2);
check("moving the first clip last", moved.clips.map((c) => c.id).join("") === "bca", moved.clips.map((c) => c.id));
check("moving past the end clamps", T.moveClip(t, 2, 9).clips.map((c) => c.id).join("") === "abc");
check("moving nowhere returns the same timeline", T.moveClip(t, 1, 1) === t);
moved = T.moveClip(t, 2, 0);
check("moving the last clip first", moved.clips.map((c) => c.id).join("") === "cab");
let [trimmed, problem] = T.trimClip(t, 0, 1, 3);
check("a trim inside the clip", trimmed.clips[0].in === 1 && trimmed.clips[0].out === 3 && problem === null, problem);
[trimmed, problem] = T.trimClip(t, 0, 1, 9);
check("an out past the end is clamped and said", trimmed.clips[0].out === 4 && /past the clip's end/.test(problem), problem);
[trimmed, problem] = T.trimClip(t, 0, 3, 3);
check("in and out too close are kept 0.1 s apart", Math.abs(trimmed.clips[0].out - trimmed.clips[0].in - 0.1) < 1e-9 && problem, problem);
[trimmed, problem] = T.trimClip(t, 0, "x", 2);
check("a non-number in is refused", trimmed.clips[0].in === 0 && /number/.test(problem), problem);
let removed = T.removeClip(t, 1);
check("removing a clip removes one join", removed.clips.length === 2 && removed.joins.length === 1);
t = T.setJoin(t, 0, "fade", 1);
check("cuts overlap: a 1 s fade moves later joins earlier", JSON.stringify(T.plannedCuts(t)) === JSON.stringify([3.5, 6]), T.plannedCuts(t));
check("cuts preserve: joins where hard cuts would be", JSON.stringify(T.plannedCuts({ ...t, timing: "preserve" })) === JSON.stringify([4, 7]));
const body = T.toRequest({ ...t, song: { id: "s" }, beatSync: "downbeat", output: { width: 640, height: 360, fps: 25, fit: "blur" } });
check("the request names the clips in order", body.clips.map((c) => c.source).join("") === "abc");
check("the request's transitions", body.transitions[0].type === "fade" && body.transitions[0].duration === 1 && body.transitions[1].type === "cut" && !("duration" in body.transitions[1]));
check("the request's song, loudness and beat sync", body.audio.source === "s" && body.audio.loudness === -14 && body.beat_sync.mode === "downbeat");
check("the request's output", body.output.width === 640 && body.output.fit === "blur" && body.output.fps === 25);
check("no captions unless a caption file is chosen", !("captions" in body));
const captioned = T.toRequest({ ...t, captionsFile: "ast_c", captionsBurn: false });
check("a caption file as the request's captions", captioned.captions?.source === "ast_c" && captioned.captions?.burn === false, JSON.stringify(captioned.captions));
const voiced = T.toRequest({ ...t, voiceover: { id: "ast_v", start: 2.5, depth: 18 } });
check("a voice-over with its start and ducking", voiced.voiceover?.source === "ast_v" && voiced.voiceover.start === 2.5 && voiced.voiceover.ducking.depth === 18, JSON.stringify(voiced.voiceover));
check("no voice-over unless one is chosen", !("voiceover" in body));
check("no beat sync without a song is a problem", T.problems({ ...t, beatSync: "beat" }).some((p) => /song/.test(p)));
check("a fade longer than half a clip is a problem", T.problems(T.setJoin(t, 1, "fade", 2)).some((p) => /join 2/.test(p)));
check("every transition once", new Set(T.TRANSITIONS).size === T.TRANSITIONS.length && T.TRANSITIONS[0] === "cut");

// peaks bucketing
const peaks = Array.from({ length: 100 }, (_, i) => [-i / 100, i / 100]);
let r = W.rebucket(peaks, 10);
check("100 pairs into 10 buckets", r.length === 10 && r[0][1] === 0.09 && r[9][1] === 0.99 && r[9][0] === -0.99, JSON.stringify(r[9]));
r = W.rebucket(peaks, 1);
check("into one bucket: the extremes", r[0][0] === -0.99 && r[0][1] === 0.99);
r = W.rebucket([[-0.5, 0.5]], 4);
check("more buckets than pairs repeat the pair", r.length === 4 && r.every(([a, b]) => a === -0.5 && b === 0.5));
check("nothing to bucket", W.rebucket([], 10).length === 0);
let v = W.viewWindow(100, 4, 10);
check("a zoomed window is kept inside the song", v.start === 0 && v.end === 25, JSON.stringify(v));
v = W.viewWindow(100, 4, 99);
check("…at its end too", v.start === 75 && v.end === 100, JSON.stringify(v));
check("time to pixel and back", Math.abs(W.xToTime(W.timeToX(12.5, { start: 0, end: 25 }, 1001), { start: 0, end: 25 }, 1001) - 12.5) < 0.03);

// generation arithmetic
const model = { durations: [5, 10], price: { per_second: 0.05, per_request: 0.01 } };
check("a scene gets the shortest clip that covers it", G.clipDuration(model, 6) === 10 && G.clipDuration(model, 4.9) === 5 && G.clipDuration(model, 30) === 10);
check("a model without durations gets the scene's length", G.clipDuration({ durations: [] }, 3.2) === 4);
check("a clip's price", Math.abs(G.clipPrice(model, 10) - 0.51) < 1e-9);
return results;
