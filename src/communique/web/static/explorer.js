// communique explorer: the charts, the networks and the maps, drawn with d3 (npm, served at /vendor/d3.js).
// Each chart is an element with data-chart="kind" and its data in data-src (an API URL) or data-json (the
// id of a <script type="application/json"> block on the page).  No inline script: the CSP allows none.
(function () {
  "use strict";

  const COOP = "#2a9d8f";
  const CONFLICT = "#c8423b";
  const MIXED = "#a38f6d";
  const NEUTRAL = "#9aa5b1";
  const QUAD = { 1: "#2a9d8f", 2: "#1d6f65", 3: "#e9a23b", 4: "#c8423b" };
  const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
  // PLOVER types in codebook order, cooperation in greens and blues, conflict in ambers and reds.
  const TYPE_COLOURS = {
    AGREE: "#76c7b7", CONSULT: "#2a9d8f", SUPPORT: "#4e79a7", CONCEDE: "#a0cbe8",
    COOPERATE: "#1d6f65", AID: "#59a14f", RETREAT: "#8cd17d",
    REQUEST: "#f1ce63", ACCUSE: "#e9a23b", REJECT: "#f28e2b", THREATEN: "#d37295",
    PROTEST: "#b07aa1", SANCTION: "#9d7660", MOBILIZE: "#79706e", COERCE: "#e15759", ASSAULT: "#b3261e",
  };
  const KIND_COLOURS = { person: "#4e79a7", organisation: "#f28e2b", state: "#59a14f", collective: "#b07aa1" };

  const tooltip = document.getElementById("tooltip");

  function showTip(event, lines) {
    tooltip.replaceChildren(...lines.map((line, i) => {
      const div = document.createElement("div");
      div.textContent = line;
      if (i === 0) div.style.fontWeight = "600";
      return div;
    }));
    tooltip.style.display = "block";
    const x = event.pageX + 14;
    const y = event.pageY + 12;
    const room = window.innerWidth - tooltip.offsetWidth - 16;
    tooltip.style.left = Math.min(x, room) + "px";
    tooltip.style.top = y + "px";
  }

  function hideTip() {
    tooltip.style.display = "none";
  }

  function share(coop, conflict) {
    if (!coop && !conflict) return NEUTRAL;
    const s = coop / (coop + conflict);
    return s >= 0.6 ? COOP : s <= 0.4 ? CONFLICT : MIXED;
  }

  const shareScale = d3.scaleLinear().domain([0, 0.5, 1]).range([CONFLICT, "#c9b48f", COOP]).interpolate(d3.interpolateLab);

  function actorUrl(id) {
    return "/actors/" + encodeURIComponent(id).replace(/%3A/gi, ":").replace(/%40/g, "@");
  }

  function empty(el, message) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = message;
    el.replaceChildren(p);
  }

  function legend(el, items) {
    const box = document.createElement("div");
    box.className = "legend";
    for (const [label, colour] of items) {
      const item = document.createElement("span");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      item.append(swatch, label);
      box.append(item);
    }
    el.after(box);
  }

  function monthsBetween(first, last) {
    const out = [];
    let [y, m] = first.split("-").map(Number);
    const [ly, lm] = last.split("-").map(Number);
    while (y < ly || (y === ly && m <= lm)) {
      out.push(`${y}-${String(m).padStart(2, "0")}`);
      m += 1;
      if (m > 12) { m = 1; y += 1; }
    }
    return out;
  }

  // Stacked bars by month; rows: [{month, key, events}]
  function stackedMonths(el, rows, keys, colour, label, height) {
    if (!rows.length) return empty(el, "No event dated to the day or month.");
    const months = monthsBetween(d3.min(rows, (r) => r.month), d3.max(rows, (r) => r.month));
    const table = new Map(months.map((m) => [m, Object.fromEntries(keys.map((k) => [k, 0]))]));
    for (const r of rows) table.get(r.month)[r.key] += r.events;
    const data = months.map((m) => ({ month: m, ...table.get(m) }));
    const width = Math.max(320, el.clientWidth);
    const margin = { top: 10, right: 12, bottom: 28, left: 42 };
    const x = d3.scaleBand().domain(months).range([margin.left, width - margin.right]).padding(months.length > 60 ? 0.08 : 0.18);
    const stacked = d3.stack().keys(keys)(data);
    const y = d3.scaleLinear().domain([0, d3.max(stacked.at(-1) || [[0, 0]], (d) => d[1]) || 1]).nice()
      .range([height - margin.bottom, margin.top]);
    const svg = d3.create("svg").attr("viewBox", [0, 0, width, height]).attr("role", "img");
    const every = Math.max(1, Math.ceil(months.length / Math.max(2, Math.floor(width / 70))));
    const ticks = months.length > 24 ? months.filter((m) => m.endsWith("-01")).filter((_, i, a) => a.length < 14 || i % Math.ceil(a.length / 12) === 0)
      : months.filter((_, i) => i % every === 0);
    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).tickValues(ticks).tickFormat((m) => (months.length > 24 ? m.slice(0, 4) : m)).tickSizeOuter(0));
    svg.append("g").attr("class", "axis").attr("transform", `translate(${margin.left},0)`)
      .call(d3.axisLeft(y).ticks(5, "~s")).call((g) => g.select(".domain").remove());
    const totals = new Map(data.map((d) => [d.month, keys.reduce((s, k) => s + d[k], 0)]));
    svg.append("g").selectAll("g").data(stacked).join("g").attr("fill", (s) => colour(s.key))
      .selectAll("rect").data((s) => s.map((d) => Object.assign(d, { key: s.key }))).join("rect")
      .attr("x", (d) => x(d.data.month)).attr("width", x.bandwidth())
      .attr("y", (d) => y(d[1])).attr("height", (d) => Math.max(0, y(d[0]) - y(d[1])))
      .on("mousemove", (event, d) => {
        const n = d[1] - d[0];
        if (n) showTip(event, [`${d.data.month} · ${label(d.key)}`, `${n.toLocaleString()} event${n === 1 ? "" : "s"}`,
          `${totals.get(d.data.month).toLocaleString()} that month`]);
      })
      .on("mouseleave", hideTip);
    el.replaceChildren(svg.node());
  }

  function timeline(el, stats) {
    const totals = d3.rollup(stats.by_month, (v) => d3.sum(v, (r) => r.events), (r) => r.type);
    const keys = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a));
    const rows = stats.by_month.map((r) => ({ month: r.month, key: r.type, events: r.events }));
    stackedMonths(el, rows, keys, (k) => TYPE_COLOURS[k] || NEUTRAL, (k) => k, 340);
    if (rows.length) legend(el, keys.map((k) => [`${k} (${totals.get(k).toLocaleString()})`, TYPE_COLOURS[k] || NEUTRAL]));
  }

  function actorTimeline(el, actor) {
    const rows = actor.timeline.map((r) => ({ month: r.month, key: String(r.quad_class || 0), events: r.events }));
    const keys = ["1", "2", "3", "4", "0"];
    stackedMonths(el, rows, keys, (k) => QUAD[k] || NEUTRAL, (k) => QUAD_NAMES[k] || "quad class not coded", 220);
  }

  function roles(el, actor) {
    const dated = actor.roles.filter((r) => r.first);
    if (!dated.length) return empty(el, "No dated role.");
    const parse = d3.utcParse("%Y-%m-%d");
    const rows = dated.map((r) => ({ ...r, from: parse(r.first), to: parse(r.last || r.first),
      label: r.org ? `${r.role} · ${r.org}` : r.role }));
    const width = Math.max(320, el.clientWidth);
    const band = 26;
    const margin = { top: 6, right: 16, bottom: 26, left: Math.min(230, width * 0.4) };
    const room = Math.floor((margin.left - 12) / 6.6);  // characters that fit left of the bars
    const height = margin.top + margin.bottom + rows.length * band;
    let [lo, hi] = [d3.min(rows, (r) => r.from), d3.max(rows, (r) => r.to)];
    if (+lo === +hi) { lo = d3.utcMonth.offset(lo, -6); hi = d3.utcMonth.offset(hi, 6); }
    const x = d3.scaleUtc().domain([lo, hi]).nice().range([margin.left, width - margin.right]);
    const svg = d3.create("svg").attr("viewBox", [0, 0, width, height]);
    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 110))).tickSizeOuter(0));
    const row = svg.append("g").selectAll("g").data(rows).join("g")
      .attr("transform", (_, i) => `translate(0,${margin.top + i * band})`);
    row.append("text").attr("class", "role-label").attr("x", margin.left - 8).attr("y", band / 2 + 4)
      .attr("text-anchor", "end").text((r) => (r.label.length > room ? r.label.slice(0, room - 1) + "…" : r.label));
    row.append("rect").attr("class", "role-bar").attr("rx", 4)
      .attr("x", (r) => x(r.from) - 4).attr("width", (r) => Math.max(8, x(r.to) - x(r.from) + 8))
      .attr("y", 5).attr("height", band - 10)
      .on("mousemove", (event, r) => showTip(event, [r.label, `${r.first} – ${r.last || r.first}`,
        `${r.documents} document(s), ${r.events} event(s)`]))
      .on("mouseleave", hideTip);
    el.replaceChildren(svg.node());
  }

  function network(el, payload) {
    const graph = payload.network || payload;
    const centre = el.dataset.centre || null;
    if (!graph.edges.length) return empty(el, "No source–target pair among these events.");
    const width = el.clientWidth || 800;
    const height = el.clientHeight || 560;
    const nodes = graph.nodes.map((n) => ({ ...n, id: n.actor_id }));
    const links = graph.edges.map((e) => ({ ...e }));
    const maxEvents = d3.max(nodes, (n) => n.events) || 1;
    const radius = d3.scaleSqrt().domain([0, maxEvents]).range([4, nodes.length > 80 ? 16 : 22]);
    const stroke = d3.scaleSqrt().domain([1, d3.max(links, (l) => l.events) || 1]).range([1.2, 7]);
    const sim = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).id((n) => n.id).distance((l) => 60 + 40 / Math.sqrt(l.events)).strength(0.35))
      .force("charge", d3.forceManyBody().strength(nodes.length > 100 ? -120 : -260))
      .force("x", d3.forceX(width / 2).strength(0.06))
      .force("y", d3.forceY(height / 2).strength(0.08))
      .force("collide", d3.forceCollide((n) => radius(n.events) + 3))
      .stop();
    if (centre) {
      const c = nodes.find((n) => n.id === centre);
      if (c) { c.fx = width / 2; c.fy = height / 2; }
    }
    for (let i = 0; i < 320; i += 1) sim.tick();  // lay out before drawing: no animation, stable screenshots

    const svg = d3.create("svg").attr("viewBox", [0, 0, width, height]).attr("width", width).attr("height", height);
    const defs = svg.append("defs");
    for (const [name, colour] of [["coop", COOP], ["conflict", CONFLICT], ["mixed", MIXED], ["none", NEUTRAL]]) {
      defs.append("marker").attr("id", `arrow-${name}`).attr("viewBox", "0 -5 10 10").attr("refX", 10)
        .attr("markerUnits", "userSpaceOnUse").attr("markerWidth", 9).attr("markerHeight", 9).attr("orient", "auto")
        .append("path").attr("d", "M0,-5L10,0L0,5").attr("fill", colour);
    }
    const markerOf = (l) => {
      const c = share(l.cooperation, l.conflict);
      return c === COOP ? "coop" : c === CONFLICT ? "conflict" : c === MIXED ? "mixed" : "none";
    };
    const view = svg.append("g");
    const link = view.append("g").selectAll("path").data(links).join("path").attr("class", "link")
      .attr("stroke", (l) => share(l.cooperation, l.conflict)).attr("stroke-width", (l) => stroke(l.events))
      .attr("marker-end", (l) => `url(#arrow-${markerOf(l)})`);
    link.on("mousemove", (event, l) => showTip(event, [`${l.source.name} → ${l.target.name}`,
      `${l.events} event(s): ${l.cooperation} cooperation, ${l.conflict} conflict`]))
      .on("mouseleave", hideTip);
    const node = view.append("g").selectAll("g").data(nodes).join("g")
      .attr("class", (n) => (n.id === centre ? "node centre" : "node"));
    node.append("circle").attr("r", (n) => radius(n.events))
      .attr("fill", (n) => (n.id === centre ? "#15233b" : KIND_COLOURS[n.kind] || NEUTRAL));
    const labelled = new Set(nodes.slice().sort((a, b) => b.events - a.events).slice(0, nodes.length > 60 ? 30 : 60).map((n) => n.id));
    node.append("text").attr("x", (n) => radius(n.events) + 3).attr("y", 4)
      .text((n) => (labelled.has(n.id) || n.id === centre ? n.name : ""));

    function path(l) {
      const dx = l.target.x - l.source.x;
      const dy = l.target.y - l.source.y;
      const dist = Math.hypot(dx, dy) || 1;
      const r = radius(l.target.events) + 2;
      const tx = l.target.x - (dx / dist) * r;
      const ty = l.target.y - (dy / dist) * r;
      const bend = dist * 0.18;  // a slight curve keeps A→B and B→A apart
      const mx = (l.source.x + tx) / 2 - (dy / dist) * bend;
      const my = (l.source.y + ty) / 2 + (dx / dist) * bend;
      return `M${l.source.x},${l.source.y}Q${mx},${my} ${tx},${ty}`;
    }
    function draw() {
      link.attr("d", path);
      node.attr("transform", (n) => `translate(${n.x},${n.y})`);
    }
    draw();
    sim.on("tick", draw);

    const neighbours = new Map(nodes.map((n) => [n.id, new Set([n.id])]));
    for (const l of links) { neighbours.get(l.source.id).add(l.target.id); neighbours.get(l.target.id).add(l.source.id); }
    node.on("mouseenter", (event, n) => {
      const near = neighbours.get(n.id);
      node.classed("faded", (m) => !near.has(m.id));
      link.classed("faded", (l) => l.source.id !== n.id && l.target.id !== n.id);
    }).on("mousemove", (event, n) => showTip(event, [n.name, [n.kind, n.country].filter(Boolean).join(" · ") || n.id,
      `${n.events} event(s) on the links shown`, "click to open"]))
      .on("mouseleave", () => { node.classed("faded", false); link.classed("faded", false); hideTip(); })
      .on("click", (event, n) => { if (!event.defaultPrevented) window.location.href = actorUrl(n.id); });
    node.call(d3.drag()
      .on("start", (event, n) => { if (!event.active) sim.alphaTarget(0.2).restart(); n.fx = n.x; n.fy = n.y; })
      .on("drag", (event, n) => { n.fx = event.x; n.fy = event.y; })
      .on("end", (event, n) => { if (!event.active) sim.alphaTarget(0); if (n.id !== centre) { n.fx = null; n.fy = null; } }));
    svg.call(d3.zoom().scaleExtent([0.3, 6]).on("zoom", (event) => view.attr("transform", event.transform)));
    el.replaceChildren(svg.node());
    const kinds = [...new Set(nodes.filter((n) => n.id !== centre).map((n) => n.kind).filter(Boolean))];
    legend(el, kinds.map((k) => [k, KIND_COLOURS[k] || NEUTRAL]));
  }

  let worldShapes = null;
  function world() {
    worldShapes = worldShapes || fetch("/vendor/countries-110m.json").then((r) => {
      if (!r.ok) throw new Error("the world map is not installed (make install)");
      return r.json();
    });
    return worldShapes;
  }

  async function map(el, payload) {
    const places = Array.isArray(payload) ? payload : payload.locations;
    const topo = await world();
    const countries = topojson.feature(topo, topo.objects.countries);
    const width = Math.max(320, el.clientWidth);
    const height = Math.round(width * 0.5);
    const projection = d3.geoNaturalEarth1().fitExtent([[6, 6], [width - 6, height - 6]], { type: "Sphere" });
    const geo = d3.geoPath(projection);
    const svg = d3.create("svg").attr("viewBox", [0, 0, width, height]);
    const view = svg.append("g");
    view.append("path").attr("class", "sphere").attr("d", geo({ type: "Sphere" }));
    view.append("path").attr("d", geo(d3.geoGraticule10())).attr("fill", "none").attr("stroke", "#d3e0ee").attr("stroke-width", 0.5);
    view.append("g").selectAll("path").data(countries.features).join("path").attr("class", "country").attr("d", geo)
      .append("title").text((f) => f.properties.name);
    const max = d3.max(places, (p) => p.events) || 1;
    const r = d3.scaleSqrt().domain([0, max]).range([3, Math.max(12, width / 60)]);
    const base = new URLSearchParams(el.dataset.src ? el.dataset.src.split("?")[1] || "" : "");
    if (!el.dataset.src && payload.actor_id) base.set("actor", payload.actor_id);
    const dots = view.append("g").selectAll("circle")
      .data(places.filter((p) => p.lat != null && p.lon != null).sort((a, b) => b.events - a.events)).join("circle")
      .attr("class", "place")
      .attr("cx", (p) => projection([p.lon, p.lat])[0]).attr("cy", (p) => projection([p.lon, p.lat])[1])
      .attr("r", (p) => r(p.events))
      .attr("fill", (p) => (p.cooperation + p.conflict ? shareScale(p.cooperation / (p.cooperation + p.conflict)) : NEUTRAL))
      .on("mousemove", (event, p) => showTip(event, [`${p.name}${p.country ? ", " + p.country : ""}`,
        `${p.events.toLocaleString()} event(s)`, `${p.cooperation} cooperation, ${p.conflict} conflict`, "click for the events"]))
      .on("mouseleave", hideTip)
      .on("click", (event, p) => {
        const query = new URLSearchParams(base);
        query.delete("limit");
        query.set("location", p.name);
        window.location.href = "/events?" + query.toString();
      });
    svg.call(d3.zoom().scaleExtent([1, 12]).translateExtent([[0, 0], [width, height]]).on("zoom", (event) => {
      view.attr("transform", event.transform);
      dots.attr("r", (p) => r(p.events) / Math.sqrt(event.transform.k)).attr("stroke-width", 1 / event.transform.k);
    }));
    el.replaceChildren(svg.node());
    if (!places.length) {
      const note = document.createElement("p");
      note.className = "empty";
      note.textContent = "No event with a known place.";
      el.append(note);
    }
  }

  const CHARTS = { timeline, "actor-timeline": actorTimeline, roles, network, map };

  async function load(el) {
    if (el.dataset.json) return JSON.parse(document.getElementById(el.dataset.json).textContent);
    const response = await fetch(el.dataset.src, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status} from ${el.dataset.src}`);
    return response.json();
  }

  for (const el of document.querySelectorAll("[data-chart]")) {
    load(el).then((payload) => CHARTS[el.dataset.chart](el, payload))
      .then(() => { el.dataset.ready = "true"; })
      .catch((error) => { empty(el, "Could not draw this chart: " + error.message); el.dataset.ready = "error"; });
  }

  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
})();
