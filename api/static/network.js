// lcc-graph: exploring a network picture. The server draws the whole picture and places its labels
// (api/drawing.py); this script adds zoom and pan, search by name, sector and field filters, and a
// panel with a partner's profile and partnerships. Without it the picture stays as drawn.
"use strict";

(() => {
  const MIN_ZOOM = 0.6, MAX_ZOOM = 12, STEP = 1.5;

  // The places a label may take around its node, best first: as candidates() in api/drawing.py.
  function candidates(x, y, r, out, w, h, gap) {
    out = out >= 0 ? 1 : -1;
    const places = [];
    for (const s of [out, -out]) {
      const ax = x + s * (r + gap);
      places.push([s, [Math.min(ax, ax + s * w), y - h / 2, Math.max(ax, ax + s * w), y + h / 2]]);
    }
    places.push([0, [x - w / 2, y - r - gap - h, x + w / 2, y - r - gap]]);
    places.push([0, [x - w / 2, y + r + gap, x + w / 2, y + r + gap + h]]);
    for (const s of [out, -out]) {
      const ax = x + s * (r * 0.7 + gap / 2);
      const x0 = Math.min(ax, ax + s * w), x1 = Math.max(ax, ax + s * w);
      places.push([s, [x0, y - r * 0.7 - gap / 2 - h, x1, y - r * 0.7 - gap / 2]]);
      places.push([s, [x0, y + r * 0.7 + gap / 2, x1, y + r * 0.7 + gap / 2 + h]]);
    }
    return places;
  }

  // text-anchor for a label running right (1), left (-1) or centred (0): "start" is the right end of RTL text.
  function anchor(s, dir) {
    if (s === 0) return "middle";
    if (dir === "rtl") return s > 0 ? "end" : "start";
    return s > 0 ? "start" : "end";
  }

  class Grid {
    constructor(cell) { this.cell = cell; this.cells = new Map(); }
    *keys([x0, y0, x1, y1]) {
      for (let i = Math.floor(x0 / this.cell); i <= Math.floor(x1 / this.cell); i++) {
        for (let j = Math.floor(y0 / this.cell); j <= Math.floor(y1 / this.cell); j++) yield `${i},${j}`;
      }
    }
    add(box) {
      for (const k of this.keys(box)) {
        if (!this.cells.has(k)) this.cells.set(k, []);
        this.cells.get(k).push(box);
      }
    }
    hits([x0, y0, x1, y1]) {
      for (const k of this.keys([x0, y0, x1, y1])) {
        for (const [a0, b0, a1, b1] of this.cells.get(k) || []) {
          if (x0 < a1 && a0 < x1 && y0 < b1 && b0 < y1) return true;
        }
      }
      return false;
    }
  }

  // Case, accents, Hebrew points and Arabic vowel marks do not matter when looking for a name.
  const fold = (s) => s.normalize("NFKD").replace(/[\u0300-\u036f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670]/g, "")
    .toLocaleLowerCase();

  function setUp(figure) {
    const svg = figure.querySelector("svg.network-svg");
    const dataEl = figure.querySelector("script.network-data");
    const wordsEl = figure.querySelector("script.network-strings");
    if (!svg || !dataEl || !wordsEl || !svg.getScreenCTM) return;
    const data = JSON.parse(dataEl.textContent);
    const words = JSON.parse(wordsEl.textContent);
    const tools = figure.querySelector(".network-tools");
    const panel = figure.querySelector(".network-panel");
    const panelName = panel.querySelector(".net-name");
    const panelBody = panel.querySelector(".net-body");
    const labelsGroup = svg.querySelector("g.labels");
    let note = figure.querySelector(".net-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "net-note";
      note.hidden = true;
      figure.querySelector("figcaption").append(note);
    }
    const home = { x: 0, y: 0, w: data.width, h: data.height };
    let view = { ...home };

    const items = new Map();
    svg.querySelectorAll("g.node-g").forEach((g) => {
      const d = data.nodes[g.dataset.key];
      if (d) items.set(g.dataset.key, { key: g.dataset.key, d, g, shape: g.firstElementChild, label: null, edges: [], w0: 0 });
    });
    svg.querySelectorAll("text.node-label").forEach((t) => { const it = items.get(t.dataset.key); if (it) it.label = t; });
    svg.querySelectorAll("path.edge").forEach((e) => {
      for (const k of [e.dataset.a, e.dataset.b]) { const it = items.get(k); if (it && !it.edges.includes(e)) it.edges.push(e); }
    });
    const ordered = [...items.values()].filter((it) => it.label).sort((a, b) => a.d.order - b.d.order);
    const folded = new Map(ordered.map((it) => [it.key, fold(it.d.label)]));
    let selected = null, matches = [], tabStop = ordered[0] || null, engaged = false, pending = 0;

    // ------------------------------------------------------------------ the picture becomes interactive
    svg.classList.add("enhanced");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", svg.dataset.label || "");
    svg.removeAttribute("aria-labelledby");
    const help = tools.querySelector(".net-help");
    if (help) svg.setAttribute("aria-describedby", help.id);
    for (const it of items.values()) {
      it.g.setAttribute("role", "button");
      it.g.setAttribute("tabindex", it === tabStop ? "0" : "-1");
    }
    tools.hidden = false;

    // ------------------------------------------------------------------ labels
    function scale() {
      const box = svg.getBoundingClientRect();
      const s = Math.min(box.width / view.w, box.height / view.h);
      return s > 0 && isFinite(s) ? s : 1;
    }

    function measure(it) {
      if (!it.w0) {
        const size = Number(it.label.getAttribute("font-size")) || data.size;
        const w = it.label.getBBox().width;
        it.w0 = w > 0 ? (w + 1) * data.size / size : 0;
      }
      return it.w0 || it.d.label.length * 0.7 * data.size;
    }

    const isForced = (it) => it === selected || !!it.match;

    // The labels again, for the current zoom: they keep their size on screen, so zooming in makes
    // room for more of them. Same greedy pass as on the server, most important partner first.
    function layoutLabels() {
      pending = 0;
      const k = 1 / scale();
      const size = data.size * k, h = size * 1.25, gap = data.gap * k, pad = data.pad * k;
      const z = home.w / view.w;
      const rf = z > 1 ? 1 / Math.sqrt(z) : 1;
      const grid = new Grid(48 * k);
      const bounds = [view.x + pad, view.y + pad, view.x + view.w - pad, view.y + view.h - pad];
      for (const it of items.values()) {
        const r = it.d.r * rf;
        if (it.d.kind === "partnership") {
          it.shape.setAttribute("x", (it.d.x - r).toFixed(2));
          it.shape.setAttribute("y", (it.d.y - r).toFixed(2));
          it.shape.setAttribute("width", (2 * r).toFixed(2));
          it.shape.setAttribute("height", (2 * r).toFixed(2));
        } else {
          it.shape.setAttribute("r", r.toFixed(2));
        }
        it.r = r;
        grid.add([it.d.x - r - pad, it.d.y - r - pad, it.d.x + r + pad, it.d.y + r + pad]);
      }
      let hidden = 0;
      const queue = ordered.filter(isForced).concat(ordered.filter((it) => !isForced(it)));
      for (const it of queue) {
        const forced = isForced(it);
        const places = candidates(it.d.x, it.d.y, it.r, it.d.out, measure(it) * k, h, gap);
        const inside = places.filter(([, [x0, y0, x1, y1]]) => x0 >= bounds[0] && y0 >= bounds[1] && x1 <= bounds[2] && y1 <= bounds[3]);
        const fallback = inside[0] || places[0];
        let chosen = null;
        if (!it.dim || forced) {
          chosen = inside.find(([, [x0, y0, x1, y1]]) => !grid.hits([x0 - pad, y0 - pad, x1 + pad, y1 + pad])) || null;
          if (!chosen && forced) chosen = fallback;
        }
        const [s, box] = chosen || fallback;
        if (chosen) grid.add(box);
        const t = it.label;
        t.setAttribute("x", (s > 0 ? box[0] : s < 0 ? box[2] : (box[0] + box[2]) / 2).toFixed(2));
        t.setAttribute("y", ((box[1] + box[3]) / 2).toFixed(2));
        t.setAttribute("text-anchor", anchor(s, it.d.dir));
        t.setAttribute("font-size", size.toFixed(2));
        t.classList.toggle("spare", !chosen);
        t.classList.toggle("shown", forced);
        if (!chosen && !it.dim && it.d.x >= bounds[0] && it.d.x <= bounds[2] && it.d.y >= bounds[1] && it.d.y <= bounds[3]) hidden += 1;
      }
      if (note) {
        note.textContent = words.hidden.replace("{n}", hidden);
        note.hidden = hidden === 0;
      }
    }
    const relabel = () => { if (!pending) pending = requestAnimationFrame(layoutLabels); };

    // Pointing at or focusing a partner shows its name, on top of the others.
    function reveal(it, on) {
      it.label.classList.toggle("shown", on || isForced(it));
      if (on) labelsGroup.appendChild(it.label);
    }

    // ------------------------------------------------------------------ zoom and pan
    function setView(v) {
      const z = Math.min(Math.max(home.w / v.w, MIN_ZOOM), MAX_ZOOM);
      const w = home.w / z, h = home.h / z;
      const cx = Math.min(Math.max(v.x + v.w / 2, home.x), home.x + home.w);
      const cy = Math.min(Math.max(v.y + v.h / 2, home.y), home.y + home.h);
      view = { x: cx - w / 2, y: cy - h / 2, w, h };
      svg.setAttribute("viewBox", `${view.x.toFixed(2)} ${view.y.toFixed(2)} ${view.w.toFixed(2)} ${view.h.toFixed(2)}`);
      relabel();
    }
    function zoomBy(f, cx = view.x + view.w / 2, cy = view.y + view.h / 2) {
      const z = Math.min(Math.max((home.w / view.w) * f, MIN_ZOOM), MAX_ZOOM);
      const w = home.w / z, h = home.h / z;
      setView({ x: cx - (cx - view.x) * (w / view.w), y: cy - (cy - view.y) * (h / view.h), w, h });
    }
    function centreOn(x, y, z) {
      const w = home.w / z, h = home.h / z;
      setView({ x: x - w / 2, y: y - h / 2, w, h });
    }
    function panBy(fx, fy) { setView({ ...view, x: view.x + fx * view.w, y: view.y + fy * view.h }); }
    function inView(it) {
      const { x, y } = it.d;
      return x > view.x + view.w * 0.05 && x < view.x + view.w * 0.95 && y > view.y + view.h * 0.05 && y < view.y + view.h * 0.95;
    }
    function ensureVisible(it) { if (!inView(it)) centreOn(it.d.x, it.d.y, home.w / view.w); }
    function showAll(list) {
      const xs = list.map((it) => it.d.x), ys = list.map((it) => it.d.y);
      const x0 = Math.min(...xs) - 120, x1 = Math.max(...xs) + 120, y0 = Math.min(...ys) - 60, y1 = Math.max(...ys) + 60;
      const fit = Math.min(home.w / (x1 - x0), home.h / (y1 - y0));
      centreOn((x0 + x1) / 2, (y0 + y1) / 2, Math.min(Math.max(fit, 1), list.length === 1 ? Math.max(2, home.w / view.w) : 3));
    }
    function toUser(ev) {
      const m = svg.getScreenCTM();
      if (!m) return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
      const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
      return { x: p.x, y: p.y };
    }

    tools.querySelectorAll("[data-zoom]").forEach((b) => b.addEventListener("click", () => {
      const kind = b.dataset.zoom;
      if (kind === "in") zoomBy(STEP);
      else if (kind === "out") zoomBy(1 / STEP);
      else setView({ ...home });
    }));

    // The wheel zooms with Ctrl (or a trackpad's pinch), or once the picture has been clicked: a page
    // scrolled past the picture keeps scrolling.
    svg.addEventListener("wheel", (ev) => {
      if (!(ev.ctrlKey || ev.metaKey || engaged)) return;
      ev.preventDefault();
      const p = toUser(ev);
      zoomBy(Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.002)), p.x, p.y);
    }, { passive: false });
    svg.addEventListener("pointerleave", () => { engaged = false; });

    // Dragging pans; two fingers pinch to zoom.
    let drag = null, pinch = null;
    const touches = new Map();
    const spread = () => { const [a, b] = [...touches.values()]; return Math.hypot(a.x - b.x, a.y - b.y) || 1; };
    svg.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      engaged = true;
      touches.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
      if (touches.size === 2) {
        const [a, b] = [...touches.values()];
        pinch = { d: spread(), view: { ...view }, at: toUser({ clientX: (a.x + b.x) / 2, clientY: (a.y + b.y) / 2 }) };
        drag = null;
        return;
      }
      drag = { x: ev.clientX, y: ev.clientY, view: { ...view }, moved: false, id: ev.pointerId };
    });
    svg.addEventListener("pointermove", (ev) => {
      if (touches.has(ev.pointerId)) touches.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
      if (pinch && touches.size === 2) {
        const f = spread() / pinch.d, z = (home.w / pinch.view.w) * f;
        const w = home.w / z, h = home.h / z, { x, y } = pinch.at;
        setView({ x: x - (x - pinch.view.x) * (w / pinch.view.w), y: y - (y - pinch.view.y) * (h / pinch.view.h), w, h });
        return;
      }
      if (!drag || ev.pointerId !== drag.id) return;
      const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) { drag.moved = true; svg.setPointerCapture(ev.pointerId); svg.classList.add("dragging"); }
      const s = scale();
      setView({ ...drag.view, x: drag.view.x - dx / s, y: drag.view.y - dy / s });
    });
    const endDrag = (ev) => {
      touches.delete(ev.pointerId);
      if (touches.size < 2) pinch = null;
      if (!drag || ev.pointerId !== drag.id) return;
      if (drag.moved) {
        svg.classList.remove("dragging");
        const stop = (e) => { e.stopPropagation(); e.preventDefault(); };
        svg.addEventListener("click", stop, { capture: true, once: true });
        setTimeout(() => svg.removeEventListener("click", stop, { capture: true }), 0);
      }
      drag = null;
    };
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);

    // ------------------------------------------------------------------ keyboard
    function setTabStop(it) {
      if (tabStop && tabStop !== it) tabStop.g.setAttribute("tabindex", "-1");
      tabStop = it;
      if (it) it.g.setAttribute("tabindex", "0");
    }
    function focusNode(it) {
      setTabStop(it);
      ensureVisible(it);
      it.g.focus({ preventScroll: true });
    }
    // The nearest partner in an arrow's direction (not one the filters put aside).
    function nextFrom(it, dx, dy) {
      let best = null, score = Infinity;
      for (const other of items.values()) {
        if (other === it || other.dim) continue;
        const vx = other.d.x - it.d.x, vy = other.d.y - it.d.y;
        const along = vx * dx + vy * dy;
        if (along <= 0) continue;
        const across = Math.abs(vx * dy - vy * dx);
        const sc = along + 2 * across;
        if (sc < score) { score = sc; best = other; }
      }
      return best;
    }
    const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    svg.addEventListener("keydown", (ev) => {
      const g = ev.target.closest ? ev.target.closest("g.node-g") : null;
      const it = g ? items.get(g.dataset.key) : null;
      if (ARROWS[ev.key]) {
        const [dx, dy] = ARROWS[ev.key];
        if (ev.shiftKey || !it) panBy(dx * 0.15, dy * 0.15);
        else { const next = nextFrom(it, dx, dy); if (next) focusNode(next); }
      } else if (ev.key === "+" || ev.key === "=") zoomBy(STEP);
      else if (ev.key === "-" || ev.key === "_") zoomBy(1 / STEP);
      else if (ev.key === "0") setView({ ...home });
      else if ((ev.key === "Enter" || ev.key === " ") && it) select(it, true);
      else if (ev.key === "Escape") closePanel();
      else return;
      ev.preventDefault();
    });
    figure.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !panel.hidden && panel.contains(ev.target)) { closePanel(); ev.preventDefault(); }
    });

    // ------------------------------------------------------------------ pointing, focusing, choosing
    for (const it of items.values()) {
      it.g.addEventListener("mouseenter", () => reveal(it, true));
      it.g.addEventListener("mouseleave", () => reveal(it, false));
      it.g.addEventListener("focus", () => { engaged = true; setTabStop(it); ensureVisible(it); reveal(it, true); });
      it.g.addEventListener("blur", () => reveal(it, false));
      it.g.addEventListener("click", () => select(it, false));
    }

    function select(it, focusPanel) {
      if (selected) {
        selected.g.classList.remove("selected");
        selected.edges.forEach((e) => e.classList.remove("net-lit"));
      }
      selected = it;
      it.g.classList.add("selected");
      it.edges.forEach((e) => e.classList.add("net-lit"));
      svg.classList.add("net-focusing");
      setTabStop(it);
      fillPanel(it);
      panel.hidden = false;
      ensureVisible(it);
      relabel();
      if (focusPanel) panel.focus({ preventScroll: true });
    }

    function closePanel() {
      if (panel.hidden) return;
      panel.hidden = true;
      const it = selected;
      if (it) {
        it.g.classList.remove("selected");
        it.edges.forEach((e) => e.classList.remove("net-lit"));
      }
      svg.classList.remove("net-focusing");
      selected = null;
      relabel();
      if (it) it.g.focus({ preventScroll: true });
    }
    panel.querySelector(".net-close").addEventListener("click", closePanel);

    function el(tag, text, cls) {
      const e = document.createElement(tag);
      if (text !== undefined && text !== null) e.textContent = text;
      if (cls) e.className = cls;
      return e;
    }
    // A link to another node's profile (its row in the table below, when the page has one).
    function goTo(key, text) {
      const a = el("a", text, "net-go");
      a.href = document.getElementById(`row-${key}`) ? `#row-${key}` : `#${figure.id}`;
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        const it = items.get(key);
        if (it) select(it, true);
      });
      return a;
    }
    function facts(pairs) {
      const dl = el("dl");
      for (const [k, v] of pairs) { dl.append(el("dt", k), el("dd", v)); }
      return dl;
    }
    // One name a line, each isolated so that a name in another script keeps its own order.
    function names(keys) {
      const list = el("div", null, "net-members");
      for (const k of keys) {
        const other = items.get(k);
        if (!other) continue;
        const line = el("div"), b = el("bdi");
        b.append(goTo(k, other.d.label));
        line.append(b);
        list.append(line);
      }
      return list;
    }

    function fillPanel(it) {
      const d = it.d;
      panelName.replaceChildren(el("bdi", d.label));
      panelBody.replaceChildren();
      if (d.kind === "partnership") {
        const entry = data.partnerships.find((p) => p.node === it.key);
        const members = entry ? entry.members : [];
        const sectors = [...new Set(members.map((k) => items.get(k)).filter(Boolean).map((m) => m.d.sectorLabel || words.other))];
        panelBody.append(facts([[words.sectors, sectors.join(", ")]]));
        panelBody.append(el("h4", words.members.replace("{n}", members.length)));
        const ul = el("ul");
        for (const k of members) {
          const li = el("li"), b = el("bdi");
          b.append(goTo(k, items.get(k) ? items.get(k).d.label : k));
          li.append(b);
          ul.append(li);
        }
        panelBody.append(ul);
      } else {
        const rows = [[words.sector, d.sectorLabel || words.other]];
        if (d.fieldLabels.length) rows.push([words.fields, d.fieldLabels.join(", ")]);
        rows.push([words.degree, String(d.degree)]);
        panelBody.append(facts(rows));
        if (d.broker) panelBody.append(el("p", words.broker, "net-broker"));
        const mine = data.partnerships.filter((p) => p.members.includes(it.key));
        panelBody.append(el("h4", words.partnerships.replace("{n}", mine.length)));
        const ul = el("ul");
        for (const p of mine) {
          const li = el("li");
          const name = el("bdi");
          name.append(p.node ? goTo(p.node, p.label) : el("strong", p.label));
          li.append(name);
          const others = p.members.filter((k) => k !== it.key);
          const line = el("div", `${words.with} `, "net-with");
          if (others.length) line.append(names(others)); else line.append(words.alone);
          li.append(line);
          ul.append(li);
        }
        panelBody.append(ul);
      }
      const row = document.getElementById(`row-${it.key}`);
      if (row) {
        const p = el("p");
        const a = el("a", words.row);
        a.href = `#row-${it.key}`;
        p.append(a);
        panelBody.append(p);
      }
    }

    // ------------------------------------------------------------------ search
    const search = tools.querySelector(".net-search input");
    const found = tools.querySelector(".net-found");
    let searchTimer = 0;
    function runSearch(move) {
      const q = fold(search.value.trim());
      matches = q ? ordered.filter((it) => folded.get(it.key).includes(q)) : [];
      // A name that starts with the words typed comes first, then the most connected partner.
      matches.sort((a, b) => (folded.get(b.key).startsWith(q) - folded.get(a.key).startsWith(q)) || a.d.order - b.d.order);
      const set = new Set(matches);
      for (const it of items.values()) { it.match = set.has(it); it.g.classList.toggle("match", it.match); }
      svg.classList.toggle("searching", q !== "");
      found.textContent = q ? (matches.length ? words.found.replace("{n}", matches.length) : words.not_found) : "";
      if (matches.length && move) showAll(matches.slice(0, 30));
      relabel();
    }
    search.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch(true), 120); });
    search.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        clearTimeout(searchTimer);
        runSearch(true);
        if (matches.length) select(matches[0], false);
      } else if (ev.key === "Escape" && search.value) {
        search.value = "";
        runSearch(false);
      }
    });

    // ------------------------------------------------------------------ filters
    const sectorBoxes = [...tools.querySelectorAll(".net-sectors input[type=checkbox]")];
    const fieldSelect = tools.querySelector(".net-field select");
    const shown = tools.querySelector(".net-shown");
    function applyFilters() {
      const sectors = new Set(sectorBoxes.filter((b) => b.checked).map((b) => b.value));
      const field = fieldSelect ? fieldSelect.value : "";
      let count = 0, total = 0;
      for (const it of items.values()) {
        if (it.d.kind === "partnership") continue;
        it.dim = !(sectors.has(it.d.sector || "other") && (!field || it.d.fields.includes(field)));
        total += 1;
        if (!it.dim) count += 1;
      }
      for (const p of data.partnerships) {
        const it = p.node && items.get(p.node);
        if (it) it.dim = p.members.every((k) => !items.get(k) || items.get(k).dim);
      }
      for (const it of items.values()) {
        it.g.classList.toggle("dim", !!it.dim);
        if (it.dim) it.g.setAttribute("aria-hidden", "true"); else it.g.removeAttribute("aria-hidden");
      }
      svg.querySelectorAll("path.edge").forEach((e) => {
        const a = items.get(e.dataset.a), b = items.get(e.dataset.b);
        e.classList.toggle("dim", !!((a && a.dim) || (b && b.dim)));
      });
      if (tabStop && tabStop.dim) setTabStop(ordered.find((it) => !it.dim) || tabStop);
      shown.textContent = count === total ? "" : words.shown.replace("{n}", count).replace("{total}", total);
      relabel();
    }
    sectorBoxes.forEach((b) => b.addEventListener("change", applyFilters));
    if (fieldSelect) fieldSelect.addEventListener("change", applyFilters);

    if (window.ResizeObserver) new ResizeObserver(relabel).observe(svg);
    layoutLabels();
  }

  const start = () => document.querySelectorAll("figure.network-picture").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
