/* rmhandbook: small enhancements for the generated pages. No network, no dependencies. */
(function () {
  "use strict";

  function t(key, fallback) {
    var table = window.RMH_MESSAGES || {};
    return table[key] || fallback;
  }

  function addCopyButtons(root) {
    root.querySelectorAll(".rmh-script").forEach(function (box) {
      if (box.querySelector(":scope > .rmh-copy")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "rmh-copy";
      button.textContent = t("copy", "Copy");
      button.setAttribute("aria-label", t("copy_label", "Copy the script text"));
      button.addEventListener("click", function () {
        var clone = box.cloneNode(true);
        clone.querySelectorAll(".rmh-copy").forEach(function (b) { b.remove(); });
        var text = clone.innerText.trim();
        var done = function () {
          button.textContent = t("copied", "Copied");
          setTimeout(function () { button.textContent = t("copy", "Copy"); }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
        } else {
          fallbackCopy(text);
          done();
        }
      });
      box.insertBefore(button, box.firstChild);
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more we can do */ }
    area.remove();
  }

  function init() { addCopyButtons(document); }

  window.RMH.onPage(init);  // onpage.js: on load, and after each instant page change
})();
