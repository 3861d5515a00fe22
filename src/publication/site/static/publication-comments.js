/* Comments on request (publication.site.comments).
 *
 * The page carries a "Load comments" button whose data-* attributes are giscus's settings. Until the
 * reader presses it, nothing is requested from giscus.app; then giscus's client script is added with
 * those attributes. Unless the site fixed a giscus theme, the comments follow furo's light or dark mode,
 * including later changes made with furo's theme toggle or by the system.
 */
(() => {
  "use strict";

  const GISCUS = "https://giscus.app";
  const button = document.querySelector("section.comments button.comments-load");
  if (!button) return;
  const followTheme = !button.dataset.theme;
  const systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  /* furo keeps the reader's choice in <body data-theme="auto|light|dark">. */
  function furoTheme() {
    const chosen = document.body.dataset.theme;
    if (chosen === "light" || chosen === "dark") return chosen;
    return systemDark.matches ? "dark" : "light";
  }

  function retheme() {
    const frame = document.querySelector("iframe.giscus-frame");
    if (frame && frame.contentWindow) {
      frame.contentWindow.postMessage({ giscus: { setConfig: { theme: furoTheme() } } }, GISCUS);
    }
  }

  function load() {
    const script = document.createElement("script");
    for (const [key, value] of Object.entries(button.dataset)) script.dataset[key] = value;
    if (followTheme) script.dataset.theme = furoTheme();
    script.src = `${GISCUS}/client.js`;
    script.crossOrigin = "anonymous";
    script.async = true;
    button.after(script);
    button.disabled = true;
    button.textContent = "Loading comments…";
    script.addEventListener("load", () => button.remove());
    script.addEventListener("error", () => {
      button.textContent = "The comments could not be loaded.";
    });
    if (followTheme) {
      new MutationObserver(retheme).observe(document.body, { attributes: true, attributeFilter: ["data-theme"] });
      systemDark.addEventListener("change", retheme);
    }
  }

  button.hidden = false; // without this script the button could do nothing, so it starts hidden
  button.addEventListener("click", load, { once: true });
})();
