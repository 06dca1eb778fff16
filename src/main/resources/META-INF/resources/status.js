// The status page: read-only views of the REST API (GET only), refreshed periodically. No build step, no libraries.
"use strict";

const REFRESH_MS = 15000;
const SUMMARY_REFRESH_MS = 60000;
const CHART_NAMESPACES = 15;

const $ = (id) => document.getElementById(id);

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = { error: "the answer is not JSON (HTTP " + response.status + ")" };
  }
  return { status: response.status, body };
}

/** Binary units as the CLI prints them; the exact count goes in the element's title. */
function human(bytes) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
}

function setBytes(element, bytes) {
  element.textContent = human(bytes);
  element.title = bytes.toLocaleString("en") + " bytes";
  element.dataset.bytes = String(bytes);
}

function text(tag, content, className) {
  const element = document.createElement(tag);
  element.textContent = content == null ? "–" : String(content);
  if (className) {
    element.className = className;
  }
  return element;
}

function describe(map) {
  return Object.entries(map || {})
    .filter(([, value]) => value !== null && typeof value !== "object")
    .map(([key, value]) => key + ": " + value)
    .join(", ");
}

async function refreshStatus() {
  const { status, body } = await getJson("api/v1/status");
  const badge = $("sync-badge");
  if (status !== 200) {
    badge.dataset.state = "unknown";
    badge.textContent = "status unavailable";
    $("sync-reason").hidden = false;
    $("sync-reason").textContent = body.error || "HTTP " + status;
    return;
  }
  badge.dataset.state = body.synced ? "synced" : "not-synced";
  badge.textContent = body.synced ? "synced" : "not synced";
  $("synced").textContent = body.synced ? "yes" : "no";
  $("sync-reason").hidden = body.synced;
  $("sync-reason").textContent = body.notSyncedReason || "";
  $("lag").textContent = body.lag < 0 ? "unknown" : body.lag.toLocaleString("en");
  $("lag").dataset.lag = String(body.lag);
  $("kafka").textContent = body.kafka ? body.kafka.state + (body.kafka.reason ? " (" + body.kafka.reason + ")" : "")
    : "–";
  const marker = body.newestMarker || {};
  $("marker").textContent = marker.writtenAt
    ? marker.writtenAt + " (" + Math.round(marker.ageSeconds) + " s ago)" : "none read";
  const objects = body.objects || {};
  const total = Object.values(objects).reduce((sum, n) => sum + n, 0);
  $("objects").textContent = total.toLocaleString("en") + " (" + Object.entries(objects)
    .filter(([, n]) => n > 0).map(([kind, n]) => kind + " " + n).join(", ") + ")";
  $("objects").dataset.images = String(objects.Image || 0);
  $("pruning").textContent = describe(body.pruning);
}

async function refreshSummary() {
  const { status, body } = await getJson("api/v1/plan/summary");
  const problem = $("plan-problem");
  problem.hidden = true;
  if (status === 503 || (status !== 200 && status !== 422)) {
    problem.hidden = false;
    problem.textContent = "No plan: " + (body.error || "HTTP " + status);
    drawChart([]);
    return;
  }
  if (body.refused) {
    problem.hidden = false;
    problem.textContent = "The plan is refused: " + body.errors.length
      + " invalid image reference(s); runs delete nothing until they are fixed or ignored (ignore-invalid-refs).";
  }
  setBytes($("total-bytes"), body.totals.bytesReclaimable);
  $("total-images").textContent = body.totals.images.toLocaleString("en");
  $("total-revisions").textContent = body.totals.tagRevisions.toLocaleString("en") + " in "
    + body.totals.streams.toLocaleString("en") + " stream(s)";
  $("total-blobs").textContent = body.totals.blobs.toLocaleString("en");
  const rows = body.namespaces.map((n) => ({ label: n.namespace, bytes: n.bytes, detail: n }));
  if (body.unattributed.images > 0 || body.unattributed.bytes > 0) {
    rows.push({ label: "(images in no pruned stream)", bytes: body.unattributed.bytes, detail: body.unattributed });
  }
  rows.sort((a, b) => b.bytes - a.bytes);
  drawChart(rows);
}

/** Horizontal bars, the namespaces with the most reclaimable bytes first. */
function drawChart(rows) {
  const svg = $("chart");
  const ns = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const shown = rows.slice(0, CHART_NAMESPACES);
  const rowHeight = 22;
  const labelWidth = 220;
  const width = Math.max(svg.getBoundingClientRect().width || 600, 400);
  const barSpace = width - labelWidth - 90;
  const max = Math.max(1, ...shown.map((r) => r.bytes));
  svg.setAttribute("height", String(shown.length * rowHeight + 4));
  shown.forEach((row, i) => {
    const group = document.createElementNS(ns, "g");
    group.setAttribute("class", "bar");
    group.dataset.namespace = row.label;
    group.dataset.bytes = String(row.bytes);
    const y = i * rowHeight + 2;
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", String(labelWidth - 6));
    label.setAttribute("y", String(y + 15));
    label.setAttribute("text-anchor", "end");
    label.textContent = row.label.length > 30 ? row.label.slice(0, 29) + "…" : row.label;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", String(labelWidth));
    bar.setAttribute("y", String(y + 2));
    bar.setAttribute("height", String(rowHeight - 6));
    bar.setAttribute("width", String(Math.max(1, (row.bytes / max) * barSpace)));
    const title = document.createElementNS(ns, "title");
    title.textContent = row.label + ": " + row.bytes.toLocaleString("en") + " bytes";
    bar.appendChild(title);
    const value = document.createElementNS(ns, "text");
    value.setAttribute("x", String(labelWidth + Math.max(1, (row.bytes / max) * barSpace) + 6));
    value.setAttribute("y", String(y + 15));
    value.textContent = human(row.bytes);
    group.append(label, bar, value);
    svg.appendChild(group);
  });
  $("chart-caption").textContent = rows.length === 0 ? "Nothing reclaimable."
    : rows.length > shown.length ? "The " + shown.length + " largest of " + rows.length + " entries."
      : "Bytes per namespace, the most first.";
}

async function refreshRuns() {
  const { status, body } = await getJson("api/v1/runs");
  const tbody = $("runs-body");
  tbody.replaceChildren();
  if (status !== 200) {
    const row = document.createElement("tr");
    row.appendChild(text("td", body.error || "HTTP " + status)).colSpan = 8;
    tbody.appendChild(row);
    return;
  }
  if (body.length === 0) {
    const row = document.createElement("tr");
    row.appendChild(text("td", "No run since the service started.")).colSpan = 8;
    tbody.appendChild(row);
    return;
  }
  body.slice().reverse().forEach((run) => {
    const row = document.createElement("tr");
    row.dataset.run = run.id;
    row.append(text("td", run.id), text("td", run.trigger), text("td", run.state, "outcome-" + run.state),
      text("td", run.dryRun ? "yes" : "no"), text("td", run.startedAt), text("td", run.finishedAt),
      text("td", run.reason ? run.summary + " — " + run.reason : run.summary));
    const bytes = text("td", "", "num");
    setBytes(bytes, run.bytesReclaimed || 0);
    row.appendChild(bytes);
    tbody.appendChild(row);
  });
}

async function explain(event) {
  event.preventDefault();
  const image = $("explain-image").value.trim();
  const out = $("explanation");
  out.replaceChildren(text("p", "explaining…"));
  const { status, body } = await getJson("api/v1/images/" + encodeURIComponent(image) + "/explain");
  out.replaceChildren();
  if (status !== 200 && status !== 422) {
    out.appendChild(text("p", body.error || "HTTP " + status, "problem"));
    return;
  }
  const head = document.createElement("p");
  head.append(text("code", body.image), document.createTextNode(" is "),
    text("span", body.verdict, "verdict verdict-" + body.verdict));
  out.appendChild(head);
  out.appendChild(text("p", body.reason)).className = "reason";
  if (body.rule) {
    out.appendChild(text("p", "Rule " + body.rule.name + ": " + body.rule.description));
  }
  if (body.stage2 !== "DECIDED") {
    out.appendChild(text("p", "Stage 2: " + body.stage2));
  }
  const counting = (body.referrers || []).filter((r) => r.counts);
  if (counting.length > 0) {
    out.appendChild(text("h3", "Used by"));
    const list = document.createElement("ul");
    counting.forEach((r) => list.appendChild(text("li", r.kind + " " + r.namespace + "/" + r.name + " (" + r.field
      + ")")));
    out.appendChild(list);
  }
  if ((body.revisions || []).length > 0) {
    out.appendChild(text("h3", "Stream revisions"));
    const list = document.createElement("ul");
    body.revisions.forEach((r) => list.appendChild(text("li", r.repository + ":" + r.tag + " #" + r.index
      + (r.removed ? " — removed" : " — kept") + (r.rule ? " (" + r.rule.name + ")" : ""))));
    out.appendChild(list);
  }
}

async function refreshAll() {
  await Promise.allSettled([refreshStatus(), refreshRuns()]);
  $("updated").textContent = new Date().toISOString();
  document.body.dataset.loaded = "true";
}

document.addEventListener("DOMContentLoaded", () => {
  $("explain-form").addEventListener("submit", explain);
  const summary = refreshSummary().finally(() => { document.body.dataset.summaryLoaded = "true"; });
  refreshAll();
  setInterval(refreshAll, REFRESH_MS);
  setInterval(refreshSummary, SUMMARY_REFRESH_MS);
  return summary;
});
