// perf-etl review: the queue, a report's text with every value at its words, and the decision form.
"use strict";

const state = { report: null, selected: null, correctable: new Set() };
const $ = (id) => document.getElementById(id);

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// ------------------------------------------------------------------ queue

async function loadQueue() {
  const data = await api(`/api/queue?priority=${$("max-priority").value}`);
  $("queue-counts").textContent = Object.entries(data.counts).map(([p, n]) => `P${p}: ${n}`).join(" · ");
  const body = document.querySelector("#queue tbody");
  const rows = document.createDocumentFragment();
  for (const row of data.rows) {
    const tr = document.createElement("tr");
    tr.className = `p${row.priority}`;
    tr.dataset.report = row.report_id;
    tr.dataset.field = row.field;
    const name = row.department_name || row.report_title || row.file_name || row.report_id.slice(0, 12);
    const report = row.project_name ? `${name} · ${row.project_name}` : name;
    for (const text of [row.priority, `${row.fiscal_year} ${report}`, row.field, row.value ?? "—", row.reason]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    tr.lastChild.className = "reason";
    tr.addEventListener("click", () => openReport(row.report_id, row.field));
    rows.appendChild(tr);
  }
  body.replaceChildren(rows);
}

// ------------------------------------------------------------------ report

async function openReport(reportId, field) {
  const started = performance.now();
  const data = await api(`/api/report?id=${encodeURIComponent(reportId)}`);
  state.report = data;
  state.correctable = new Set(data.correctable);
  $("report-pane").hidden = false;
  const doc = data.document;
  const name = doc.department_name || doc.report_title || doc.file_name;
  // A file holding several reports: say which one this is.
  $("report-title").textContent = [name, doc.project_name, doc.report_ordinal > 1 ? `report ${doc.report_ordinal}` : ""]
    .filter(Boolean).join(" · ");
  $("report-meta").textContent = `${doc.fiscal_year} · ${doc.file_name} · ${doc.page_starts.length} pages`;
  renderValues(data);
  renderText(data.text, doc.page_starts, data.evidence);
  const index = data.evidence.findIndex((e) => e.field === field);
  if (index >= 0) selectValue(index, true);
  else if (field) selectMissing(field);
  // What the browser test reads: from the click to a rendered report, in milliseconds.
  window.perfEtlLastOpenMs = performance.now() - started;
  document.body.dataset.openedReport = reportId;
}

function pendingFor(field) {
  return state.report.corrections.find((c) => c.field === field);
}

function renderValues(data) {
  const list = document.createDocumentFragment();
  data.evidence.forEach((e, index) => {
    const li = document.createElement("li");
    li.dataset.index = index;
    li.dataset.field = e.field;
    const pending = pendingFor(e.field);
    li.innerHTML = `<span class="field"></span>: <b class="value"></b> <span class="conf"></span>
      <span class="pending"></span>`;
    li.querySelector(".field").textContent = e.field;
    li.querySelector(".value").textContent = e.value ?? "(cleared)";
    const conf = li.querySelector(".conf");
    conf.textContent = e.confidence ? `[${e.confidence}]` : "";
    conf.className = `conf conf-${e.confidence || "none"}`;
    conf.title = [e.rule, e.confidence_note, e.reason].filter(Boolean).join(" · ");
    if (pending) li.querySelector(".pending").textContent = `→ ${pending.value ?? "(clear)"} at next run`;
    li.addEventListener("click", () => selectValue(index, true));
    list.appendChild(li);
  });
  for (const m of data.missing) {
    const li = document.createElement("li");
    li.dataset.field = m.field;
    li.innerHTML = `<span class="field"></span>: <i>not read</i>`;
    li.querySelector(".field").textContent = m.field;
    li.title = m.reason;
    li.addEventListener("click", () => selectMissing(m.field));
    list.appendChild(li);
  }
  $("value-list").replaceChildren(list);
}

// The text in one node per run of characters between evidence boundaries, page by page: a few nodes per
// value, never one per character.
function renderText(text, pageStarts, evidence) {
  const cuts = new Set([0, text.length, ...pageStarts]);
  evidence.forEach((e) => { if (e.char_end > e.char_start) { cuts.add(e.char_start); cuts.add(e.char_end); } });
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const starting = new Map();
  evidence.forEach((e, index) => {
    if (e.char_end > e.char_start) {
      if (!starting.has(e.char_start)) starting.set(e.char_start, []);
      starting.get(e.char_start).push(index);
    }
  });
  const pageAt = new Set(pageStarts);
  const article = document.createDocumentFragment();
  let page = null;
  let pageNumber = 0;
  let active = [];
  for (let i = 0; i < points.length - 1; i++) {
    const start = points[i];
    const end = points[i + 1];
    if (page === null || pageAt.has(start)) {
      page = document.createElement("div");
      page.className = "page";
      page.dataset.page = ++pageNumber;
      const label = document.createElement("span");
      label.className = "page-number";
      label.textContent = `page ${pageNumber}`;
      page.appendChild(label);
      article.appendChild(page);
    }
    active = active.filter((index) => evidence[index].char_end > start);
    active.push(...(starting.get(start) || []));
    const piece = text.slice(start, end);
    if (active.length === 0) {
      page.appendChild(document.createTextNode(piece));
    } else {
      const mark = document.createElement("mark");
      mark.textContent = piece;
      mark.dataset.ev = active.join(" ");
      if (active.some((index) => evidence[index].confidence === "low")) mark.classList.add("low");
      page.appendChild(mark);
    }
  }
  const container = $("text");
  container.replaceChildren(article);
  container.onclick = (event) => {
    const mark = event.target.closest("mark");
    if (mark) selectValue(Number(mark.dataset.ev.split(" ")[0]), false);
  };
}

function marksOf(index) {
  return [...$("text").querySelectorAll("mark")].filter((m) => m.dataset.ev.split(" ").includes(String(index)));
}

function selectValue(index, scrollText) {
  const e = state.report.evidence[index];
  state.selected = { field: e.field, index };
  document.querySelectorAll("#value-list li.selected, mark.selected").forEach((n) => n.classList.remove("selected"));
  const li = document.querySelector(`#value-list li[data-index="${index}"]`);
  if (li) { li.classList.add("selected"); li.scrollIntoView({ block: "nearest" }); }
  const marks = marksOf(index);
  marks.forEach((m) => m.classList.add("selected"));
  if (scrollText) {
    const target = marks[0] || document.querySelector(`.page[data-page="${e.page_number}"]`);
    if (target) {
      target.scrollIntoView({ block: "center" });
      marks.forEach((m) => { m.classList.remove("flash"); void m.offsetWidth; m.classList.add("flash"); });
    }
  }
  fillDecision(e.field, e.value, `${e.rule}${e.char_end > e.char_start ? "" : " (a table cell, page " +
    e.page_number + ")"}${e.confidence ? " · confidence " + e.confidence : ""}${e.reason ? " · " + e.reason : ""}`);
}

function selectMissing(field) {
  state.selected = { field, index: null };
  fillDecision(field, null, "not read from the text");
}

function fillDecision(field, value, how) {
  const form = $("decision");
  form.hidden = !state.correctable.has(field);
  $("decision-field").textContent = field;
  $("decision-current").textContent = `read: ${value ?? "nothing"} — ${how}`;
  $("decision-value").value = value ?? "";
  $("decision-status").textContent = "";
}

async function decide(action) {
  const status = $("decision-status");
  status.className = "";
  try {
    const result = await api("/api/decision", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        action, report_id: state.report.document.report_id, field: state.selected.field,
        value: $("decision-value").value, reason: $("decision-reason").value,
      }),
    });
    status.textContent = result.note;
    state.report.corrections = state.report.corrections.filter((c) => c.field !== result.recorded.field);
    state.report.corrections.push(result.recorded);
    renderValues(state.report);
  } catch (error) {
    status.className = "error";
    status.textContent = error.message;
  }
}

$("decision").addEventListener("submit", (event) => { event.preventDefault(); decide("correct"); });
$("accept").addEventListener("click", () => decide("accept"));
$("max-priority").addEventListener("change", loadQueue);
loadQueue().catch((error) => { $("notice").textContent = error.message; });
