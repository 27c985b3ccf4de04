// The validator's dashboard: every value comes from the JSON API and is put on the page as text (textContent,
// chart labels), never as HTML, because page ids are free text.
'use strict';

const REFRESH_MS = 15000;
let topnChart = null;
let uvChart = null;
const bucketCharts = {};

async function getJson(url) {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) {
    throw new Error(url + ': HTTP ' + r.status);
  }
  return r.json();
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (cls) {
    e.className = cls;
  }
  return e;
}

function rows(tbody, data) {
  tbody.replaceChildren(...data.map(cells => {
    const tr = el('tr');
    cells.forEach(c => tr.appendChild(c instanceof Node ? wrap(c) : el('td', c)));
    return tr;
  }));
}

function wrap(node) {
  const td = el('td');
  td.appendChild(node);
  return td;
}

function fmt(v, digits) {
  if (v === null || v === undefined) {
    return '–';
  }
  return typeof v === 'number' && digits !== undefined ? v.toFixed(digits) : String(v);
}

function chart(existing, canvasId, config) {
  if (existing) {
    existing.data = config.data;
    existing.update();
    return existing;
  }
  return new Chart(document.getElementById(canvasId), config);
}

async function refreshWindows() {
  const d = await getJson('/api/windows?limit=288');
  const select = document.getElementById('window-select');
  const chosen = select.value;
  const options = [el('option', 'latest sealed')];
  options[0].value = '';
  d.windows.slice().reverse().forEach(w => {
    const o = el('option', w.window_start + '  (pv ' + fmt(w.pv) + ', uv ' + fmt(w.uv) + ')');
    o.value = w.window_start;
    options.push(o);
  });
  select.replaceChildren(...options);
  select.value = chosen;
}

// The snapshot the Top-N panel shows: the current one, or (Iceberg) the one current at the "as of" instant, which a
// link can carry (/?asOf=2026-11-21T22:45:00Z). An instant the table cannot answer shows the API's reason.
function snapshotText(s) {
  if (!s) {
    return 'read from the committed files (_spark_metadata)';
  }
  return (s.as_of ? 'as of ' + s.as_of + ': ' : 'current: ') + s.table + ' snapshot ' + s.id + ', committed at '
    + s.committed_at;
}

async function refreshTopN() {
  const chosen = document.getElementById('window-select').value;
  const asOf = document.getElementById('asof-input').value.trim();
  const url = '/api/topn?n=10' + (chosen ? '&window=' + encodeURIComponent(chosen) : '')
    + (asOf ? '&asOf=' + encodeURIComponent(asOf) : '');
  const r = await fetch(url, { cache: 'no-store' });
  const d = await r.json().catch(() => ({}));
  if (!r.ok) {
    document.getElementById('topn-snapshot').textContent = 'as of ' + asOf + ': ' + (d.message || 'HTTP ' + r.status);
    throw new Error(url + ': HTTP ' + r.status);
  }
  document.getElementById('topn-snapshot').textContent = snapshotText(d.snapshot);
  document.getElementById('topn-window').textContent =
    d.window_start ? d.window_start + ' – ' + d.window_end : 'no sealed window yet';
  topnChart = chart(topnChart, 'topn-chart', {
    type: 'bar',
    data: {
      labels: d.pages.map(p => p.page_id),
      datasets: [{ label: 'pv', data: d.pages.map(p => p.pv), backgroundColor: '#3b82f6' }]
    },
    options: { animation: false, indexAxis: 'y', maintainAspectRatio: false, plugins: { legend: { display: false } } }
  });
  // The table shows what the chart draws: its own labels and values.
  const labels = topnChart.data.labels;
  const values = topnChart.data.datasets[0].data;
  rows(document.getElementById('topn-rows'), labels.map((l, i) => [i + 1, l, values[i]]));
}

async function refreshUv() {
  const d = await getJson('/api/uv');
  uvChart = chart(uvChart, 'uv-chart', {
    type: 'line',
    data: {
      labels: d.windows.map(w => w.window_start),
      datasets: [
        { label: 'HLL (uv)', data: d.windows.map(w => w.hll), borderColor: '#3b82f6', pointRadius: 2 },
        { label: 'exact', data: d.windows.map(w => w.exact), borderColor: '#f97316', borderDash: [4, 3], pointRadius: 2 }
      ]
    },
    options: { animation: false, maintainAspectRatio: false }
  });
  rows(document.getElementById('uv-rows'),
    d.windows.slice().reverse().map(w => [w.window_start, fmt(w.hll), fmt(w.exact), fmt(w.sigmas, 2)]));
}

// UV per hour or day: the estimate as a line inside a band from lower to upper (the union's bounds), and the exact
// count where the API gives it (ranges up to a day).
async function refreshUvBuckets(grain) {
  const d = await getJson('/api/uv?grain=' + grain);
  document.getElementById('uv-num-std-dev').textContent = String(d.num_std_dev);
  const b = d.buckets;
  const datasets = [
    { label: 'upper', data: b.map(x => x.upper), borderColor: 'rgba(59,130,246,0.3)', backgroundColor: 'rgba(59,130,246,0.15)',
      pointRadius: 0, fill: '+1' },
    { label: 'lower', data: b.map(x => x.lower), borderColor: 'rgba(59,130,246,0.3)', pointRadius: 0, fill: false },
    { label: 'estimate (union)', data: b.map(x => x.estimate), borderColor: '#3b82f6', pointRadius: 3,
      pointStyle: b.map(x => (x.complete ? 'circle' : 'triangle')) }
  ];
  if (d.exact_included) {
    datasets.push({ label: 'exact', data: b.map(x => x.exact), borderColor: '#f97316', borderDash: [4, 3], pointRadius: 2 });
  }
  bucketCharts[grain] = chart(bucketCharts[grain], 'uv-' + grain + '-chart', {
    type: 'line',
    data: { labels: b.map(x => x.start), datasets },
    options: { animation: false, maintainAspectRatio: false }
  });
  rows(document.getElementById('uv-' + grain + '-rows'), b.slice().reverse().map(x => {
    const cells = [x.start, fmt(x.estimate), fmt(x.lower, 0), fmt(x.upper, 0)];
    if (grain === 'hour') {
      cells.push(fmt(x.exact));
    }
    cells.push(x.windows, x.complete ? 'yes' : 'open');
    return cells;
  }));
}

async function refreshDq() {
  const d = await getJson('/api/dq?history=20');
  const byCheck = {};
  d.history.forEach(h => (byCheck[h.check] = byCheck[h.check] || []).push(h));
  rows(document.getElementById('dq-rows'), d.latest.map(c => {
    const strip = el('span');
    (byCheck[c.check] || []).forEach(h => {
      const dot = el('span', null, 'dot ' + h.status);
      dot.title = h.checkedAt + ': ' + h.status + ' (' + fmt(h.value) + ')';
      strip.appendChild(dot);
    });
    return [c.check, el('span', c.status, c.status), fmt(c.value, 3),
      fmt(c.warnThreshold) + ' / ' + fmt(c.failThreshold), strip, c.detail];
  }));
}

async function refreshPipeline() {
  const d = await getJson('/api/pipeline');
  const summary = document.getElementById('pipeline-summary');
  const items = [['sealed watermark', fmt(d.sealed_watermark)], ['events dropped as late (pv)', fmt(d.late_events_total)]];
  // What the figures were read from: the pv table's snapshot on Iceberg, pv's _spark_metadata on Parquet.
  if (d.output) {
    const pv = (d.output.sinks || {}).pv || {};
    items.push(['output read from', d.output.format + ': ' + (pv.error || pv.origin || '-')]);
  }
  summary.replaceChildren(...items.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
  rows(document.getElementById('pipeline-rows'), Object.entries(d.queries).map(([name, q]) =>
    [name, fmt(q.watermark || q.committed_watermark), fmt(q.batch_id ?? q.committed_batch),
      fmt(q.input_rows_per_second, 1), fmt(q.rows_dropped_by_watermark_recent)]));
  rows(document.getElementById('quarantine-rows'), d.quarantine.map(q => [q.reason, q.n]));
  rows(document.getElementById('late-rows'), d.late_events.map(e =>
    [e.window_start, fmt(e.event_id), e.page_id, e.source_file == null ? e.kafka_partition + '/' + e.kafka_offset
      : e.source_file + ':' + (e.source_line ?? '?')]));
}

async function refresh() {
  const errors = [];
  for (const f of [refreshWindows, refreshTopN, refreshUv, () => refreshUvBuckets('hour'),
    () => refreshUvBuckets('day'), refreshDq, refreshPipeline]) {
    try {
      await f();
    } catch (e) {
      errors.push(e.message);
    }
  }
  document.getElementById('updated').textContent =
    (errors.length ? 'errors: ' + errors.join('; ') + ' — ' : 'updated ') + new Date().toISOString();
  document.body.dataset.loaded = errors.length ? 'error' : 'true';
}

document.getElementById('window-select').addEventListener('change', () => refreshTopN().catch(e =>
  (document.getElementById('updated').textContent = e.message)));
const asOfInput = document.getElementById('asof-input');
asOfInput.value = new URLSearchParams(window.location.search).get('asOf') || '';
asOfInput.addEventListener('change', () => refreshTopN().catch(e =>
  (document.getElementById('updated').textContent = e.message)));
refresh();
setInterval(refresh, REFRESH_MS);
