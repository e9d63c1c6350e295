"use strict";
// The query page of `innograph serve`: data goes into the page as text nodes only, never as HTML.
(function () {
  const data = JSON.parse(document.getElementById("catalogue-data").textContent);
  const editor = document.getElementById("editor");
  const runButton = document.getElementById("run");
  const statusLine = document.getElementById("status");
  const noteLine = document.getElementById("note");
  const errorLine = document.getElementById("error");
  const results = document.getElementById("results");
  const list = document.getElementById("catalogue");
  const filter = document.getElementById("filter");
  const namespaces = Object.entries(data.prefixes).sort((a, b) => b[1].length - a[1].length);
  // Rows are drawn a page at a time: a catalogue question whose answer grows with the graph in its own
  // pages (its "# page:" line), any other answer in pages of LARGEST_PAGE, so that a long answer neither
  // stalls the page nor hides how long it is.
  const LARGEST_PAGE = 1000;
  const state = { running: false, rows: null, shown: null, pageSize: null };
  window.innographQuery = state;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function curie(iri) {
    for (const [prefix, ns] of namespaces) {
      if (iri.startsWith(ns)) {
        const local = iri.slice(ns.length);
        if (local && /^[\p{L}\p{N}_.-]+$/u.test(local)) return prefix + ":" + local;
        break;
      }
    }
    return "<" + iri + ">";
  }

  // ------------------------------------------------------------ the catalogue
  const buttons = [];
  for (const query of data.queries) {
    const item = el("li");
    const button = el("button");
    button.type = "button";
    button.dataset.name = query.name;
    button.append(el("span", "name", query.name), el("span", "title", query.title || query.name));
    if (query.description) button.append(el("span", "description", query.description));
    if (query.params.length) button.append(el("span", "params", query.params.join(", ")));
    button.addEventListener("click", () => load(query, button));
    item.append(button);
    list.append(item);
    buttons.push([button, (query.name + " " + query.title + " " + query.description).toLowerCase()]);
  }

  function load(query, button) {
    editor.value = query.text;
    state.pageSize = query.page_size || null;
    for (const [other] of buttons) other.classList.toggle("current", other === button);
    noteLine.textContent = query.note || "";
    hideError();
    editor.focus();
    editor.setSelectionRange(0, 0);
    editor.scrollTop = 0;
  }

  filter.addEventListener("input", () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const [button, text] of buttons) {
      button.parentElement.hidden = !words.every((w) => text.includes(w));
    }
  });

  // ------------------------------------------------------------ running
  // Updates go to /update (refused by a read-only server); everything else to /query.
  function isUpdate(text) {
    const bare = text
      .replace(/"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>/g, " ")
      .replace(/#[^\n]*/g, " ");
    const found = bare.match(/\b(SELECT|CONSTRUCT|ASK|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b/i);
    return !!found && !/^(SELECT|CONSTRUCT|ASK|DESCRIBE)$/i.test(found[1]);
  }

  function showError(message) {
    const line = String(message).split(/\r?\n/).map((s) => s.trim()).filter(Boolean).join(" ") || "error";
    errorLine.textContent = line;
    errorLine.title = line;
    errorLine.hidden = false;
    statusLine.textContent = "";
  }

  function hideError() {
    errorLine.hidden = true;
    errorLine.textContent = "";
  }

  function cell(term) {
    const td = el("td");
    if (!term) return td;
    td.dataset.type = term.type;
    td.dataset.value = term.value;
    if (term.type === "uri") {
      td.className = "uri";
      td.textContent = curie(term.value);
      td.title = term.value;
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        td.dataset.lang = term["xml:lang"];
        td.append(el("span", "tag", "@" + term["xml:lang"]));
      } else if (term.datatype) {
        td.title = curie(term.datatype);
        if (/#(integer|decimal|double|float|int|long)$/.test(term.datatype)) td.className = "num";
      }
    }
    return td;
  }

  function showTable(json) {
    const vars = json.head.vars || [];
    const rows = json.results.bindings;
    const size = state.pageSize || LARGEST_PAGE;
    const table = el("table");
    const head = el("tr");
    for (const name of vars) head.append(el("th", null, name));
    table.append(el("thead"));
    table.tHead.append(head);
    const body = el("tbody");
    table.append(body);
    const more = el("div");
    more.id = "more";

    function button(label, count) {
      const node = el("button", null, label);
      node.type = "button";
      node.addEventListener("click", () => draw(count));
      return node;
    }

    function draw(count) {
      const end = Math.min(rows.length, state.shown + count);
      const added = document.createDocumentFragment();
      for (let i = state.shown; i < end; i++) {
        const tr = el("tr");
        for (const name of vars) tr.append(cell(rows[i][name]));
        added.append(tr);
      }
      body.append(added);
      state.shown = end;
      more.replaceChildren();
      more.hidden = end >= rows.length;
      if (!more.hidden) {
        const next = Math.min(size, rows.length - end);
        more.append(
          el("span", null, "rows 1 to " + end.toLocaleString("en") + " of " + rows.length.toLocaleString("en")),
          button("show the next " + next.toLocaleString("en"), size),
          button("show all " + rows.length.toLocaleString("en"), rows.length),
        );
      }
    }

    state.shown = 0;
    results.replaceChildren(table, more);
    draw(size);
    return rows.length;
  }

  async function run() {
    if (state.running) return;
    const text = editor.value;
    const update = isUpdate(text);
    state.running = true;
    state.rows = null;
    state.shown = null;
    runButton.disabled = true;
    hideError();
    statusLine.textContent = "running…";
    const started = performance.now();
    try {
      const response = await fetch(update ? "/update" : "/query", {
        method: "POST",
        headers: update
          ? { "Content-Type": "application/sparql-update" }
          : {
              "Content-Type": "application/sparql-query",
              Accept: "application/sparql-results+json, text/turtle;q=0.9",
            },
        body: text,
        credentials: "omit",
        cache: "no-store",
        redirect: "error",
      });
      const type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
      const body = await response.text();
      const took = Math.round(performance.now() - started) + " ms";
      if (!response.ok) {
        results.replaceChildren();
        showError(response.status + " " + (body || response.statusText));
        return;
      }
      if (update) {
        results.replaceChildren();
        statusLine.textContent = "update done in " + took;
      } else if (type === "application/sparql-results+json") {
        const json = JSON.parse(body);
        if (typeof json.boolean === "boolean") {
          results.replaceChildren(el("pre", null, String(json.boolean)));
          statusLine.textContent = "answer: " + json.boolean + " (" + took + ")";
        } else {
          const count = showTable(json);
          state.rows = count;
          statusLine.textContent = count + (count === 1 ? " row" : " rows") + " in " + took;
        }
      } else {
        results.replaceChildren(el("pre", null, body));
        statusLine.textContent = type + " in " + took;
      }
    } catch (error) {
      results.replaceChildren();
      showError("the server did not answer: " + (error && error.message ? error.message : error));
    } finally {
      state.running = false;
      runButton.disabled = false;
    }
  }

  runButton.addEventListener("click", run);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  state.ready = true;
})();
