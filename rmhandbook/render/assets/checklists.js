/* rmhandbook checklists: ticks remembered per item, progress, reset, print blank or as ticked.
 *
 * Every checklist item carries its stable id (`data-item="step-id/item-id"`); a tick is
 * stored in localStorage under that id, scoped to this site, so the same item shows the
 * same tick on the step page, the role and phase checklists and the facilitator pack,
 * and survives edits to the handbook that do not touch the item. No network, no libraries.
 */
(function () {
  "use strict";

  var t = window.RMH.t;
  var storage = window.RMH.storage;  // null in private mode: ticks last until the page is left
  function scope() { return window.RMH.scope("check:"); }

  function key(id) { return scope() + id; }
  function load(id) { return storage ? storage.getItem(key(id)) === "1" : false; }
  function save(id, done) {
    if (!storage) return;
    if (done) storage.setItem(key(id), "1"); else storage.removeItem(key(id));
  }

  // the home page reads the same ticks (home.js) and remembers the reader's role next to them
  window.RMH.ticks = { load: load, storage: storage, scope: scope };

  function boxes(root) {
    return Array.prototype.slice.call(root.querySelectorAll(".rmh-checklist__item[data-item] input.rmh-check"));
  }
  function itemId(box) { return box.closest(".rmh-checklist__item").getAttribute("data-item"); }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
  }

  function button(label, className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "rmh-checklist-toolbar__button " + className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  // A toolbar counts and resets the items in its scope: the whole article when the page
  // has its own toolbar (checklist and role pages), else the one checklist it sits above.
  function fillToolbar(bar, scopeEl) {
    if (bar.getAttribute("data-ready")) return;
    bar.setAttribute("data-ready", "1");
    if (!bar.getAttribute("role")) bar.setAttribute("role", "group");
    if (!bar.getAttribute("aria-label")) bar.setAttribute("aria-label", t("checklist_tools", "Checklist progress and printing"));
    var count = document.createElement("span");
    count.className = "rmh-checklist-toolbar__count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);
    bar.appendChild(button(t("reset", "Reset"), "rmh-reset", function () {
      if (!window.confirm(t("reset_confirm", "Clear every tick on this page?"))) return;
      boxes(scopeEl).forEach(function (box) {
        save(itemId(box), false);
        box.checked = false;
      });
      refresh();
    }));
    bar.appendChild(button(t("print_blank", "Print blank"), "rmh-print-blank-button", function () { print(true); }));
    bar.appendChild(button(t("print_ticked", "Print as ticked"), "rmh-print-ticked-button", function () { print(false); }));
    bar._rmhUpdate = function () {
      var all = boxes(scopeEl);
      var ids = {}, done = {};
      all.forEach(function (box) { var id = itemId(box); ids[id] = true; if (box.checked) done[id] = true; });
      var total = Object.keys(ids).length, n = Object.keys(done).length;
      count.textContent = format(t("done_count", "{done} of {total} done"), { done: n, total: total });
      bar.classList.toggle("rmh-checklist-toolbar--complete", total > 0 && n === total);
    };
  }

  function print(blank) {
    var root = document.documentElement;
    if (blank) root.classList.add("rmh-print-blank");
    var done = function () { root.classList.remove("rmh-print-blank"); window.removeEventListener("afterprint", done); };
    window.addEventListener("afterprint", done);
    window.print();
    // some browsers return from print() only after the dialog closes and never fire afterprint
    setTimeout(done, 0);
  }

  function roleOf(item) {
    var badge = item.querySelector(".rmh-role");
    var m = badge && /rmh-role--(\S+)/.exec(badge.className);
    return m ? { id: m[1], name: badge.textContent } : null;
  }

  // "Only my role": where a page mixes the items of several roles, buttons that show one role's
  // items (and the steps that have any); on screen only, since print counts on every item.
  function addRoleFilter(article) {
    if (article.querySelector(".rmh-role-filter") || !article.querySelector(".rmh-print-doc")) return;
    var items = Array.prototype.slice.call(article.querySelectorAll(".rmh-checklist__item[data-item]"));
    var roles = [], names = {};
    items.forEach(function (item) {
      var role = roleOf(item);
      if (role && !(role.id in names)) { names[role.id] = role.name; roles.push(role.id); }
    });
    if (roles.length < 2) return;
    var bar = document.createElement("div");
    bar.className = "rmh-role-filter";
    bar.setAttribute("role", "group");
    var label = document.createElement("span");
    label.className = "rmh-role-filter__label";
    label.id = "rmh-role-filter-label";
    label.textContent = t("filter_roles", "Show items for");
    bar.setAttribute("aria-labelledby", label.id);
    bar.appendChild(label);
    var buttons = [];
    function show(roleId) {
      items.forEach(function (item) {
        var role = roleOf(item);
        item.classList.toggle("rmh-filtered-out", roleId !== "" && (!role || role.id !== roleId));
      });
      article.querySelectorAll(".rmh-step-group, .rmh-checklist").forEach(function (group) {
        var any = group.querySelector(".rmh-checklist__item:not(.rmh-filtered-out)");
        group.classList.toggle("rmh-filtered-out", roleId !== "" && !any);
      });
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b._rmhRole === roleId)); });
    }
    [""].concat(roles).forEach(function (roleId) {
      var b = document.createElement("button");
      b.type = "button";
      b._rmhRole = roleId;
      b.className = roleId ? "rmh-filter--" + roleId : "";
      b.textContent = roleId ? names[roleId] : t("all_roles", "All roles");
      b.addEventListener("click", function () { show(roleId); });
      buttons.push(b);
      bar.appendChild(b);
    });
    var toolbar = article.querySelector(".rmh-checklist-toolbar");
    var anchor = toolbar || article.querySelector(".rmh-checklist");
    anchor.parentNode.insertBefore(bar, toolbar ? toolbar.nextSibling : anchor);
    show("");
  }

  function refresh() {
    document.querySelectorAll(".rmh-checklist-toolbar").forEach(function (bar) {
      if (bar._rmhUpdate) bar._rmhUpdate();
    });
  }

  function init() {
    var article = document.querySelector(".md-content") || document.body;
    var all = boxes(article);
    if (!all.length) return;
    all.forEach(function (box) {
      box.checked = load(itemId(box));
      if (box._rmhBound) return;
      box._rmhBound = true;
      box.addEventListener("change", function () {
        var id = itemId(box);
        save(id, box.checked);
        boxes(article).forEach(function (other) { if (itemId(other) === id) other.checked = box.checked; });
        refresh();
      });
    });
    var pageBars = article.querySelectorAll(".rmh-checklist-toolbar");
    if (pageBars.length) {
      pageBars.forEach(function (bar) { fillToolbar(bar, article); });
    } else {
      article.querySelectorAll(".rmh-checklist").forEach(function (list) {
        var bar = document.createElement("div");
        bar.className = "rmh-checklist-toolbar";
        list.parentNode.insertBefore(bar, list);
        fillToolbar(bar, list);
      });
    }
    addRoleFilter(article);
    refresh();
  }

  // another tab ticked something: show it here too
  window.addEventListener("storage", function (event) {
    if (!event.key || event.key.indexOf(scope()) !== 0) return;
    var id = event.key.slice(scope().length);
    document.querySelectorAll(".rmh-checklist__item[data-item] input.rmh-check").forEach(function (box) {
      if (itemId(box) === id) box.checked = event.newValue === "1";
    });
    refresh();
  });

  window.RMH.onPage(init);  // onpage.js: on load, and after each instant page change
})();
