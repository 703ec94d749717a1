// Small DOM helpers: building elements without innerHTML (nothing a server or user sends
// is ever parsed as markup), announcing to screen readers, formatting numbers.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name in element && typeof value !== "string") element[name] = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Says something to screen readers (and shows it) through the page's live region. */
export function announce(message) {
  const region = $("#announcer");
  if (region) region.textContent = message;
}

export function seconds(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const m = Math.floor(value / 60);
  const s = value - m * 60;
  return m ? `${m}:${s.toFixed(2).padStart(5, "0")}` : `${s.toFixed(2)} s`;
}

export function bytes(value) {
  if (!Number.isFinite(value)) return "–";
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (value >= 1000 && i < units.length - 1) { value /= 1000; i += 1; }
  return `${value.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function usd(value) { return Number.isFinite(value) ? `$${value.toFixed(value < 1 ? 3 : 2)}` : "–"; }

/** Shows an error in `element` (a role=alert box); an APIError says what to do too. */
export function showError(element, error) {
  element.hidden = false;
  element.textContent = error.explanation || error.message || String(error);
}
