// The SPARQL editor: POST /sparql on this service, results as a table. No outside look-ups.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sparql-form");
  if (!form) return;
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
