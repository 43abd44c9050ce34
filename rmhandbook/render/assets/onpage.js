/* rmhandbook: run a script's set-up on every page a reader sees, the one bootstrap all our scripts share.
 *
 * Loaded before the other scripts (export.asset_files() lists it first; a test checks the built
 * pages), so they may call window.RMH.onPage(fn) at their top level. fn(document) runs once per
 * page: with Material, through document$, which also fires when instant navigation swaps the page
 * in without a reload; without Material (an exported handbook in another site generator), once
 * when the page has loaded. fn must tolerate running again on content it has already set up.
 */
(function () {
  "use strict";

  var RMH = window.RMH = window.RMH || {};

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
