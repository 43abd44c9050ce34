/* rmhandbook: the session plan's calendar download (RFC 5545), written in the browser.
 *
 * The page embeds every event's texts as JSON at build time (sessionplan.py);
 * this script only adds dates: the same rule as `rmhandbook calendar`, so the
 * two files agree. Time zones come from the browser's own Intl data; nothing
 * is fetched and nothing is sent. Events are written as DTSTART;TZID=<zone>
 * with a VTIMEZONE for the program's dates, like the CLI's file.
 */
(function () {
  "use strict";

  var DAY = 86400000;
  var MINUTE = 60000;

  function t(key, fallback) {
    var table = window.RMH_MESSAGES || {};
    return table[key] || fallback;
  }

  // --- time zones through Intl ------------------------------------------------

  var formatters = {};
  function formatter(zone) {
    if (!formatters[zone]) {
      formatters[zone] = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit"
      });
    }
    return formatters[zone];
  }

  function validZone(zone) {
    if (!zone) return false;
    try { formatter(zone); return true; } catch (e) { return false; }
  }

  // The wall clock in `zone` at the instant `ms` (UTC milliseconds), as fields.
  function wallClock(ms, zone) {
    var parts = {};
    formatter(zone).formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
    return { y: +parts.year, mo: +parts.month, d: +parts.day, h: +parts.hour % 24, mi: +parts.minute, s: +parts.second };
  }

  // The zone's offset from UTC at the instant `ms`, in minutes (Berlin in summer: 120).
  function offsetAt(ms, zone) {
    var w = wallClock(ms, zone);
    var asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MINUTE);
  }

  // The instant of a wall-clock time in `zone`. Like Python's zoneinfo with fold=0: an ambiguous time
  // (clocks going back) is its first occurrence; a skipped time (clocks going forward) is read with the
  // offset in force before the change, so 02:30 on that day is the instant the clock shows 03:30.
  function instantOf(y, mo, d, h, mi, zone) {
    var wall = Date.UTC(y, mo - 1, d, h, mi);
    var before = offsetAt(wall - DAY, zone);
    var after = offsetAt(wall + DAY, zone);
    var candidates = [before, after].filter(function (o, i, all) { return all.indexOf(o) === i; });
    var valid = candidates.filter(function (o) { return offsetAt(wall - o * MINUTE, zone) === o; });
    if (valid.length === 0) return wall - before * MINUTE;
    if (valid.length === 1) return wall - valid[0] * MINUTE;
    return wall - Math.max.apply(null, valid) * MINUTE;
  }

  // Every change of offset in [from, to): [{at: ms, from: minutes, to: minutes}].
  function transitions(from, to, zone) {
    var out = [];
    var prev = offsetAt(from, zone);
    for (var day = from + DAY; day <= to + DAY; day += DAY) {
      var now = offsetAt(day, zone);
      if (now === prev) continue;
      var lo = day - DAY, hi = day;  // offset(lo) = prev, offset(hi) = now
      while (hi - lo > MINUTE) {
        var mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
        if (mid === lo) mid = lo + MINUTE;
        if (offsetAt(mid, zone) === prev) lo = mid; else hi = mid;
      }
      out.push({ at: hi, from: prev, to: now });
      prev = now;
    }
    return out;
  }

  // --- iCalendar text -----------------------------------------------------------

  function pad(n, width) { n = String(n); while (n.length < (width || 2)) n = "0" + n; return n; }

  function localStamp(w) {
    return pad(w.y, 4) + pad(w.mo) + pad(w.d) + "T" + pad(w.h) + pad(w.mi) + pad(w.s);
  }

  function utcStamp(ms) {
    var d = new Date(ms);
    return pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + "T" +
      pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + "Z";
  }

  function utcOffset(minutes) {
    var sign = minutes < 0 ? "-" : "+";
    var m = Math.abs(minutes);
    return sign + pad(Math.floor(m / 60)) + pad(m % 60);
  }

  // RFC 5545 3.3.11: backslash, semicolon and comma are escaped; a line break becomes \n.
  function escapeText(text) {
    return String(text).replace(/\r\n?/g, "\n").replace(/\\/g, "\\\\").replace(/;/g, "\\;")
      .replace(/,/g, "\\,").replace(/\n/g, "\\n");
  }

  // RFC 5545 3.1: lines of at most 75 octets (UTF-8), continued after CRLF + one space.
  // Splits only between characters, never inside a multi-byte character or a surrogate pair.
  var encoder = new TextEncoder();
  function fold(line) {
    var out = [];
    var current = "";
    var size = 0;
    var limit = 75;
    for (var ch of line) {
      var octets = encoder.encode(ch).length;
      if (size + octets > limit) {
        out.push(current);
        current = " ";
        size = 1;
      }
      current += ch;
      size += octets;
    }
    out.push(current);
    return out.join("\r\n");
  }

  function vtimezone(zone, from, to) {
    var changes = transitions(from, to, zone);
    var offsets = [offsetAt(from, zone)].concat(changes.map(function (c) { return c.to; }));
    var standard = Math.min.apply(null, offsets);
    var lines = ["BEGIN:VTIMEZONE", "TZID:" + zone];
    function observance(at, fromOffset, toOffset) {
      var kind = toOffset > standard ? "DAYLIGHT" : "STANDARD";
      // the onset as the local time of the observance it replaces (RFC 5545 3.6.5)
      lines.push("BEGIN:" + kind, "DTSTART:" + localStamp(wallClockAtOffset(at, fromOffset)),
                 "TZOFFSETFROM:" + utcOffset(fromOffset), "TZOFFSETTO:" + utcOffset(toOffset), "END:" + kind);
    }
    var first = offsetAt(from, zone);
    observance(from, first, first);
    changes.forEach(function (c) { observance(c.at, c.from, c.to); });
    lines.push("END:VTIMEZONE");
    return lines;
  }

  function wallClockAtOffset(ms, offsetMinutes) {
    var d = new Date(ms + offsetMinutes * MINUTE);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(),
             h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
  }

  // --- the plan's dates (same rule as sessionplan.meeting_date) -----------------

  // Week 1 is the first meeting; week n is on `weekday` (0 = Monday) of the n-th calendar week.
  function meetingDate(start, weekday, week) {
    if (week === 1) return start;
    var startMs = Date.UTC(start.y, start.mo - 1, start.d);
    var isoDay = (new Date(startMs).getUTCDay() + 6) % 7;
    var d = new Date(startMs + (7 * (week - 1) + weekday - isoDay) * DAY);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate() };
  }

  function uid(data, event, start) {
    return event.uid_stem + "-" + pad(start.y, 4) + pad(start.mo) + pad(start.d) + "-" + data.slug + "@rmhandbook";
  }

  function schedule(data, choice) {
    var weekday = choice.weekday === null
      ? (new Date(Date.UTC(choice.start.y, choice.start.mo - 1, choice.start.d)).getUTCDay() + 6) % 7
      : choice.weekday;
    var events = data.events.filter(function (event) {  // a pair on one track: its own and the shared meetings
      return !choice.track || !event.track || event.track === choice.track;
    });
    return events.map(function (event) {
      var day = meetingDate(choice.start, weekday, event.week);
      var start = instantOf(day.y, day.mo, day.d, choice.hour, choice.minute, choice.zone);
      var minutes = choice.minutes || event.minutes;
      return { event: event, start: start, end: start + minutes * MINUTE };
    });
  }

  function sessionUrl(id) {
    var link = document.querySelector('a[data-session="' + id + '"]');
    return link ? new URL(link.getAttribute("href"), window.location.href).href : "";
  }

  function buildCalendar(data, choice, now) {
    var items = schedule(data, choice);
    var zone = choice.zone;
    var first = Math.min.apply(null, items.map(function (i) { return i.start; }));
    var last = Math.max.apply(null, items.map(function (i) { return i.end; }));
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rmhandbook//rmhandbook browser//EN",
                 "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:" + escapeText(data.calendar),
                 "X-WR-TIMEZONE:" + zone];
    lines = lines.concat(vtimezone(zone, first - 366 * DAY, last + 366 * DAY));
    var stamp = utcStamp(now);
    items.forEach(function (item) {
      var ev = item.event;
      var url = sessionUrl(ev.session);
      var description = ev.description + (url ? "\n\n" + data.link_label + ": " + url : "");
      lines.push("BEGIN:VEVENT", "UID:" + uid(data, ev, choice.start), "DTSTAMP:" + stamp,
                 "DTSTART;TZID=" + zone + ":" + localStamp(wallClock(item.start, zone)),
                 "DTEND;TZID=" + zone + ":" + localStamp(wallClock(item.end, zone)),
                 "SUMMARY:" + escapeText(ev.summary), "DESCRIPTION:" + escapeText(description));
      if (url) lines.push("URL:" + url);
      if (choice.reminder > 0) {
        lines.push("BEGIN:VALARM", "ACTION:DISPLAY",
                   "DESCRIPTION:" + escapeText(data.reminder_text + ": " + ev.summary),
                   "TRIGGER:-PT" + choice.reminder + "M", "END:VALARM");
      }
      lines.push("END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(fold).join("\r\n") + "\r\n";
  }

  // --- the form -----------------------------------------------------------------

  function readChoice(form) {
    var startValue = form.elements.start.value;
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(startValue);
    if (!m) return { error: t("calendar_need_date", "Choose the date of the first meeting first.") };
    var zone = form.elements.zone.value.trim();
    if (!validZone(zone)) return { error: t("calendar_bad_zone", "Unknown time zone.") };
    var time = /^(\d{2}):(\d{2})/.exec(form.elements.time.value || "10:00") || [null, "10", "00"];
    var weekday = form.elements.weekday.value;
    var minutesText = form.elements.minutes.value.trim();
    var minutes = minutesText === "" ? null : Number(minutesText);
    if (minutes !== null && !(Number.isInteger(minutes) && minutes >= 15 && minutes <= 480)) {
      return { error: t("calendar_bad_minutes", "The length must be a whole number of minutes from 15 to 480.") };
    }
    return {
      start: { y: +m[1], mo: +m[2], d: +m[3] },
      weekday: weekday === "" ? null : +weekday,
      hour: +time[1], minute: +time[2],
      minutes: minutes,
      zone: zone,
      reminder: parseInt(form.elements.reminder.value, 10) || 0,
      track: form.elements.track ? form.elements.track.value : ""
    };
  }

  function preview(box, data, choice) {
    var list = box.querySelector(".rmh-calendar__dates");
    var wrap = box.querySelector(".rmh-calendar__preview");
    list.textContent = "";
    if (choice.error) { wrap.hidden = true; return; }
    var lang = data.language || document.documentElement.lang || "en";
    var fmt = new Intl.DateTimeFormat(lang, { timeZone: choice.zone, weekday: "short", year: "numeric",
                                               month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    schedule(data, choice).forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = fmt.format(new Date(item.start)) + " \u2013 " + item.event.summary;
      list.appendChild(li);
    });
    wrap.hidden = false;
  }

  function download(text, name) {
    var blob = new Blob([text], { type: "text/calendar;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // The overview's timeline keeps the program's start (program week 1, timeline.js); on its scale the first
  // meeting is data-meeting-one - 1 weeks later. Either date fills in the other where that one is missing;
  // neither overwrites the other (a pair's real first meeting may fall later than the plan).
  function shareStart(box, form) {
    var kept = window.RMH.programStart, parse = window.RMH.parseDate;
    var weeks = parseInt(box.getAttribute("data-meeting-one"), 10) - 1;
    if (!window.RMH.storage || !(weeks >= 0)) return;
    var offset = weeks * 7 * DAY;
    var iso = function (ms) { return new Date(ms).toISOString().slice(0, 10); };
    var programStart = parse(kept.get());
    if (programStart !== null && !form.elements.start.value) form.elements.start.value = iso(programStart + offset);
    form.elements.start.addEventListener("change", function () {
      var first = parse(form.elements.start.value);
      if (first !== null && parse(kept.get()) === null) kept.set(iso(first - offset));
    });
  }

  function setUp(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    // a <template>, not a <script type="application/json">: instant navigation runs every script it swaps in
    var data = JSON.parse(box.querySelector("template.rmh-calendar__data").content.textContent);
    var form = box.querySelector("form");
    var error = box.querySelector(".rmh-calendar__error");
    var zones = [];
    try { zones = Intl.supportedValuesOf("timeZone"); } catch (e) { zones = []; }
    if (zones.indexOf("UTC") < 0) zones.push("UTC");
    var list = box.querySelector("datalist");
    zones.forEach(function (z) { var o = document.createElement("option"); o.value = z; list.appendChild(o); });
    if (!form.elements.zone.value) {
      form.elements.zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    }
    shareStart(box, form);
    var update = function () { error.textContent = ""; preview(box, data, readChoice(form)); };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var choice = readChoice(form);
      if (choice.error) { error.textContent = choice.error; return; }
      download(buildCalendar(data, choice, Date.now()), data.slug + ".ics");
    });
    update();
  }

  function init() { document.querySelectorAll("[data-rmh-calendar]").forEach(setUp); }

  // exposed for tests and for other scripts; the page itself needs none of it
  window.rmhCalendar = { fold: fold, escapeText: escapeText, instantOf: instantOf, offsetAt: offsetAt,
                         transitions: transitions, meetingDate: meetingDate };

  window.RMH.onPage(init);  // onpage.js: on load, and after each instant page change
})();
