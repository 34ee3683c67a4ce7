// The SPARQL editor: YASGUI (from the npm registry, served by this service) over POST /sparql, with the
// service's prefixes, classes and properties for completion (no outside look-ups: no prefix.cc, no
// Linked Open Vocabularies, no default endpoint elsewhere), results as a table of labels linking to
// the service's pages, and a chart. Without YASGUI, a plain form that runs the query the same way.
"use strict";

// The page of the service that shows a resource, or null (the IRI is then shown, not linked).
function pageFor(iri, lang) {
  const lcc = "https://w3id.org/lcc/";
  if (!iri.startsWith(lcc)) return null;
  const rest = iri.slice(lcc.length);
  let m = /^communities\/([a-z0-9-]+)(?:[/#].*)?$/.exec(rest);
  let path = null;
  if (m) path = `/communities/${m[1]}`;
  m = /^criteria\/([a-z0-9-]+)$/.exec(rest);
  if (m) path = `/criteria/${m[1]}`;
  m = /^queries\/([a-z0-9-]+)$/.exec(rest);
  if (m) path = `/queries/${m[1]}`;
  return path && `${path}?lang=${encodeURIComponent(lang)}`;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;

// The labels of IRIs, in the reader's language (else English, else any), asked of this service.
async function fetchLabels(endpoint, iris, lang) {
  const labels = new Map();
  const wanted = [...new Set(iris)].filter((i) => /^[^<>"{}|^`\\\s]+$/.test(i)).slice(0, 2000);
  if (!wanted.length) return labels;
  const query = `PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?l WHERE { VALUES ?s { ${wanted.map((i) => `<${i}>`).join(" ")} }
  { ?s skos:prefLabel ?l } UNION { ?s rdfs:label ?l } }`;
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: new URLSearchParams({ query }),
    });
    if (!response.ok) return labels;
    const rank = (tag) => (tag === lang ? 3 : tag === "en" ? 2 : 1);
    const best = new Map();
    for (const row of (await response.json()).results.bindings) {
      const tag = row.l["xml:lang"] || "";
      const score = rank(tag);
      if (!best.has(row.s.value) || best.get(row.s.value) < score) {
        best.set(row.s.value, score);
        labels.set(row.s.value, { text: row.l.value, lang: tag });
      }
    }
  } catch (error) { /* labels are a help: the IRIs stay */ }
  return labels;
}

function setUpYasgui(root, config) {
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const lang = config.lang;
  const byPrefix = (list) => () => list;
  // completion from this service only: its prefixes, classes and properties
  Yasqe.forkAutocompleter("prefixes", {
    name: "lccPrefixes", persistenceId: null,
    get: byPrefix(Object.entries(config.prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort()),
  }, false);
  Yasqe.forkAutocompleter("property", { name: "lccProperties", bulk: true, autoShow: true, persistenceId: null,
                                        get: byPrefix(config.properties) }, false);
  Yasqe.forkAutocompleter("class", { name: "lccClasses", bulk: true, autoShow: true, persistenceId: null,
                                     get: byPrefix(config.classes) }, false);
  Yasqe.defaults.autocompleters = ["variables", "lccPrefixes", "lccProperties", "lccClasses"];
  Yasqe.defaults.prefixCcApi = null;
  Yasqe.defaults.value = config.query || config.examples[Object.keys(config.examples)[0]] || "";

  const Table = Yasr.plugins.table;
  class LabelledTable extends Table {
    constructor(yasr) {
      super(yasr);
      this.label = config.strings.table;
      this.labels = new Map();
      this.persistentConfig = { compact: true, ...this.persistentConfig };
    }
    async draw(settings) {
      const iris = [];
      for (const row of this.yasr.results.getBindings() || []) {
        for (const term of Object.values(row)) if (term && term.type === "uri") iris.push(term.value);
      }
      this.labels = await fetchLabels(config.endpoint, iris, lang);
      return super.draw({ compact: true, ...settings });
    }
    getUriLinkFromBinding(binding, prefixes) {
      const iri = binding.value;
      const label = this.labels.get(iri);
      let text = label ? label.text : iri;
      if (!label && prefixes) {
        for (const [p, ns] of Object.entries(prefixes)) if (iri.startsWith(ns)) { text = `${p}:${iri.slice(ns.length)}`; break; }
      }
      const href = pageFor(iri, lang);
      const langAttr = label && label.lang ? ` lang="${escapeHtml(label.lang)}" dir="auto"` : "";
      return href
        ? `<a class="iri" href="${escapeHtml(href)}" title="${escapeHtml(iri)}"${langAttr}>${escapeHtml(text)}</a>`
        : `<span class="iri" title="${escapeHtml(iri)}"${langAttr}>${escapeHtml(text)}</span>`;
    }
  }
  Yasr.registerPlugin("labelled", LabelledTable);
  Yasr.registerPlugin("chart", BarChart);
  Yasr.defaults.plugins.table.enabled = false;  // the labelled table replaces it
  BarChart.strings = config.strings;
  BarChart.labels = fetchLabels;
  BarChart.config = config;
  Yasr.defaults.pluginOrder = ["labelled", "chart", "response"];
  Yasr.defaults.defaultPlugin = "labelled";
  Yasr.defaults.prefixes = config.prefixes;

  const endpoint = new URL(config.endpoint, window.location.href).toString();
  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint, method: "POST", acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    persistenceId: "lcc-sparql",
    populateFromUrl: false,
    autofocus: true,
    yasqe: { autocompleters: Yasqe.defaults.autocompleters, prefixCcApi: null },
    yasr: { pluginOrder: ["labelled", "chart", "response"], defaultPlugin: "labelled", prefixes: config.prefixes },
  });
  const tab = () => yasgui.getTab();
  // tabs kept from an earlier visit keep the endpoint they had: always this service
  for (const id of Object.keys(yasgui._tabs || {})) {
    const t = yasgui._tabs[id];
    if (t && t.getEndpoint && t.getEndpoint() !== endpoint) t.setEndpoint(endpoint);
  }
  if (tab().getEndpoint() !== endpoint) tab().setEndpoint(endpoint);
  if (config.query) {
    tab().setQuery(config.query);
  }
  if (config.runNow) tab().getYasqe().query();
  window.lccYasgui = yasgui;
  return yasgui;
}

// A bar chart of the results: the first column of numbers against the first column of names.
class BarChart {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = BarChart.strings.chart;
  }
  columns() {
    const vars = this.yasr.results.getVariables();
    const rows = this.yasr.results.getBindings() || [];
    const isNumber = (v) => rows.length && rows.every((r) => !r[v] || (r[v].type !== "uri" && NUMERIC.test(r[v].datatype || "")));
    const value = vars.find((v) => isNumber(v));
    const names = vars.filter((v) => v !== value && !isNumber(v));
    return { value, name: names[0] || null, names, rows };
  }
  canHandleResults() {
    return !!(this.yasr.results && this.yasr.results.getVariables && this.yasr.results.getVariables().length);
  }
  getIcon() {
    const span = document.createElement("span");
    span.textContent = "▮";
    return span;
  }
  async draw() {
    const { value, name, names, rows } = this.columns();
    const box = document.createElement("div");
    box.className = "lcc-chart";
    if (!value) {
      box.textContent = BarChart.strings.no_chart;
      this.yasr.resultsEl.appendChild(box);
      return;
    }
    const shown = rows.slice(0, 60);
    const iris = shown.flatMap((r) => names.map((n) => r[n])).filter((t) => t && t.type === "uri").map((t) => t.value);
    const labels = await BarChart.labels(BarChart.config.endpoint, iris, BarChart.config.lang);
    const one = (t) => (!t ? "" : t.type === "uri" ? (labels.get(t.value) || { text: t.value.replace(/^.*[/#]/, "") }).text : t.value);
    const nameOf = (r) => names.slice(0, 2).map((n) => one(r[n])).filter(Boolean).join(" · ");
    const numbers = shown.map((r) => (r[value] ? Number(r[value].value) : 0));
    const max = Math.max(...numbers.map(Math.abs), 1e-12);
    const ns = "http://www.w3.org/2000/svg";
    const barH = 22, left = 220, width = 760;
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${left + width + 80} ${shown.length * barH + 30}`);
    svg.setAttribute("class", "lcc-chart-svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `${BarChart.strings.chart}: ${value}`);
    shown.forEach((r, i) => {
      const y = i * barH + 4;
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", left - 8);
      label.setAttribute("y", y + 15);
      label.setAttribute("text-anchor", "end");
      label.textContent = nameOf(r).slice(0, 34);
      const bar = document.createElementNS(ns, "rect");
      bar.setAttribute("x", left);
      bar.setAttribute("y", y);
      bar.setAttribute("height", barH - 6);
      bar.setAttribute("width", Math.max(1, (Math.abs(numbers[i]) / max) * width));
      bar.setAttribute("class", "bar");
      const figure = document.createElementNS(ns, "text");
      figure.setAttribute("x", left + Math.max(1, (Math.abs(numbers[i]) / max) * width) + 6);
      figure.setAttribute("y", y + 15);
      figure.textContent = Number.isInteger(numbers[i]) ? String(numbers[i]) : numbers[i].toPrecision(3);
      svg.append(label, bar, figure);
    });
    const caption = document.createElement("p");
    caption.className = "help";
    caption.textContent = `${name ? `${BarChart.strings.label_column}: ?${name} · ` : ""}${BarChart.strings.value_column}: ?${value}`;
    box.append(caption, svg);
    this.yasr.resultsEl.appendChild(box);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sparql-form");
  if (!form) return;
  const root = document.getElementById("yasgui");
  if (root && typeof Yasgui !== "undefined") {
    const config = JSON.parse(document.getElementById("sparql-config").textContent);
    document.getElementById("yasgui-wrap").hidden = false;  // before the editor measures itself
    document.querySelectorAll(".plain-editor").forEach((el) => { el.hidden = true; });
    const yasgui = setUpYasgui(root, config);
    const select = document.getElementById("examples");
    select.addEventListener("change", () => {
      if (select.value && config.examples[select.value]) yasgui.getTab().setQuery(config.examples[select.value]);
    });
    form.addEventListener("submit", (event) => { event.preventDefault(); yasgui.getTab().getYasqe().query(); });
    return;
  }
  const textarea = document.getElementById("query");
  const select = document.getElementById("examples");
  const status = document.getElementById("status");
  const wrap = document.getElementById("result-wrap");
  const csv = document.getElementById("csv-link");
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const strings = JSON.parse(document.getElementById("sparql-strings").textContent);

  select.addEventListener("change", () => {
    if (select.value && examples[select.value]) textarea.value = examples[select.value];
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });

  function cellText(term) {
    if (!term) return "";
    if (term.type === "triple") return "<< … >>";
    return term.value;
  }

  function renderSolutions(json) {
    const vars = json.head.vars || [];
    const rows = json.results.bindings || [];
    const table = document.createElement("table");
    table.className = "results";
    table.id = "result-table";
    const thead = table.createTHead().insertRow();
    vars.forEach((v) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      thead.appendChild(th);
    });
    const body = table.createTBody();
    rows.forEach((row) => {
      const tr = body.insertRow();
      vars.forEach((v) => {
        const td = tr.insertCell();
        const term = row[v];
        const text = cellText(term);
        const m = term && term.type === "uri" && /^https:\/\/w3id\.org\/lcc\/(communities|criteria)\/([a-z0-9-]+)$/.exec(text);
        if (m) {
          const a = document.createElement("a");
          a.href = `/${m[1]}/${m[2]}`;
          a.textContent = text;
          td.appendChild(a);
        } else {
          td.textContent = text;
          if (term && term["xml:lang"]) td.lang = term["xml:lang"];
        }
      });
    });
    wrap.replaceChildren(table);
    status.textContent = rows.length ? strings.rows.replace("{n}", rows.length) : strings.empty;
  }

  async function run() {
    const query = textarea.value;
    status.textContent = strings.running;
    wrap.replaceChildren();
    csv.hidden = true;
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query }),
      });
      const type = response.headers.get("content-type") || "";
      if (!response.ok) {
        let message = `${response.status}`;
        try { const err = await response.json(); message = `${response.status} ${err.error}: ${err.message}`; } catch (e) { /* not JSON */ }
        status.textContent = message;
        return;
      }
      if (type.includes("sparql-results+json") || type.includes("application/json")) {
        const json = await response.json();
        if (typeof json.boolean === "boolean") {
          status.textContent = String(json.boolean);
          return;
        }
        renderSolutions(json);
        csv.href = "/sparql?" + new URLSearchParams({ query, format: "csv" }).toString();
        csv.hidden = false;
      } else {
        const pre = document.createElement("pre");
        pre.dir = "ltr";
        pre.textContent = await response.text();
        wrap.replaceChildren(pre);
        status.textContent = type.split(";")[0];
      }
    } catch (error) {
      status.textContent = String(error);
    }
  }

  if (form.dataset.runNow === "true") run();
});
