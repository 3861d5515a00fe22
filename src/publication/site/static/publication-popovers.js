/* Citation and footnote previews (publication.site.popovers).
 *
 * Hovering, focusing or tapping an in-text citation (a.footcite) or a footnote reference
 * (a.footnote-reference) shows the text of the footnote it points to in a popover: the formatted
 * reference with its DOI or arXiv link, without the footnote's label and back-links.
 *
 * - Mouse: shown on hover; moving from the link into the popover keeps it open, so its links can be used.
 * - Keyboard: shown on focus; Tab then walks into the popover's links, Escape hides it, leaving focus
 *   where it was; focus elsewhere hides it.
 * - Touch: the first tap shows it instead of jumping; a second tap on the link follows the link; a tap
 *   anywhere else hides it.
 * - Assistive technology: the popover is a role="tooltip" that describes the link (aria-describedby)
 *   while it is shown.
 *
 * The popover is placed right after the link in the document, so the Tab order reaches its links, and
 * positioned next to the link within the viewport. Without this script the links jump to the notes.
 */
(() => {
  "use strict";

  const LINKS = "a.footcite, a.footnote-reference";
  const HIDE_DELAY_MS = 200; // time to move the pointer from the link into the popover
  const MARGIN = 8; // px kept free between the popover and the viewport's edges

  let popover = null; // the one popover element, created on first use
  let current = null; // the link the popover is showing, or null
  let hideTimer = null;
  let lastPointerType = "mouse";
  let shownAtPointerDown = false; // whether a touch landed on a link whose popover was already open
  let restoringFocus = false; // Escape gives focus back to the link without reopening

  function previewable(link) {
    if (!link || link.closest(".publication-popover")) return null;
    const href = link.getAttribute("href") || "";
    if (!href.startsWith("#") || href.length < 2) return null;
    const note = document.getElementById(decodeURIComponent(href.slice(1)));
    return note && note.matches("aside.footnote, .footnote") ? note : null;
  }

  function ensurePopover() {
    if (popover) return popover;
    popover = document.createElement("div");
    popover.id = "publication-popover";
    popover.className = "publication-popover";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    // crossing the gap between link and popover must not close it
    popover.addEventListener("pointerenter", () => clearTimeout(hideTimer));
    return popover;
  }

  /* The note's text without its label and back-links, ids removed so they stay unique. */
  function contentOf(note) {
    const fragment = document.createDocumentFragment();
    for (const child of note.childNodes) {
      if (child.nodeType === Node.ELEMENT_NODE && child.matches(".label, .backrefs")) continue;
      const copy = child.cloneNode(true);
      if (copy.nodeType === Node.ELEMENT_NODE) {
        copy.removeAttribute("id");
        copy.querySelectorAll("[id]").forEach((element) => element.removeAttribute("id"));
      }
      fragment.appendChild(copy);
    }
    return fragment;
  }

  function show(link) {
    const note = previewable(link);
    if (!note) return;
    clearTimeout(hideTimer);
    if (current === link && !popover.hidden) return;
    if (current && current !== link) hide();
    const element = ensurePopover();
    element.replaceChildren(contentOf(note));
    link.after(element); // in the Tab order right after its link
    element.hidden = false;
    link.setAttribute("aria-describedby", element.id);
    current = link;
    place();
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!popover || popover.hidden) return;
    popover.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY_MS);
  }

  /* Below the link, or above it where there is more room there; always inside the viewport. */
  function place() {
    if (!current || !popover || popover.hidden) return;
    const viewportWidth = document.documentElement.clientWidth;
    const viewportHeight = document.documentElement.clientHeight;
    // 100vw in CSS would count a desktop scroll bar in
    popover.style.maxWidth = `min(32rem, ${Math.max(0, viewportWidth - 2 * MARGIN)}px)`;
    const anchor = current.getClientRects()[0] || current.getBoundingClientRect();
    const box = popover.getBoundingClientRect();
    let left = Math.min(anchor.left, viewportWidth - box.width - MARGIN);
    left = Math.max(MARGIN, left);
    const below = viewportHeight - anchor.bottom;
    let top = anchor.bottom + 4;
    if (box.height + 4 + MARGIN > below && anchor.top > below) {
      top = Math.max(MARGIN, anchor.top - box.height - 4);
    }
    popover.style.left = `${left}px`;
    popover.style.top = `${top}px`;
  }

  function linkOf(target) {
    return target instanceof Element ? target.closest(LINKS) : null;
  }

  function inside(node) {
    return Boolean(node && ((popover && popover.contains(node)) || (current && current.contains(node))));
  }

  // Hover is for mice and pens; a touch "hover" comes with the tap, which the click handler decides on.
  document.addEventListener("pointerover", (event) => {
    const link = linkOf(event.target);
    if (link && event.pointerType !== "touch") show(link);
  });
  document.addEventListener("pointerout", (event) => {
    if (event.pointerType === "touch" || !current || inside(event.relatedTarget)) return;
    if (inside(event.target)) scheduleHide();
  });
  document.addEventListener("focusin", (event) => {
    const link = linkOf(event.target);
    if (link && !restoringFocus) show(link);
    else if (!inside(event.target)) hide();
  });
  document.addEventListener("focusout", (event) => {
    // focus moving to nothing (a click on the popover's text, a tap) is left to the pointer handlers
    if (current && event.relatedTarget && !inside(event.relatedTarget)) hide();
  });
  document.addEventListener(
    "pointerdown",
    (event) => {
      lastPointerType = event.pointerType || "mouse";
      const link = linkOf(event.target);
      shownAtPointerDown = Boolean(link && link === current && popover && !popover.hidden);
      if (!link && !inside(event.target)) hide();
    },
    true,
  );
  document.addEventListener("click", (event) => {
    const link = linkOf(event.target);
    if (!link || !previewable(link)) return;
    // event.detail is 0 for a click made with the keyboard (Enter): that one always follows the link
    if (lastPointerType === "touch" && event.detail !== 0 && !shownAtPointerDown) {
      // a first tap previews instead of jumping away; the second one follows the link
      event.preventDefault();
      show(link);
      return;
    }
    hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !current) return;
    const link = current;
    const focusWasInside = popover.contains(document.activeElement);
    hide();
    if (focusWasInside) {
      // back to the link, without opening the popover again
      restoringFocus = true;
      link.focus({ preventScroll: true });
      restoringFocus = false;
    }
  });
  window.addEventListener("scroll", place, { passive: true });
  window.addEventListener("resize", place);
})();
