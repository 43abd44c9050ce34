/* rmhandbook: the home page's role entries. A click remembers the role (localStorage, scoped to this
 * site like the ticks); on return the chosen role is marked and "your next steps" lists its first
 * unticked checklist items with the progress so far, read from the role's own checklist page
 * (same site, fetched once; no data in the page's scripts). Without storage or fetch, the entries
 * are plain links.
 */
(function () {
  "use strict";

  var t = window.RMH.t;
  function ticks() { return window.RMH.ticks || null; }
  function roleKey() { return window.RMH.scope("role"); }
  function roleOf(entry) {
    var m = /rmh-role-entry--(\S+)/.exec(entry.className);
    return m ? m[1] : null;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function showNextSteps(box, role, name, source) {
    fetch(source.href, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var seen = {}, total = 0, done = 0, open = [];
      doc.querySelectorAll(".rmh-checklist__item[data-item]").forEach(function (item) {
        var id = item.getAttribute("data-item");
        if (seen[id]) return;
        seen[id] = true;
        total += 1;
        if (ticks().load(id)) { done += 1; return; }
        if (open.length < 3) {
          var group = item.closest(".rmh-step-group");
          var step = group && group.querySelector("h3 a");
          open.push({ text: item.querySelector(".rmh-checklist__text").textContent, step: step });
        }
      });
      box.textContent = "";
      box.appendChild(el("h2", "", t("your_next_steps", "Your next steps as {role}").replace("{role}", name)));
      var progress = el("p", "rmh-next__progress", t("done_count", "{done} of {total} done")
        .replace("{done}", done).replace("{total}", total));
      box.appendChild(progress);
      if (open.length) {
        var list = el("ol");
        open.forEach(function (o) {
          var li = el("li", "", o.text);
          if (o.step) {
            var a = el("a", "", o.step.textContent);
            a.href = new URL(o.step.getAttribute("href"), source.href).href;
            li.appendChild(document.createTextNode(" ("));
            li.appendChild(a);
            li.appendChild(document.createTextNode(")"));
          }
          list.appendChild(li);
        });
        box.appendChild(list);
      } else {
        box.appendChild(el("p", "", t("all_done", "Everything on your checklist is ticked.")));
      }
      var more = el("a", "", t("open_checklist", "Open your checklist"));
      more.href = source.href;
      box.appendChild(el("p")).appendChild(more);
      box.className = "rmh-next rmh-screen-only rmh-next--" + role;
      box.hidden = false;
    }).catch(function () { box.hidden = true; });
  }

  function init(doc) {
    var picker = doc.querySelector(".rmh-role-picker");
    var storage = window.RMH.storage;
    if (!picker || !ticks() || !storage) return;
    var entries = picker.querySelectorAll(".rmh-role-entry");
    entries.forEach(function (entry) {
      var link = entry.querySelector("a.rmh-role-entry__link");
      if (!link || link._rmhBound) return;
      link._rmhBound = true;
      link.addEventListener("click", function () { storage.setItem(roleKey(), roleOf(entry)); });
    });
    var chosen = storage.getItem(roleKey());
    var box = doc.querySelector(".rmh-next");
    entries.forEach(function (entry) {
      var mine = roleOf(entry) === chosen;
      entry.classList.toggle("rmh-role-entry--chosen", mine);
      var link = entry.querySelector("a.rmh-role-entry__link");
      if (mine && link) {
        link.setAttribute("aria-describedby", "rmh-your-role");
        if (!doc.getElementById("rmh-your-role")) {
          var badge = el("span", "rmh-role-entry__yours", t("your_role", "Your role"));
          badge.id = "rmh-your-role";
          entry.insertBefore(badge, entry.firstChild);
        }
        var source = box && box.querySelector(".rmh-next__source--" + chosen);
        if (source) showNextSteps(box, chosen, link.textContent, source);
      }
    });
  }

  window.RMH.onPage(init);  // onpage.js
})();
