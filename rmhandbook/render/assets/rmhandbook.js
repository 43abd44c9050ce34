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
        var text = scriptText(box);
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

  /* Placeholders such as [number] become small inline fields the reader can fill before copying.
     Built from DOM nodes only: page text never goes through innerHTML. */
  var PLACEHOLDER = /\[([^\[\]]{1,80})\]/g;
  var SKIP = "a, abbr, code, pre, button, input, textarea, script, style, .rmh-copy";

  function fieldWidth(field) {
    var n = Math.max((field.value || field.placeholder).length, 2);
    field.style.width = "calc(" + n + "ch + 0.8em)";
  }

  function addPlaceholderFields(box) {
    if (box.hasAttribute("data-rmh-fields")) return;
    box.setAttribute("data-rmh-fields", "");
    var walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) {
      var node = walker.currentNode;
      if (node.parentElement.closest(SKIP)) continue;
      if (node.nodeValue.indexOf("[") !== -1) nodes.push(node);
    }
    nodes.forEach(function (node) {
      var text = node.nodeValue, last = 0, match, parts = document.createDocumentFragment(), found = false;
      PLACEHOLDER.lastIndex = 0;
      while ((match = PLACEHOLDER.exec(text)) !== null) {
        var label = match[1].replace(/\s+/g, " ").trim();
        if (!label || text.charAt(match.index + match[0].length) === "(") continue;  // not a Markdown link
        found = true;
        parts.appendChild(document.createTextNode(text.slice(last, match.index)));
        var field = document.createElement("input");
        field.type = "text";
        field.className = "rmh-placeholder";
        field.placeholder = label;
        field.setAttribute("aria-label", t("fill_in", "Fill in") + ": " + label);
        field.setAttribute("autocomplete", "off");
        field.addEventListener("input", function (e) { fieldWidth(e.target); });
        fieldWidth(field);
        parts.appendChild(field);
        last = match.index + match[0].length;
      }
      if (!found) return;
      parts.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(parts, node);
    });
  }

  /* Plain text of inline content: one line, whitespace collapsed, fields as their value or [label]. */
  function inlineText(el) {
    var out = "";
    el.childNodes.forEach(function (node) {
      if (node.nodeType === 3) { out += node.nodeValue; return; }
      if (node.nodeType !== 1 || node.matches(".rmh-copy, script, style")) return;
      if (node.matches("input.rmh-placeholder")) {
        out += node.value.trim() || "[" + node.placeholder + "]";
      } else if (node.tagName === "BR") {
        out += " ";
      } else {
        out += inlineText(node);
      }
    });
    return out;
  }

  function oneLine(text) { return text.replace(/\s+/g, " ").trim(); }

  /* The text Copy puts on the clipboard: paragraphs joined by one blank line, each on one line,
     list items on their own lines. */
  function blocks(el, out) {
    el.childNodes.forEach(function (node) {
      if (node.nodeType === 3) { if (oneLine(node.nodeValue)) out.push(oneLine(node.nodeValue)); return; }
      if (node.nodeType !== 1 || node.matches(".rmh-copy, script, style")) return;
      if (node.matches("ul, ol")) {
        var ordered = node.tagName === "OL", lines = [];
        Array.prototype.forEach.call(node.children, function (li, i) {
          lines.push((ordered ? (i + 1) + ". " : "- ") + oneLine(inlineText(li)));
        });
        if (lines.length) out.push(lines.join("\n"));
      } else if (node.matches("blockquote, div, section")) {
        blocks(node, out);
      } else {
        var line = oneLine(inlineText(node));
        if (line) out.push(line);
      }
    });
    return out;
  }

  function scriptText(box) { return blocks(box, []).join("\n\n"); }

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

  // An item page reached through its catalog (a pitfall, a script, a pack) has no nav entry of its own,
  // and the theme then marks an unrelated entry (the home page) as active: the catalog's entry, which
  // the breadcrumb names, shows as the active one instead. Pages in the nav keep the theme's marking.
  function markCatalogActive() {
    var crumb = document.querySelector(".rmh-breadcrumb__catalog");
    if (!crumb) return;
    var here = location.href.split("#")[0];
    var links = document.querySelectorAll(".md-nav--primary a.md-nav__link");
    var inNav = Array.prototype.some.call(links, function (link) { return link.href.split("#")[0] === here; });
    if (inNav) return;
    var target = crumb.href.split("#")[0];
    links.forEach(function (link) {
      var isCatalog = link.href.split("#")[0] === target;
      link.classList.toggle("md-nav__link--active", isCatalog);
    });
  }

  // A page printed as it is (the whole handbook, a pocket card): a Print button where the page asks
  // for one; `data-rmh-print` names the button's message (default: "print_book").
  var PRINT_LABELS = { print: "Print", print_book: "Print the handbook" };
  function addPrintButton() {
    document.querySelectorAll("[data-rmh-print]").forEach(function (box) {
      if (box.querySelector(".rmh-print-button")) return;
      var label = box.getAttribute("data-rmh-print") || "print_book";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button md-button--primary rmh-print-button";
      button.textContent = t(label, PRINT_LABELS[label] || PRINT_LABELS.print);
      button.addEventListener("click", function () { window.print(); });
      box.appendChild(button);
    });
  }

  function init() {
    addPrintButton();
    document.querySelectorAll(".rmh-script").forEach(addPlaceholderFields);
    addCopyButtons(document);
    markCatalogActive();
  }

  window.RMH.onPage(init);  // onpage.js: on load, and after each instant page change
})();
