// The Import page: while the server reads (or imports) the uploaded file, say so.
// Progressive: without this script the forms work the same; nothing here is inline (CSP).
"use strict";

function sizeOf(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  if (bytes >= 1024) return Math.round(bytes / 1024) + " kB";
  return bytes + " bytes";
}

function describe(form) {
  const verb = form.dataset.progress;
  const input = form.querySelector("input[type=file]");
  const file = input && input.files && input.files[0];
  if (file) return verb + " " + file.name + " (" + sizeOf(file.size) + ")…";
  return verb + " the file…";
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.progress) return;
  const note = form.querySelector("[data-progress-note]");
  if (!note) return;
  note.querySelector("span").textContent = describe(form);
  note.hidden = false;
  form.setAttribute("aria-busy", "true");
  for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
});

// Back to the page from the browser's cache: the form is usable again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-progress]")) {
    form.removeAttribute("aria-busy");
    const note = form.querySelector("[data-progress-note]");
    if (note) note.hidden = true;
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
  }
});
