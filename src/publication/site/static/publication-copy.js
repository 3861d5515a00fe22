/* Copy buttons on code blocks (publication.site.copy_buttons).
 *
 * Each highlighted block gets a button that copies its code, without line numbers, prompts and console
 * output (.linenos, .gp, .go) and without the final line break, so a pasted command does not run at once.
 * The button says what happened ("Copied", or how to copy by hand) next to itself and to screen readers
 * through a live region. navigator.clipboard needs a secure context; elsewhere (a site opened from a
 * LAN address) a hidden text area and the copy command do it. Without this script there is no button.
 */
(() => {
  "use strict";

  const SKIPPED = ".linenos, .gp, .go";
  const LABEL = "Copy to clipboard";
  const SHOWN_MS = 2000; // how long the button says what happened
  const ICON =
    '<svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" fill="none" stroke="currentColor"' +
    ' stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><rect x="8" y="8" width="12"' +
    ' height="12" rx="2"/><path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"/></svg>';

  let status = null; // one live region for the page, made on first use

  function codeOf(pre) {
    const copy = pre.cloneNode(true);
    // a line of output goes with its line break, leaving no blank line between commands
    copy.querySelectorAll(".go").forEach((output) => {
      const next = output.nextSibling;
      if (next?.nodeType === Node.TEXT_NODE) next.textContent = next.textContent.replace(/^\n/, "");
    });
    copy.querySelectorAll(SKIPPED).forEach((element) => element.remove());
    return copy.textContent.replace(/\n$/, "");
  }

  function byHand(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position: fixed; opacity: 0";
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (!copied) throw new Error("the browser refused to copy");
  }

  async function copy(text) {
    if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
    else byHand(text);
  }

  function announce(button, message, outcome) {
    if (!status) {
      status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.append(status);
    }
    status.textContent = message;
    button.dataset.status = message;
    button.classList.remove("copied", "failed");
    button.classList.add(outcome);
    clearTimeout(button.publicationTimer);
    button.publicationTimer = setTimeout(() => {
      delete button.dataset.status;
      button.classList.remove(outcome);
    }, SHOWN_MS);
  }

  function addButton(block) {
    const pre = block.querySelector("pre");
    if (!pre) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.title = LABEL;
    button.setAttribute("aria-label", LABEL);
    button.innerHTML = ICON;
    button.addEventListener("click", async () => {
      try {
        await copy(codeOf(pre));
        announce(button, "Copied", "copied");
      } catch {
        announce(button, "Could not copy: select the text and copy it", "failed");
      }
    });
    block.append(button);
  }

  document.querySelectorAll("div.highlight").forEach(addButton);
})();
