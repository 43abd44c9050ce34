/* rmhandbook forms: working documents filled in the browser, printed blank or as filled.
 *
 * Every field carries its stable id (`data-field="form-id/field-id"`); its value is kept in
 * localStorage under that id, scoped to this site like the checklist ticks, so an answer
 * survives a reload and edits to the handbook that do not touch the field. Nothing is sent
 * anywhere. No network, no libraries.
 */
(function () {
  "use strict";

  var t = window.RMH.t;
  var storage = window.RMH.storage;  // null in private mode: answers last until the page is left
  function scope() { return window.RMH.scope("form:"); }

  function inputs(field) { return Array.prototype.slice.call(field.querySelectorAll("input.rmh-input, textarea.rmh-input")); }
  function fields(root) { return Array.prototype.slice.call(root.querySelectorAll(".rmh-field[data-field]")); }
  function isChoice(input) { return input.type === "radio" || input.type === "checkbox"; }

  // A field's value as text: the typed text, or the picked options' numbers joined by commas.
  function read(field) {
    var all = inputs(field);
    if (all.length && isChoice(all[0])) {
      return all.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).join(",");
    }
    return all.length ? all[0].value : "";
  }

  function write(field, value) {
    var all = inputs(field);
    if (all.length && isChoice(all[0])) {
      var picked = value ? value.split(",") : [];
      all.forEach(function (i) { i.checked = picked.indexOf(i.value) >= 0; });
    } else if (all.length) {
      all[0].value = value;
    }
    mark(field, value);
  }

  // print.css shows lines to write on for an empty field and the answer for a filled one
  function mark(field, value) {
    if (value) field.setAttribute("data-filled", ""); else field.removeAttribute("data-filled");
    var area = field.querySelector("textarea");
    if (area) {  // grow with the text, so a filled answer prints whole
      area.style.height = "";
      if (value) area.style.height = area.scrollHeight + 2 + "px";
    }
  }

  function load(id) { return storage ? storage.getItem(scope() + id) || "" : ""; }
  function save(id, value) {
    if (!storage) return;
    if (value) storage.setItem(scope() + id, value); else storage.removeItem(scope() + id);
  }

  function button(label, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "rmh-checklist-toolbar__button " + className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // Print blank: empty the page's fields for the print only (stored answers stay), then put them back.
  function print(form, blank) {
    var kept = fields(form).map(function (f) { return [f, read(f)]; });
    if (blank) kept.forEach(function (pair) { write(pair[0], ""); });
    var restored = false;
    var done = function () {
      if (restored) return;
      restored = true;
      window.removeEventListener("afterprint", done);
      if (blank) kept.forEach(function (pair) { write(pair[0], pair[1]); });
    };
    window.addEventListener("afterprint", done);
    window.print();
    // print() returns once the dialog closes in most browsers; some never fire afterprint
    setTimeout(done, 0);
  }

  function fillToolbar(bar, form) {
    if (bar.getAttribute("data-ready")) return;
    bar.setAttribute("data-ready", "1");
    bar.appendChild(button(t("form_clear", "Clear answers"), "rmh-form-clear", function () {
      if (!window.confirm(t("form_clear_confirm", "Clear every answer on this form?"))) return;
      fields(form).forEach(function (f) { save(f.getAttribute("data-field"), ""); write(f, ""); });
    }));
    bar.appendChild(button(t("form_print_blank", "Print blank"), "rmh-form-print-blank", function () { print(form, true); }));
    bar.appendChild(button(t("form_print_filled", "Print as filled"), "rmh-form-print-filled", function () { print(form, false); }));
  }

  function init() {
    document.querySelectorAll(".rmh-form[data-form]").forEach(function (form) {
      fields(form).forEach(function (field) {
        var id = field.getAttribute("data-field");
        write(field, load(id));
        if (field._rmhBound) return;
        field._rmhBound = true;
        var update = function () { var v = read(field); save(id, v); mark(field, v); };
        field.addEventListener("input", update);
        field.addEventListener("change", update);
      });
      var bar = document.querySelector('.rmh-form-toolbar[data-form-toolbar="' + form.getAttribute("data-form") + '"]');
      if (bar) fillToolbar(bar, form);
    });
  }

  // another tab changed an answer: show it here too
  window.addEventListener("storage", function (event) {
    if (!event.key || event.key.indexOf(scope()) !== 0) return;
    var id = event.key.slice(scope().length);
    fields(document).forEach(function (f) { if (f.getAttribute("data-field") === id) write(f, event.newValue || ""); });
  });

  window.RMH.onPage(init);  // onpage.js: on load, and after each instant page change
})();
