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
// Scanner forms (form.scanner-form). A handheld scanner types the code, then Enter. Enter moves
// to the next empty scan step (fields with data-scan) and submits only after the last one, once
// every required field holds something; Enter in an empty required field does nothing. The
// server puts autofocus on the field it wants next and empties a refused one (aria-invalid);
// on load that field (else the first empty step) gets the cursor, its text selected so that a
// scan replaces it. Ctrl+] is the GS keystroke keyboard-wedge scanners send between GS1 fields:
// it is typed as ASCII 29, which the server reads as the separator (inventory/scanning.py).
(() => {
  const TYPED = "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
    + ":not([type=submit]):not([type=button]):not([type=file]):not([disabled]):not([readonly])";
  const isEmpty = (field) => field.value.trim() === "";
  const place = (field) => {
    field.focus();
    if (!isEmpty(field) && typeof field.select === "function") field.select();
  };
  const after = (field, others) => others.filter(
    (other) => field.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING,
  );

  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLInputElement) || !field.matches(TYPED)) return;
    const form = field.closest("form.scanner-form");
    if (!form) return;
    if (event.ctrlKey && (event.key === "]" || event.code === "BracketRight")) {
      event.preventDefault();
      try {
        field.setRangeText("\x1d", field.selectionStart, field.selectionEnd, "end");
      } catch (error) {
        field.value += "\x1d"; // number and date inputs have no selection
      }
      return;
    }
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault(); // never the browser's submit-on-Enter: the steps decide
    if (form.dataset.submitting) return;
    if (isEmpty(field) && field.required) return;
    const fields = Array.from(form.querySelectorAll(TYPED));
    const next = after(field, fields.filter((f) => f.hasAttribute("data-scan"))).find(isEmpty);
    if (next) {
      place(next);
      return;
    }
    const missing = fields.find((f) => f.required && isEmpty(f));
    if (missing) {
      place(missing);
      return;
    }
    form.requestSubmit();
  });
  document.addEventListener("submit", (event) => {
    // One scan, one request: an Enter arriving while the page reloads is dropped.
    if (event.target.matches("form.scanner-form")) event.target.dataset.submitting = "1";
  });
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form.scanner-form[data-submitting]").forEach((form) => {
      delete form.dataset.submitting;
    });
  });
  document.addEventListener("DOMContentLoaded", () => {
    const forms = Array.from(document.querySelectorAll("form.scanner-form"));
    // A page that puts the cursor elsewhere (a Start button) keeps it there.
    const form = forms.find((f) => f.querySelector("[aria-invalid=true]"))
      || forms.find((f) => f.querySelector("[autofocus]"))
      || (document.querySelector("[autofocus]") ? null : forms[0]);
    if (!form) return;
    const fields = Array.from(form.querySelectorAll(TYPED));
    const target = fields.find((f) => f.getAttribute("aria-invalid") === "true")
      || fields.find((f) => f.hasAttribute("autofocus") && isEmpty(f))
      || fields.find((f) => f.hasAttribute("data-scan") && isEmpty(f))
      || fields.find((f) => f.hasAttribute("autofocus"));
    if (target) place(target);
  });
})();

// Search-as-you-type (erp/lookups.py): the input asks its lookup view for matches as `q`,
// the matches arrive as a listbox under it; arrows move, Enter or a tap chooses, Escape
// closes. Without JavaScript the input is a plain text field and the form resolves the code.
(() => {
  const listOf = (input) => document.getElementById(input.getAttribute("aria-controls"));
  const optionsOf = (list) => [...list.querySelectorAll("[role=option]")];
  const close = (input) => {
    const list = listOf(input);
    if (list) list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };
  const mark = (input, index) => {
    const options = optionsOf(listOf(input));
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  };
  const choose = (input, option) => {
    input.value = option.dataset.value;
    close(input);
    // Listeners (the order form's ship-to list, the ATP check) react as if it were typed.
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };
  document.addEventListener("htmx:configRequest", (event) => {
    const input = event.detail.elt;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-lookup")) {
      event.detail.parameters.q = input.value;
    }
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const list = event.detail.target;
    if (!list.matches || !list.matches(".lookup-options")) return;
    const input = document.querySelector(`[aria-controls="${list.id}"]`);
    optionsOf(list).forEach((option, i) => { option.id = `${list.id}-${i}`; });
    const open = list.children.length > 0 && input === document.activeElement;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    input.removeAttribute("aria-activedescendant");
  });
  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-lookup")) return;
    const list = listOf(input);
    if (!list || list.hidden) return;
    const options = optionsOf(list);
    const current = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      mark(input, (current + step + options.length) % options.length);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();  // choose, do not submit the form yet
      choose(input, options[current]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(input);
    } else if (event.key === "Tab" && current >= 0) {
      choose(input, options[current]);
    }
  });
  // mousedown, not click: it comes before the input's blur closes the list.
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest(".lookup-options [role=option]");
    if (!option) return;
    event.preventDefault();
    const input = document.querySelector(`[aria-controls="${option.parentElement.id}"]`);
    if (input) choose(input, option);
  });
  document.addEventListener("focusout", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.hasAttribute("data-lookup")) {
      close(event.target);
    }
  });
})();
