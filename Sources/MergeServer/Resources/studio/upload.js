// Uploads: drop files on the zone or pick them; each gets a row with a progress bar,
// then its probe (duration, size, fps) and a thumbnail from the server's copy.

import { upload } from "./api.js";
import { h, $, announce, seconds, bytes } from "./dom.js";

export function setUpUploads({ onAsset }) {
  const zone = $("#dropzone");
  const picker = $("#file-picker");
  const list = $("#uploads");

  picker.addEventListener("change", () => { sendAll([...picker.files]); picker.value = ""; });
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    sendAll([...event.dataTransfer.files]);
  });

  function sendAll(files) {
    // Several at once: each upload runs on its own, with its own bar.
    return Promise.all(files.map(send));
  }

  async function send(file) {
    const bar = h("progress", { max: 1, value: 0, "aria-label": `Upload of ${file.name}` });
    const status = h("span", { class: "status" }, "uploading…");
    const row = h("li", { class: "upload" }, h("div", { class: "thumb", "aria-hidden": "true" }), h("div", { class: "facts" }, h("strong", {}, file.name), bar, status));
    list.append(row);
    try {
      const asset = await upload(file, (fraction) => { bar.value = fraction; });
      status.textContent = "";
      status.append(...describe(asset));
      row.querySelector(".thumb").replaceWith(thumbnail(asset));
      row.dataset.assetId = asset.id;
      row.dataset.kind = asset.kind;
      announce(`${file.name} uploaded`);
      onAsset(asset, row);
    } catch (error) {
      row.classList.add("failed");
      status.textContent = `failed: ${error.explanation || error.message}`;
      status.setAttribute("role", "alert");
    }
  }
  return { sendAll };
}

/** The probe in words (kind first, so the list reads without its thumbnails or colours). */
export function describe(asset) {
  const m = asset.media || {};
  const facts = [asset.kind, seconds(m.duration), bytes(asset.size_bytes)];
  if (m.video) facts.push(`${m.video.width}×${m.video.height}`, `${Number(m.video.fps || 0).toFixed(2)} fps`);
  if (m.audio) facts.push(`${m.audio.sample_rate / 1000} kHz ${m.audio.channels === 1 ? "mono" : `${m.audio.channels} ch`}`);
  return [h("span", { class: "probe" }, facts.join(" · "))];
}

/** A frame of the server's copy: an image as is, a video paused just after its start. */
export function thumbnail(asset) {
  if (asset.kind === "image") return h("img", { class: "thumb", src: asset.content_url, alt: "" });
  if (asset.kind === "video") {
    return h("video", { class: "thumb", src: `${asset.content_url}${asset.content_url.includes("#") ? "" : "#t=0.5"}`, preload: "metadata", muted: true, "aria-hidden": "true", tabindex: "-1" });
  }
  return h("div", { class: "thumb audio", "aria-hidden": "true" }, "♪");
}
