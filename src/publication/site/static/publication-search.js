/* Sphinx's search helpers, on demand (publication.site.search_scripts).
 *
 * "/" puts the cursor in the search box, as Sphinx's doctools.js does, unless the reader is typing in a
 * field or holds a modifier key. When the reader comes from the search page (which leaves the words in
 * localStorage) or a link with ?highlight=, Sphinx's own three scripts are loaded, in order, and
 * sphinx_highlight.js highlights the words as it does on any Sphinx site.
 */
(() => {
  "use strict";

  const SPHINX = ["documentation_options.js", "doctools.js", "sphinx_highlight.js"];
  const TYPING = new Set(["TEXTAREA", "INPUT", "SELECT", "BUTTON"]);
  const here = document.currentScript.src;

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.altKey || event.ctrlKey || event.metaKey) return;
    if (TYPING.has(document.activeElement?.tagName) || document.activeElement?.isContentEditable) return;
    const box = document.querySelector("input[name=q]");
    if (!box) return;
    box.focus();
    event.preventDefault();
  });

  let words = new URL(window.location.href).searchParams.has("highlight");
  try {
    words ||= Boolean(localStorage.getItem("sphinx_highlight_terms"));
  } catch {
    // storage may be turned off; then only ?highlight= counts
  }
  if (!words) return;
  for (const name of SPHINX) {
    const script = document.createElement("script");
    script.src = new URL(name, here).href;
    script.async = false; // run in the order added, like the tags Sphinx writes
    document.body.append(script);
  }
})();
