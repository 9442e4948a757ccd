/* The console's live page: whole states from /console/live/events (or polled from /console/live/state),
   drawn with textContent only (names come from the site file and are never parsed as HTML). */
(function () {
  "use strict";
  var stateEl = document.getElementById("live-state");
  if (!stateEl) return;
  var T = JSON.parse(document.getElementById("live-texts").textContent);
  var received = Date.now(), es = null, timer = null;
  function $(id) { return document.getElementById(id); }
  function dur(s) {
    if (s === null || s === undefined || s === "") return "\u2013";
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r : m + ":" + (r < 10 ? "0" : "") + r;
  }
  function cell(tr, text, cls, en) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text === null || text === undefined ? "\u2013" : String(text);
    if (en) { var sp = document.createElement("span"); sp.className = "en"; sp.textContent = en; td.appendChild(sp); }
    tr.appendChild(td);
    return td;
  }
  function render(s) {
    received = Date.now();
    document.body.dataset.lastEvent = s.last_event;
    $("t-waiting").textContent = s.totals.waiting;
    $("t-longest").dataset.s = s.totals.longest_wait_s;
    $("t-issued").textContent = s.totals.issued;
    $("t-served").textContent = s.totals.served;
    $("t-open").textContent = s.totals.open_counters;
    $("closed").hidden = s.issuing_open;
    var body = $("svc-body"), rows = document.createDocumentFragment();
    s.services.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.dataset.service = r.code;
      cell(tr, r.name, "", r.name_en);
      cell(tr, r.waiting, "n waiting");
      var l = cell(tr, "", "n longest" + (r.waiting && r.longest_wait_s > 900 ? " late" : ""));
      l.dataset.s = r.waiting ? r.longest_wait_s : "";
      cell(tr, r.open_counters, "n"); cell(tr, r.issued, "n"); cell(tr, r.served, "n"); cell(tr, r.no_show, "n");
      rows.appendChild(tr);
    });
    body.replaceChildren(rows);
    var cb = $("ctr-body"), crows = document.createDocumentFragment();
    s.counters.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.dataset.counter = c.number;
      tr.className = "st-" + c.state;
      cell(tr, c.name);
      var st = T["state_" + c.state] || [c.state, c.state];
      cell(tr, st[0], "state", st[1]);
      cell(tr, c.current, "n current");
      var since = cell(tr, "", "n since");
      since.dataset.s = c.serving_s === null ? "" : c.serving_s;
      cell(tr, c.clerk, "clerk"); cell(tr, c.served, "n");
      crows.appendChild(tr);
    });
    cb.replaceChildren(crows);
    var fl = $("faults"), items = document.createDocumentFragment();
    if (!s.faults.length) {
      var ok = document.createElement("li"); ok.className = "ok"; ok.textContent = T.no_faults[0];
      var en = document.createElement("span"); en.className = "en"; en.textContent = T.no_faults[1]; ok.appendChild(en);
      items.appendChild(ok);
    }
    s.faults.forEach(function (f) {
      var li = document.createElement("li"), b = document.createElement("b");
      b.textContent = f.device; li.appendChild(b);
      li.appendChild(document.createTextNode(" \u00b7 " + f.fault + ": " + f.message + " "));
      var sm = document.createElement("small"); sm.textContent = f.since || ""; li.appendChild(sm);
      items.appendChild(li);
    });
    fl.replaceChildren(items);
    $("sync-state").textContent = s.sync.state;
    $("sync-backlog").textContent = s.sync.backlog === undefined ? "\u2013" : s.sync.backlog;
    $("sync-oldest").textContent = dur(s.sync.oldest_unsent_age_s);
    $("sync-last").textContent = s.sync.last_success || "\u2013";
    $("sync-dead").textContent = s.sync.dead_letters === undefined ? "\u2013" : s.sync.dead_letters;
    $("upd").textContent = s.now.substr(11, 8);
    tick();
  }
  function tick() {  // waits grow between states: count on from the last one
    var extra = (Date.now() - received) / 1000;
    document.querySelectorAll("[data-s]").forEach(function (el) {
      el.textContent = el.dataset.s === "" ? "\u2013" : dur(Number(el.dataset.s) + extra);
    });
  }
  function poll() {
    fetch("/console/live/state", {credentials: "same-origin"}).then(function (r) {
      if (r.status === 401) { location.href = "/console/sign-in"; return null; }
      return r.json();
    }).then(function (s) { if (s) { $("net").hidden = true; render(s); } })
      .catch(function () { $("net").hidden = false; });
  }
  function connect() {
    if (!window.EventSource) { poll(); timer = setInterval(poll, 3000); return; }
    es = new EventSource("/console/live/events");
    es.addEventListener("state", function (e) { $("net").hidden = true; render(JSON.parse(e.data)); });
    es.addEventListener("signed_out", function () { es.close(); location.href = "/console/sign-in"; });
    es.onerror = function () { $("net").hidden = false; };
  }
  render(JSON.parse(stateEl.textContent));
  setInterval(tick, 1000);
  connect();
})();
