// Signing in: a key typed here is kept in this tab's session storage and sent as a
// bearer token; a server with no keys answers loopback callers without one. The
// catalog (/api/models) says which providers are real and which models the mock plays.

import { apiKey, setAPIKey, get } from "./api.js";
import { h, $, announce, showError } from "./dom.js";

export async function setUpSignIn({ onCatalog }) {
  const form = $("#signin");
  const input = $("#api-key");
  const state = $("#signin-state");
  const error = $("#signin-error");
  input.value = apiKey();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setAPIKey(input.value.trim());
    await load();
  });
  $("#signout").addEventListener("click", async () => {
    setAPIKey("");
    input.value = "";
    await load();
  });

  async function load() {
    error.hidden = true;
    try {
      const catalog = await get("/api/models");
      state.textContent = apiKey() ? "Signed in with a key." : "No key: a local server without keys lets this page in.";
      showProviders(catalog);
      onCatalog(catalog);
      announce("Catalog loaded");
      return catalog;
    } catch (failure) {
      state.textContent = "Not signed in.";
      showError(error, failure);
      if (failure.status === 401) input.focus();
      return null;
    }
  }
  return load();
}

/** Mock mode is a sentence with the word MOCK in it, not only a colour. */
function showProviders(catalog) {
  const box = $("#providers");
  const byProvider = new Map();
  for (const model of catalog.models) {
    if (model.provider === "mock") continue;
    byProvider.set(model.provider, (byProvider.get(model.provider) || false) || model.available);
  }
  const real = [...byProvider].filter(([, available]) => available).map(([name]) => name);
  box.textContent = "";
  box.className = real.length ? "providers real" : "providers mock";
  box.append(
    h("strong", {}, real.length ? `Live providers: ${real.join(", ")}` : "MOCK MODE"),
    " ",
    real.length
      ? "Models of other providers are played by the mock (free, synthesized locally)."
      : "No provider key is set: every model is played by the mock provider — clips are synthesized locally and cost nothing.",
    h("ul", { class: "provider-list" }, [...byProvider].map(([name, available]) => h("li", {}, `${name}: ${available ? "available" : "mock"}`))),
  );
}
