// The review page of `dudek review`: plain JavaScript, no libraries, no network.
// Data: the JSON in #review-data (dudek_dali/spotting/review_data.py says what each field means).
// Hit / false alarm / miss marks were computed in Python by the metric's own matching; this page
// only applies its confidence filter to them, as the scorer applies a threshold.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const $ = (id) => document.getElementById(id);
  const video = $("video");
  const CLASSES = data.classes;
  const TRUTH = data.labels !== null;
  const STORE = "dudek-review:" + location.pathname;
  const ZOOM_S = 30;

  // The model's events (with the reviewer's decisions), events the reviewer added, the labels.
  const events = data.events.map((e, i) => ({
    kind: "event", index: i, key: e.ms + "|" + e.label + "|" + e.team, ms: e.ms, frame: e.frame,
    conf: e.conf, label: e.label, team: e.team, model: { label: e.label, team: e.team }, status: "",
    match: TRUTH ? e.match : null, truth: TRUTH ? e.truth : -1, added: false,
  }));
  const labels = TRUTH ? data.labels.events.map((l, i) => Object.assign({ kind: "label", index: i }, l)) : [];
  let added = [];
  let addedCount = 0;
  let selected = null;
  let rows = new Map(); // key -> <tr>

  // ---------------------------------------------------------------- formatting
  const pad = (n, w) => String(n).padStart(w, "0");
  function clock(ms) {
    const m = Math.round(ms);
    return pad(Math.floor(m / 60000), 2) + ":" + pad(Math.floor(m / 1000) % 60, 2) + "." + pad(m % 1000, 3);
  }
  function gameTime(ms) { // as dudek_dali.spotting.predictions.game_time writes it
    const s = Math.floor(ms / 1000);
    return "1 - " + pad(Math.floor(s / 60), 2) + ":" + pad(s % 60, 2);
  }
  const confText = (c) => (c === null ? "added" : c.toFixed(2));
  const slug = (s) => s.replace(/ /g, "-");
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  let messageTimer = null;
  function say(text) {
    const box = $("message");
    box.textContent = text;
    box.classList.add("on");
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => box.classList.remove("on"), 3500);
  }

  // ---------------------------------------------------------------- filters and state
  function filters() {
    return {
      cls: $("f-class").value, team: $("f-team").value, min: Number($("f-conf").value) || 0,
      status: $("f-status").value, match: TRUTH ? $("f-match").value : "",
    };
  }
  function isShown(e, f) {
    if (f.cls && e.label !== f.cls) return false;
    if (f.team && e.team !== f.team) return false;
    if (e.conf !== null && e.conf < f.min) return false;
    if (f.status === "open" ? e.status !== "" : f.status && e.status !== f.status) return false;
    return !(f.match && e.match !== f.match);
  }
  const allEvents = () => events.concat(added).sort((a, b) => a.ms - b.ms || (a.added - b.added));
  const shownEvents = (f) => allEvents().filter((e) => isShown(e, f || filters()));
  // A label is found at the current threshold while the prediction paired with it counts.
  const isMissed = (l, f) => l.pred < 0 || events[l.pred].conf < f.min;
  function missList(f) {
    return labels.filter((l) => (!f.cls || l.label === f.cls) && (!f.team || l.team === f.team) && isMissed(l, f));
  }
  const changed = (e) => !e.added && (e.label !== e.model.label || e.team !== e.model.team);

  function save() {
    const state = {
      decisions: events.filter((e) => e.status || changed(e)).map((e) => [e.key, e.status, e.label, e.team]),
      added: added.map((a) => [a.ms, a.label, a.team, a.status]),
    };
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (err) { /* storage off: nothing kept */ }
  }
  function restore() {
    let state = null;
    try { state = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (err) { return; }
    if (!state) return;
    const byKey = new Map(events.map((e) => [e.key, e]));
    let kept = 0;
    for (const [key, status, label, team] of state.decisions || []) {
      const e = byKey.get(key);
      if (e && CLASSES.includes(label)) { Object.assign(e, { status, label, team }); kept += 1; }
    }
    for (const [ms, label, team, status] of state.added || []) {
      if (CLASSES.includes(label)) { added.push(newEvent(ms, label, team, status)); kept += 1; }
    }
    if (kept) say("restored " + kept + " decision(s) from an earlier visit (Reset review starts over)");
  }
  function newEvent(ms, label, team, status) {
    addedCount += 1;
    return {
      kind: "event", index: -1, key: "added-" + addedCount, ms: Math.round(ms), frame: null, conf: null,
      label, team, model: null, status, match: null, truth: -1, added: true,
    };
  }

  // ---------------------------------------------------------------- the list
  function row(e) {
    const tr = el("tr", { "data-key": e.key });
    tr.className = (e.status === "rejected" ? "rejected" : "") + (e === selected ? " selected" : "");
    tr.append(el("td", {}, clock(e.ms)), el("td", {}, e.frame === null ? "" : String(e.frame)));
    const cls = el("td", {}, e.label);
    const team = el("td", { class: "team-" + (e.team || "none") }, e.team || "no team");
    if (changed(e) && e.label !== e.model.label) cls.classList.add("changed");
    if (changed(e) && e.team !== e.model.team) team.classList.add("changed");
    tr.append(cls, team, el("td", {}, confText(e.conf)));
    const mark = el("td", { class: "truth-col" });
    if (e.match) mark.append(el("span", { class: "mark " + slug(e.match) }, e.match));
    tr.append(mark, el("td", { class: "status " + e.status }, e.added ? "added" : e.status || "\u2013"));
    tr.addEventListener("click", () => select(e));
    return tr;
  }
  function renderList() {
    const f = filters();
    const shown = shownEvents(f);
    const body = $("list").tBodies[0];
    const fragment = document.createDocumentFragment();
    rows = new Map();
    for (const e of shown) {
      const tr = row(e);
      rows.set(e.key, tr);
      fragment.append(tr);
    }
    body.replaceChildren(fragment);
    renderSummary(shown.length);
    renderCounts(f);
    draw();
  }
  function renderSummary(shown) {
    const all = allEvents();
    const count = (s) => all.filter((e) => e.status === s).length;
    $("shown").innerHTML = "";
    $("shown").append(
      "showing ", el("b", { id: "n-shown" }, String(shown)), " of ",
      el("span", { id: "n-total" }, String(events.length)), " events \u00b7 ",
      el("span", { id: "n-accepted" }, String(count("accepted"))), " accepted \u00b7 ",
      el("span", { id: "n-rejected" }, String(count("rejected"))), " rejected",
      added.length ? " \u00b7 " + added.length + " added" : "",
    );
  }
  function refresh(e) { // one event changed: its row, the detail, the timelines
    const old = rows.get(e.key);
    if (old && isShown(e, filters())) {
      const tr = row(e);
      old.replaceWith(tr);
      rows.set(e.key, tr);
      renderSummary(rows.size);
    } else {
      renderList();
    }
    save();
    renderDetail();
    draw();
  }

  // ---------------------------------------------------------------- ground-truth counts
  function renderCounts(f) {
    if (!TRUTH) return;
    const box = $("counts");
    box.hidden = false;
    const zero = () => ({ labels: 0, found: 0, predicted: 0, hit: 0, wrong: 0, falseAlarm: 0 });
    const per = new Map(CLASSES.map((c) => [c, zero()]));
    for (const l of labels) {
      if (f.team && l.team !== f.team) continue;
      const n = per.get(l.label);
      n.labels += 1;
      if (!isMissed(l, f)) n.found += 1;
    }
    for (const e of events) {
      if (e.conf < f.min || (f.team && e.model.team !== f.team)) continue;
      const n = per.get(e.model.label);
      n.predicted += 1;
      if (e.match === "hit") n.hit += 1;
      else if (e.match === "wrong team") n.wrong += 1;
      else n.falseAlarm += 1;
    }
    const total = zero();
    for (const n of per.values()) for (const k of Object.keys(total)) total[k] += n[k];
    const table = el("table", { id: "counts-table" });
    const head = el("tr");
    for (const h of ["class", "labels", "found", "missed", "predicted", "hits", "wrong team", "false alarms"]) {
      head.append(el("th", {}, h));
    }
    table.append(el("thead"), el("tbody"), el("tfoot"));
    table.tHead.append(head);
    const line = (name, n, attrs) => {
      const tr = el("tr", attrs);
      const cells = [name, n.labels, n.found, n.labels - n.found, n.predicted, n.hit, n.wrong, n.falseAlarm];
      cells.forEach((v, i) => {
        const td = el("td", {}, String(v));
        if (i === 3 && v > 0) td.className = "mark missed";
        if (i === 7 && v > 0) td.className = "mark false-alarm";
        tr.append(td);
      });
      return tr;
    };
    for (const [c, n] of per) {
      const tr = line(c, n, { "data-class": c });
      if (f.cls === c) tr.classList.add("current");
      tr.addEventListener("click", () => {
        $("f-class").value = f.cls === c ? "" : c;
        renderList();
      });
      table.tBodies[0].append(tr);
    }
    table.tFoot.append(line("all", total, { class: "total", id: "counts-total" }));
    const pct = (a, b) => (b ? (100 * a / b).toFixed(1) + "%" : "\u2013");
    const note = el("p", { class: "note" },
      "At min. confidence " + f.min + (f.team ? ", " + f.team + " team" : "") + ": recall " +
      pct(total.found, total.labels) + ", precision " + pct(total.hit, total.predicted) +
      ". Matched as team-mAP@1 matches (same class and team within \u00b1" + data.toleranceS / 2 +
      " s); \u201cwrong team\u201d: a false alarm that mAP@1 (team ignored) counts. Counts are the" +
      " model's predictions, before your corrections.");
    box.replaceChildren(table, note);
  }

  // ---------------------------------------------------------------- selection and detail
  function select(item, seek = true) {
    const before = selected && rows.get(selected.key);
    if (before) before.classList.remove("selected");
    selected = item;
    const tr = item.kind === "event" && rows.get(item.key);
    if (tr) {
      tr.classList.add("selected");
      tr.scrollIntoView({ block: "nearest" });
    }
    if (seek) {
      video.pause();
      video.currentTime = item.ms / 1000;
    }
    renderDetail();
    draw();
  }
  function renderDetail() {
    const box = $("detail");
    box.replaceChildren();
    const e = selected;
    if (!e) return box.append(el("p", { class: "hint" }, "Click an event, or press j / k to step through them."));
    if (e.kind === "label") {
      const missed = isMissed(e, filters());
      box.append(el("h2", {}, "Label: " + e.label + " \u00b7 " + e.team));
      const facts = el("div", { class: "row" }, clock(e.ms) + " \u00b7 " + e.visibility + " \u00b7 ");
      facts.append(el("span", { class: "mark " + (missed ? "missed" : "hit") }, missed ? "missed" : "found"));
      if (e.pred >= 0) facts.append(" by the prediction at " + clock(events[e.pred].ms) + " (confidence " + confText(events[e.pred].conf) + ")");
      else facts.append(": no prediction of this class and team within \u00b1" + data.toleranceS / 2 + " s");
      box.append(facts);
      const act = el("div", { class: "row" });
      const add = el("button", { id: "add-label" }, "Add as event");
      add.addEventListener("click", () => addEvent(e.ms, e.label, e.team));
      act.append(add);
      return box.append(act);
    }
    const title = e.label + " \u00b7 " + (e.team || "no team") + (e.conf === null ? " \u00b7 added by you" : " \u00b7 confidence " + confText(e.conf));
    box.append(el("h2", {}, title));
    const facts = el("div", { class: "row" }, clock(e.ms) + (e.frame === null ? "" : " \u00b7 frame " + e.frame));
    if (changed(e)) facts.append(" \u00b7 model said " + e.model.label + " " + e.model.team);
    if (e.match) {
      facts.append(" \u00b7 ", el("span", { class: "mark " + slug(e.match) }, e.match));
      if (e.truth >= 0) facts.append(": the label at " + clock(labels[e.truth].ms));
    }
    box.append(facts);
    const act = el("div", { class: "row" });
    const cls = el("select", { id: "d-class", title: "class (c / C)" });
    for (const c of CLASSES) cls.append(el("option", { value: c }, c));
    cls.value = e.label;
    cls.addEventListener("change", () => correct(e, { label: cls.value }));
    const team = el("select", { id: "d-team", title: "team (t)" });
    if (!e.team) team.append(el("option", { value: "" }, "no team"));  // a model without teams
    for (const t of ["left", "right"]) team.append(el("option", { value: t }, t));
    team.value = e.team;
    team.addEventListener("change", () => correct(e, { team: team.value }));
    act.append(cls, team);
    for (const [id, text, status] of [["d-accept", "Accept (a)", "accepted"], ["d-reject", "Reject (r)", "rejected"], ["d-undo", "Undo (u)", ""]]) {
      const b = el("button", { id }, text);
      b.addEventListener("click", () => decide(e, status));
      act.append(b);
    }
    act.append(el("span", { class: "status " + e.status }, e.status || "not reviewed"));
    box.append(act);
  }

  // ---------------------------------------------------------------- decisions
  function decide(e, status) {
    if (!e || e.kind !== "event") return;
    e.status = e.added && status === "" ? "accepted" : status;
    refresh(e);
  }
  function correct(e, change) { // a correction is a decision: the event happened, as corrected
    if (!e || e.kind !== "event") return;
    Object.assign(e, change);
    e.status = "accepted";
    refresh(e);
  }
  function addEvent(ms, label, team) {
    const e = newEvent(ms, label, team, "accepted");
    added.push(e);
    save();
    renderList();
    select(e, false);
    say("added " + label + " " + team + " at " + clock(ms));
  }
  function step(direction) {
    const shown = shownEvents();
    if (!shown.length) return;
    let i = selected && selected.kind === "event" ? shown.indexOf(selected) : -1;
    if (i < 0) { // from the playhead
      const now = video.currentTime * 1000;
      i = direction > 0 ? shown.findIndex((e) => e.ms > now) : shown.findLastIndex((e) => e.ms < now);
      if (i < 0) i = direction > 0 ? 0 : shown.length - 1;
    } else {
      i = Math.min(shown.length - 1, Math.max(0, i + direction));
    }
    select(shown[i]);
  }
  function stepMiss(direction) {
    const misses = missList(filters());
    if (!misses.length) return say("no missed labels under these filters");
    const at = selected && selected.kind === "label" ? selected : null;
    const now = at ? at.ms : video.currentTime * 1000;
    const after = (l) => l.ms > now || (at && l.ms === now && l.index > at.index);
    const before = (l) => l.ms < now || (at && l.ms === now && l.index < at.index);
    let miss = direction > 0 ? misses.find(after) : misses.findLast(before);
    if (!miss) miss = direction > 0 ? misses[0] : misses[misses.length - 1];
    select(miss);
    say("miss " + (misses.indexOf(miss) + 1) + " of " + misses.length);
  }

  // ---------------------------------------------------------------- export
  function exportLabels() {
    const accepted = allEvents().filter((e) => e.status === "accepted");
    // SN-BAS-2025 labels name a team; events of a model without teams need one set first (t)
    const chosen = accepted.filter((e) => e.team === "left" || e.team === "right");
    const doc = {
      UrlLocal: data.game, UrlYoutube: "",
      annotations: chosen.map((e) => ({
        gameTime: gameTime(e.ms), label: e.label, position: String(e.ms), team: e.team, visibility: "visible",
      })),
    };
    const blob = new Blob([JSON.stringify(doc, null, 1) + "\n"], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "Labels-ball.json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    const unsided = accepted.length - chosen.length;
    say("exported " + chosen.length + " accepted event(s) as Labels-ball.json (see your downloads)" +
      (unsided ? "; " + unsided + " without a team left out: set their team (t) first" : ""));
  }

  // ---------------------------------------------------------------- timelines
  const ROW = 15, TOP = 4, AXIS = 18, NAMES = 176, END = 24;
  function duration() {
    const last = Math.max(0, ...events.map((e) => e.ms), ...labels.map((l) => l.ms)) / 1000;
    return data.duration || (isFinite(video.duration) && video.duration) || last + 5;
  }
  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  function span(canvas) {
    if (canvas.id === "timeline") return [0, duration()];
    const now = video.currentTime || 0;
    return [now - ZOOM_S, now + ZOOM_S];
  }
  function geometry(canvas) {
    const [t0, t1] = span(canvas);
    const width = canvas.clientWidth;
    const x = (t) => NAMES + ((t - t0) / (t1 - t0)) * (width - NAMES - END);
    const y = (c, team) => TOP + ROW * c + ROW / 2 + (team === "left" ? -3.5 : team === "right" ? 3.5 : 0);
    return { t0, t1, width, x, y, time: (px) => t0 + ((px - NAMES) / (width - NAMES - END)) * (t1 - t0) };
  }
  function drawOne(canvas) {
    const g = geometry(canvas);
    const height = TOP + ROW * CLASSES.length + AXIS;
    const ratio = window.devicePixelRatio || 1;
    canvas.style.height = height + "px";
    canvas.width = Math.round(g.width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    CLASSES.forEach((c, i) => {
      ctx.fillStyle = i % 2 ? "#ffffff" : "#f3f5f8";
      ctx.fillRect(0, TOP + ROW * i, g.width, ROW);
      ctx.fillStyle = "#3a3f47";
      ctx.textAlign = "right";
      ctx.fillText(c, NAMES - 8, TOP + ROW * i + ROW / 2);
    });
    const axisY = TOP + ROW * CLASSES.length;
    const seconds = g.t1 - g.t0;
    const stepS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800].find((s) => ((g.width - NAMES) * s) / seconds >= 70) || 3600;
    ctx.textAlign = "center";
    ctx.fillStyle = "#666b73";
    for (let t = Math.ceil(Math.max(0, g.t0) / stepS) * stepS; t <= g.t1; t += stepS) {
      ctx.fillRect(g.x(t), axisY, 1, 4);
      ctx.fillText(pad(Math.floor(t / 60), 2) + ":" + pad(t % 60, 2), g.x(t), axisY + 11);
    }
    const f = filters();
    const inView = (ms) => ms / 1000 >= g.t0 && ms / 1000 <= g.t1;
    for (const l of labels) {
      if ((f.cls && l.label !== f.cls) || (f.team && l.team !== f.team) || !inView(l.ms)) continue;
      const missed = isMissed(l, f);
      const c = CLASSES.indexOf(l.label);
      ctx.fillStyle = missed ? css("--miss") : "#8d939b";
      const top = TOP + ROW * c + (l.team === "left" ? 1 : ROW / 2);
      ctx.fillRect(Math.round(g.x(l.ms / 1000)) - (missed ? 1 : 0), top, missed ? 3 : 1, ROW / 2 - 1);
    }
    for (const e of shownEvents(f)) {
      if (!inView(e.ms)) continue;
      const x = g.x(e.ms / 1000);
      const y = g.y(CLASSES.indexOf(e.label), e.team);
      const r = e.conf === null ? 3 : 2 + 2.5 * e.conf;
      const colour = css(e.team === "left" ? "--left" : e.team === "right" ? "--right" : "--noteam");
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      if (e.status === "rejected") {
        ctx.strokeStyle = "#b0b5bc";
        ctx.lineWidth = 1;
        ctx.stroke();
      } else if (e.match === "false alarm" || e.match === "wrong team") {
        ctx.fillStyle = "#ffffff";
        ctx.fill();
        ctx.strokeStyle = css(e.match === "false alarm" ? "--false" : "--wrong");
        ctx.lineWidth = 1.5;
        ctx.stroke();
      } else {
        ctx.fillStyle = colour;
        ctx.fill();
      }
    }
    if (selected && inView(selected.ms)) {
      const c = CLASSES.indexOf(selected.label);
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(g.x(selected.ms / 1000), g.y(c, selected.team), 7, 0, 2 * Math.PI);
      ctx.stroke();
    }
    const now = video.currentTime || 0;
    ctx.fillStyle = "#1d2025";
    ctx.fillRect(g.x(now), TOP, 1.5, ROW * CLASSES.length);
  }
  let drawPending = false;
  function draw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      drawOne($("timeline"));
      drawOne($("zoom"));
    });
  }
  function timelineClick(canvas, event) {
    const g = geometry(canvas);
    const box = canvas.getBoundingClientRect();
    const px = event.clientX - box.left;
    const c = Math.floor((event.clientY - box.top - TOP) / ROW);
    if (px < NAMES || c < 0 || c >= CLASSES.length) return;
    const f = filters();
    const near = (ms) => Math.abs(g.x(ms / 1000) - px);
    const candidates = shownEvents(f).filter((e) => e.label === CLASSES[c])
      .concat(labels.filter((l) => l.label === CLASSES[c] && (!f.team || l.team === f.team) && isMissed(l, f)));
    const best = candidates.reduce((a, b) => (a && near(a.ms) <= near(b.ms) ? a : b), null);
    if (best && near(best.ms) <= 8) return select(best);
    video.currentTime = Math.max(0, g.time(px));
  }

  // ---------------------------------------------------------------- wiring
  function keys(event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.matches("input, select, textarea")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    const e = selected && selected.kind === "event" ? selected : null;
    const actions = {
      j: () => step(1), ArrowDown: () => step(1), k: () => step(-1), ArrowUp: () => step(-1),
      a: () => decide(e, "accepted"), r: () => decide(e, "rejected"), u: () => decide(e, ""),
      c: () => e && correct(e, { label: CLASSES[(CLASSES.indexOf(e.label) + 1) % CLASSES.length] }),
      C: () => e && correct(e, { label: CLASSES[(CLASSES.indexOf(e.label) + CLASSES.length - 1) % CLASSES.length] }),
      t: () => e && correct(e, { team: e.team === "left" ? "right" : "left" }),
      m: () => TRUTH && stepMiss(1), M: () => TRUTH && stepMiss(-1),
      n: () => addEvent(video.currentTime * 1000, (selected && selected.label) || filters().cls || CLASSES[0],
        (selected && selected.team) || filters().team || "left"),
      " ": () => (video.paused ? video.play() : video.pause()),
      p: () => {
        if (!selected) return;
        video.currentTime = Math.max(0, selected.ms / 1000 - 1);
        video.play();
      },
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  function start() {
    document.body.classList.toggle("truth", TRUTH);
    $("title").textContent = data.game;
    const facts = [events.length + " events"];
    if (data.threshold !== null) facts[0] += " listed at confidence \u2265 " + data.threshold;
    facts.push("video " + decodeURI(data.video));
    if (data.model) facts.push("model " + data.model.split(/[\\/]/).pop());
    if (TRUTH) facts.push(labels.length + " labels (" + (data.labels.file || "ground truth") + ")");
    $("facts").textContent = facts.join(" \u00b7 ");
    for (const c of CLASSES) $("f-class").append(el("option", { value: c }, c));
    $("f-match-box").hidden = !TRUTH;
    const legend = [["\u25cf", "--left", "left team"], ["\u25cf", "--right", "right team"]];
    if (TRUTH) legend.push(["\u25cb", "--false", "false alarm"], ["\u25cb", "--wrong", "wrong team"], ["|", "--miss", "missed label"], ["|", "", "found label"]);
    legend.push(["\u25cb", "", "rejected"]);
    for (const [symbol, colour, text] of legend) {
      const item = el("span");
      item.append(el("b", { style: "color:" + (colour ? css(colour) : "#8d939b") }, symbol), " " + text);
      $("legend").append(item);
    }
    video.addEventListener("error", () => {
      const box = $("video-problem");
      box.hidden = false;
      box.textContent = "This browser cannot load or play " + data.videoName + " (" + decodeURI(data.video) +
        " from this page). Write the page again naming a video it plays: dudek review SPOT_DIR --video PATH " +
        "(dudek spot --overlay writes H.264 MP4, which browsers play).";
    });
    video.src = data.video;
    for (const id of ["f-class", "f-team", "f-conf", "f-status", "f-match"]) {
      for (const name of ["input", "change"]) $(id).addEventListener(name, renderList);
    }
    // A clicked button or a chosen option gives the keys back to the page (j, k, a, r, space...).
    document.addEventListener("click", (ev) => { if (ev.target.matches("button")) ev.target.blur(); });
    document.addEventListener("change", (ev) => { if (ev.target.matches("select")) ev.target.blur(); });
    $("export").addEventListener("click", exportLabels);
    $("accept-shown").addEventListener("click", () => {
      const open = shownEvents().filter((e) => e.status === "");
      open.forEach((e) => { e.status = "accepted"; });
      save();
      renderList();
      renderDetail();
      say("accepted " + open.length + " event(s)");
    });
    $("reset").addEventListener("click", () => {
      if (!confirm("Forget every decision and added event on this page?")) return;
      for (const e of events) Object.assign(e, { status: "", label: e.model.label, team: e.model.team });
      added = [];
      save();
      renderList();
      renderDetail();
    });
    for (const id of ["timeline", "zoom"]) $(id).addEventListener("click", (ev) => timelineClick($(id), ev));
    for (const name of ["timeupdate", "seeked", "loadedmetadata"]) video.addEventListener(name, draw);
    window.addEventListener("resize", draw);
    document.addEventListener("keydown", keys);
    restore();
    renderList();
  }
  start();
})();
