/* rmhandbook: "you are here" on the overview's timeline.
 *
 * The reader gives the program's start date; program week 1 is the week that starts on that date, the
 * first week of the first phase on the timeline's scale (render/timeline.py). With a date, a line marks
 * today's week across the timeline, a sentence says where the program is ("week 7 of 30"), and the rows
 * whose weeks hold today say "now", the next ones "next"; rows before today get outlined bars. Without
 * a date (or without JavaScript) the timeline stays as built. The date is kept in this browser only,
 * under one key with one meaning (the program's start); the session plan's calendar, whose date is the
 * first meeting, converts through the timeline's data-meeting-one (sessions.js). Nothing is sent.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  var t = window.RMH.t;
  var kept = window.RMH.programStart;  // without storage (private mode) the date lasts until the page is left
  var parseDate = window.RMH.parseDate;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
  }

  function today() {
    var now = new Date();
    return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  }

  var load = kept.get, save = kept.set;

  // The program week of `day` for a program starting on `start` (both UTC midnights): week 1 holds the
  // start date and the six days after it; 0 and below are before the program.
  function weekOf(start, day) { return Math.floor(Math.round((day - start) / DAY) / 7) + 1; }

  function longDate(ms) {
    var lang = document.documentElement.lang || "en";
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(new Date(ms));
    } catch (e) {
      return new Date(ms).toISOString().slice(0, 10);
    }
  }

  function rows(tl) { return Array.prototype.slice.call(tl.querySelectorAll(".rmh-tl__row[data-first]")); }
  function span(row) { return [+row.getAttribute("data-first"), +row.getAttribute("data-last")]; }
  function phaseTitle(row) {
    var link = row.querySelector(".rmh-tl__phase-title");
    return link ? link.textContent : "";
  }

  function badge(row, text) {
    var old = row.querySelector(".rmh-tl__badge");
    if (old) old.remove();
    if (!text) return;
    var b = document.createElement("strong");
    b.className = "rmh-tl__badge";
    b.textContent = text;
    var label = row.querySelector(".rmh-tl__label");
    label.insertBefore(b, label.firstChild);
  }

  // The sentence under the date field: where the program stands on `day`
  function status(tl, start, day) {
    var weeks = +tl.getAttribute("data-weeks");
    var week = weekOf(start, day);
    if (week < 1) {
      var until = Math.ceil(Math.round((start - day) / DAY) / 7);
      return format(until === 1 ? t("here_before_one", "The program starts within a week, on {date}.")
                                : t("here_before", "The program starts in {n} weeks, on {date}."),
                    { n: until, date: longDate(start) });
    }
    if (week > weeks) {
      var ago = week - weeks;
      return format(ago === 1 ? t("here_after_one", "The program ended last week.")
                              : t("here_after", "The program ended {n} weeks ago."), { n: ago });
    }
    var phase = rows(tl).filter(function (row) {
      var s = span(row);
      return row.classList.contains("rmh-tl__row--phase") && s[0] <= week && week <= s[1];
    })[0];
    return format(t("here_now", "You are here: week {week} of {weeks} · Phase: {phase}"),
                  { week: week, weeks: weeks, phase: phase ? phaseTitle(phase) : "" });
  }

  // Marker, row states and sentence for the start date in the field (none: the timeline as built)
  function show(tl, box) {
    var start = parseDate(box.querySelector("input").value);
    var sentence = box.querySelector(".rmh-tl-here__status");
    var marker = tl.querySelector(".rmh-tl__here");
    var all = rows(tl);
    all.forEach(function (row) {
      row.classList.remove("rmh-tl__row--now", "rmh-tl__row--next", "rmh-tl__row--past");
      badge(row, "");
    });
    tl.classList.toggle("rmh-tl--dated", start !== null);
    if (start === null) {
      sentence.textContent = "";
      if (marker) marker.remove();
      tl.querySelectorAll(".rmh-tl__today").forEach(function (line) { line.remove(); });
      return;
    }
    var day = today();
    var weeks = +tl.getAttribute("data-weeks");
    var week = weekOf(start, day);
    sentence.textContent = status(tl, start, day);
    var steps = all.filter(function (row) { return !row.classList.contains("rmh-tl__row--phase"); });
    var upcoming = steps.map(function (row) { return span(row)[0]; }).filter(function (first) { return first > week; });
    var next = upcoming.length ? Math.min.apply(null, upcoming) : null;
    all.forEach(function (row) {
      var s = span(row);
      if (s[0] <= week && week <= s[1]) {
        row.classList.add("rmh-tl__row--now");
        badge(row, t("here_now_badge", "now"));
      } else if (s[1] < week) {
        row.classList.add("rmh-tl__row--past");
      } else if (s[0] === next && steps.indexOf(row) >= 0) {
        row.classList.add("rmh-tl__row--next");
        badge(row, t("here_next_badge", "next"));
      }
    });
    tl.querySelectorAll(".rmh-tl__today").forEach(function (line) { line.remove(); });
    if (week < 1 || week > weeks) {
      if (marker) marker.remove();
      return;
    }
    // the same line in every track: where labels stand above their tracks (phones), the line over the whole
    // timeline would cross the text, so there it is drawn only on the tracks (rmhandbook.css / timeline.css)
    tl.querySelectorAll("svg.rmh-tl__track").forEach(function (svg) {
      var line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("class", "rmh-tl__today");
      line.setAttribute("x1", String(week - 0.5));
      line.setAttribute("x2", String(week - 0.5));
      line.setAttribute("y1", "-2");
      line.setAttribute("y2", "12");
      svg.appendChild(line);
    });
    if (!marker) {
      marker = document.createElement("div");
      marker.className = "rmh-tl__here";
      marker.setAttribute("aria-hidden", "true");
      tl.appendChild(marker);
    }
    marker.setAttribute("data-week", String(week));
    // the middle of today's week on the tracks' scale (rmhandbook.css places it)
    marker.style.setProperty("--rmh-tl-here", String((week - 0.5) / weeks));
  }

  function field(tl) {
    var box = document.createElement("div");
    box.className = "rmh-tl-here";
    var p = document.createElement("p");
    p.className = "rmh-tl-here__field";
    var label = document.createElement("label");
    label.setAttribute("for", "rmh-tl-start");
    label.textContent = t("here_label", "When does your program start?");
    var input = document.createElement("input");
    input.type = "date";
    input.id = "rmh-tl-start";
    input.setAttribute("aria-describedby", "rmh-tl-start-hint");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "rmh-tl-here__clear";
    clear.textContent = t("here_clear", "Clear date");
    p.appendChild(label);
    p.appendChild(document.createTextNode(" "));
    p.appendChild(input);
    p.appendChild(document.createTextNode(" "));
    p.appendChild(clear);
    var hint = document.createElement("p");
    hint.className = "rmh-tl-here__hint";
    hint.id = "rmh-tl-start-hint";
    var first = tl.querySelector(".rmh-tl__row--phase");
    hint.textContent = format(t("here_hint", "Week 1 is the first week of “{phase}”. The date is kept in this browser only."),
                              { phase: first ? phaseTitle(first) : "" });
    var sentence = document.createElement("p");
    sentence.className = "rmh-tl-here__status";
    sentence.setAttribute("aria-live", "polite");
    box.appendChild(p);
    box.appendChild(hint);
    box.appendChild(sentence);
    input.value = load();
    var update = function () {
      if (input.value && parseDate(input.value) === null) return;  // a half-typed date
      save(input.value);
      show(tl, box);
    };
    input.addEventListener("change", update);
    input.addEventListener("input", update);
    clear.addEventListener("click", function () { input.value = ""; update(); input.focus(); });
    tl.parentNode.insertBefore(box, tl);
    return box;
  }

  function init() {
    var tl = document.querySelector(".rmh-tl[data-weeks]");
    if (!tl || !tl.querySelector(".rmh-tl__row[data-first]")) return;
    var box = tl.previousElementSibling;
    if (!box || !box.classList.contains("rmh-tl-here")) box = field(tl);
    else box.querySelector("input").value = load();
    show(tl, box);
  }

  // another tab set or cleared the date: show it here too
  window.addEventListener("storage", function (event) {
    if (event.key !== kept.key() && event.key !== null) return;
    var box = document.querySelector(".rmh-tl-here");
    var tl = document.querySelector(".rmh-tl[data-weeks]");
    if (!box || !tl) return;
    box.querySelector("input").value = load();
    show(tl, box);
  });

  window.RMH.onPage(init);  // onpage.js: on load, and after each instant page change
})();
