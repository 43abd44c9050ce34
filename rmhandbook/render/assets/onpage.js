/* rmhandbook: run a script's set-up on every page a reader sees, the one bootstrap all our scripts share.
 *
 * Loaded before the other scripts (export.asset_files() lists it first; a test checks the built
 * pages), so they may call window.RMH.onPage(fn) at their top level. fn(document) runs once per
 * page: with Material, through document$, which also fires when instant navigation swaps the page
 * in without a reload; without Material (an exported handbook in another site generator), once
 * when the page has loaded. fn must tolerate running again on content it has already set up.
 *
 * Next to it the helpers every script needs: RMH.t (a message in the page's language),
 * RMH.scope(suffix) (a localStorage key prefix for this site) and RMH.storage (localStorage,
 * or null where the browser refuses it).
 */
(function () {
  "use strict";

  var RMH = window.RMH = window.RMH || {};

  // A message in the handbook's language (messages.js), or the English fallback.
  RMH.t = function (key, fallback) {
    var table = window.RMH_MESSAGES || {};
    return table[key] || fallback;
  };

  // One handbook per site folder: two handbooks on one intranet host keep separate ticks and answers.
  RMH.scope = function (suffix) {
    var base = ".";
    var config = document.getElementById("__config");
    if (config) {
      try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* keep "." */ }
    }
    // a site in several languages (`en/` beside the root's): one scope for all of them, set by messages.js
    var root = window.RMH_SITE_ROOT;
    return "rmhandbook:" + new URL(root ? base + "/" + root : base, location.href).pathname + ":" + suffix;
  };

  RMH.storage = (function () {
    try {
      var probe = "rmhandbook:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;  // private mode or storage disabled: ticks and answers last until the page is left
    }
  })();

  // "2027-01-04" -> its midnight in UTC milliseconds, or null
  RMH.parseDate = function (text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : null;
  };

  // The program's start (program week 1) as "YYYY-MM-DD", or "" when none is kept: set on the overview's
  // timeline (timeline.js) and shared with the session plan's calendar (sessions.js).
  RMH.programStart = {
    key: function () { return RMH.scope("program:start"); },
    get: function () { return RMH.storage ? RMH.storage.getItem(RMH.programStart.key()) || "" : ""; },
    set: function (value) {
      if (!RMH.storage) return;
      if (value) RMH.storage.setItem(RMH.programStart.key(), value); else RMH.storage.removeItem(RMH.programStart.key());
    }
  };

  RMH.onPage = function (fn) {
    var run = function () { fn(document); };
    if (typeof window.document$ !== "undefined" && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(run);  // replays the current page, then every instant page change
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  };
})();
