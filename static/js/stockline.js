// Small behaviours htmx leaves to the page. htmx itself comes from django-htmx's static files.
document.addEventListener("htmx:beforeSwap", (event) => {
  // Validation errors come back as 422 with the form re-rendered: show them.
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("change", (event) => {
  // "Select all" checkbox for tables with a selection.
  const all = event.target.closest("[data-select-all]");
  if (!all) return;
  const scope = document.querySelector(all.dataset.selectAll);
  if (scope) scope.querySelectorAll("input[type=checkbox][name]").forEach((box) => { box.checked = all.checked; });
});
// The side menu starts open on wide screens and folded on phones.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  if (toggle) toggle.open = window.matchMedia("(min-width: 900px)").matches;
});
