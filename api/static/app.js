// lcc-graph pages: small progressive enhancements. Every page works without this script.
"use strict";

// Sortable tables: a <th data-sort> becomes a button; the sort order is announced with aria-sort.
function enhanceSortable(table) {
  const heads = table.querySelectorAll("thead th[data-sort]");
  heads.forEach((th, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", () => {
      const kind = th.dataset.sort;
      const descending = th.getAttribute("aria-sort") === "ascending" ||
        (!th.hasAttribute("aria-sort") && kind === "number");
      heads.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const value = (row) => {
        const cell = row.cells[index];
        const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
        if (kind === "number" || (kind === "auto" && raw !== "" && !isNaN(Number(raw.replace(/,/g, ""))))) {
          const n = Number(String(raw).replace(/,/g, ""));
          return isNaN(n) ? -Infinity : n;
        }
        return raw.toLocaleLowerCase();
      };
      rows.sort((a, b) => {
        const x = value(a), y = value(b);
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return descending ? -order : order;
      });
      rows.forEach((row) => body.appendChild(row));
    });
  });
}

// The upload form posts straight to /communities/{id}/data (without the script, /upload forwards it).
// The token is tried first (the community's history answers only its own token): a refused one is
// said inside the form, which keeps the chosen file and the fields; then the form is sent as usual.
function enhanceUpload(form) {
  form.addEventListener("submit", async (event) => {
    const id = form.elements.community.value.trim();
    if (!/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(id)) return;
    form.action = form.dataset.actionTemplate.replace("{id}", encodeURIComponent(id));
    if (!window.fetch) return;
    event.preventDefault();
    let answer = null;
    try {
      answer = await fetch(`/communities/${encodeURIComponent(id)}/history`, {
        headers: { Accept: "application/json", Authorization: `Bearer ${form.elements.token.value.trim()}` },
      });
    } catch (err) {
      answer = null;  // the check could not run: send the form, the server answers
    }
    if (answer && [401, 403, 404].includes(answer.status)) {
      let said = answer.statusText;
      try { said = (await answer.json()).message || said; } catch (err) { /* not JSON */ }
      let box = document.getElementById("upload-refused");
      if (!box) {
        box = document.createElement("p");
        box.id = "upload-refused";
        box.className = "verdict rejected";
        box.setAttribute("role", "alert");
        form.prepend(box);
      }
      box.textContent = said;
      (answer.status === 404 ? form.elements.community : form.elements.token).focus();
      return;
    }
    form.submit();
  });
}

// Network pictures: pointing at a partner highlights its partnerships.
function enhanceNetwork(svg) {
  const edges = Array.from(svg.querySelectorAll("path.edge"));
  const endpoints = edges.map((e) => e.getAttribute("d"));
  svg.querySelectorAll("circle.node").forEach((node) => {
    const x = Number(node.getAttribute("cx")).toFixed(2), y = Number(node.getAttribute("cy")).toFixed(2);
    const mine = edges.filter((e, i) => endpoints[i].startsWith(`M${x},${y} `) || endpoints[i].endsWith(` ${x},${y}`));
    node.addEventListener("mouseenter", () => { svg.classList.add("focusing"); mine.forEach((e) => e.classList.add("lit")); });
    node.addEventListener("mouseleave", () => { svg.classList.remove("focusing"); mine.forEach((e) => e.classList.remove("lit")); });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.sortable").forEach(enhanceSortable);
  const upload = document.getElementById("upload-form");
  if (upload) enhanceUpload(upload);
  document.querySelectorAll("svg.network-svg").forEach(enhanceNetwork);
});
