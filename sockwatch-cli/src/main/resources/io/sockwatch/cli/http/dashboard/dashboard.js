/*
 * The sockwatch dashboard: findings in plain words, then plots of the agent's history.
 *
 * Polls the agent's own JSON API (/api/findings, /api/status, /api/history) every POLL_MS and
 * updates the page in place. Every string that comes from the API reaches the page as text
 * (textContent, element properties), never as markup: process names and peer addresses are
 * whatever the node's programs made them. A failed request shows a banner and the last data stays
 * on screen; polling goes on.
 *
 * Test hook: each plot container carries data-points, the number of time points uPlot drew
 * (set from its draw hook, so it is 0 until a plot with data has actually been drawn).
 */
(function () {
  'use strict';

  const POLL_MS = 2000;
  const REQUEST_TIMEOUT_MS = 10000;
  const TARGET_POINTS = 300;
  const MAX_LINES = 8;
  const PLOT_HEIGHT = 220;
  const LOG_FLOOR = 1;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#ea580c', '#7c3aed', '#0891b2', '#db2777',
    '#65a30d', '#a16207', '#475569'];
  const LIMIT_COLOR = '#6b7280';
  const STATE_ORDER = ['established', 'syn_sent', 'syn_recv', 'new_syn_recv', 'fin_wait1',
    'fin_wait2', 'time_wait', 'close', 'close_wait', 'last_ack', 'closing', 'listen', 'unknown'];

  /* ---------- small helpers ---------- */

  function $(id) {
    return document.getElementById(id);
  }

  /** An element with a class and text; text is always set as text. */
  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  function str(v) {
    return typeof v === 'string' ? v : '';
  }

  function finite(v) {
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  }

  const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

  function num(v) {
    return finite(v) === null ? '–' : numberFormat.format(v);
  }

  /** Short axis and legend numbers: 1.2k, 3.4M. */
  function compact(v) {
    if (finite(v) === null) {
      return '–';
    }
    const a = Math.abs(v);
    const units = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    for (const [size, suffix] of units) {
      if (a >= size) {
        return numberFormat.format(Math.round((v / size) * 10) / 10) + suffix;
      }
    }
    return numberFormat.format(a >= 100 ? Math.round(v) : Math.round(v * 100) / 100);
  }

  function bytes(v) {
    const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let x = v;
    while (Math.abs(x) >= 1024 && i < units.length - 1) {
      x /= 1024;
      i++;
    }
    return i === 0 ? num(v) + ' bytes' : numberFormat.format(Math.round(x * 10) / 10) + ' ' + units[i];
  }

  /** Seconds as people say them: 45 s, 3 min 20 s, 2 h 5 min, 1 d 3 h. */
  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) {
      return s + ' s';
    }
    if (s < 3600) {
      return Math.floor(s / 60) + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
    }
    if (s < 86400) {
      const m = Math.floor((s % 3600) / 60);
      return Math.floor(s / 3600) + ' h' + (m ? ' ' + m + ' min' : '');
    }
    const h = Math.floor((s % 86400) / 3600);
    return Math.floor(s / 86400) + ' d' + (h ? ' ' + h + ' h' : '');
  }

  function pad(n) {
    return String(n).padStart(2, '0');
  }

  /** Local clock time; with the date when not today. */
  function clock(date) {
    const t = pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
    const now = new Date();
    if (date.toDateString() === now.toDateString()) {
      return t;
    }
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' ' + t;
  }

  function parseTime(iso) {
    const d = new Date(str(iso));
    return Number.isNaN(d.getTime()) ? null : d;
  }

  function ago(date) {
    return duration((Date.now() - date.getTime()) / 1000) + ' ago';
  }

  /* ---------- the API ---------- */

  class ApiError extends Error {
    constructor(path, status, message) {
      super(message);
      this.path = path;
      this.status = status;
    }

    describe() {
      return this.path + ': ' + this.message + (this.status ? ' (HTTP ' + this.status + ')' : '');
    }
  }

  async function getJson(path) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    try {
      let res;
      try {
        res = await fetch(path, { cache: 'no-store', signal: abort.signal });
      } catch (e) {
        throw new ApiError(path, 0, abort.signal.aborted
          ? 'no answer within ' + REQUEST_TIMEOUT_MS / 1000 + ' s'
          : 'the agent is not reachable');
      }
      let body = null;
      try {
        body = await res.json();
      } catch (e) {
        body = null;
      }
      if (!res.ok) {
        const said = body && typeof body.error === 'string' ? body.error : res.statusText;
        throw new ApiError(path, res.status, said || 'request failed');
      }
      if (body === null || typeof body !== 'object') {
        throw new ApiError(path, res.status, 'the answer is not JSON');
      }
      return body;
    } finally {
      clearTimeout(timer);
    }
  }

  /* ---------- findings ---------- */

  function who(subject) {
    const s = subject && typeof subject === 'object' ? subject : {};
    const parts = [];
    const processes = Array.isArray(s.processes) ? s.processes.map(str).filter(Boolean) : [];
    if (processes.length) {
      parts.push(processes.join(', '));
    }
    if (str(s.local)) {
      parts.push('on ' + s.local);
    }
    if (str(s.destination)) {
      parts.push('→ ' + s.destination);
    }
    if (str(s.scope)) {
      parts.push(parts.length ? '(' + s.scope + ')' : s.scope);
    }
    // Where on the node, when the agent reads several network namespaces.
    const where = [];
    if (str(s.netns)) {
      where.push('netns ' + s.netns);
    }
    if (Array.isArray(s.containers)) {
      where.push(...s.containers.map(str).filter(Boolean));
    }
    if (where.length) {
      parts.push('[' + where.join(', ') + ']');
    }
    return parts.length ? parts.join(' ') : 'this node';
  }

  function evidenceValue(e) {
    const v = finite(e.value);
    const unit = str(e.unit);
    if (v === null) {
      return '–';
    }
    if (unit === 'bytes') {
      return Math.abs(v) >= 1024 ? bytes(v) + ' (' + num(v) + ' bytes)' : num(v) + ' bytes';
    }
    if (unit === 's' && Math.abs(v) >= 120) {
      return duration(v) + ' (' + num(v) + ' s)';
    }
    return unit ? num(v) + ' ' + unit : num(v);
  }

  function severityClass(severity) {
    const s = str(severity).toLowerCase();
    return ['critical', 'warning', 'info'].includes(s) ? s : 'info';
  }

  function badge(severity) {
    return el('span', 'badge sev-' + severityClass(severity), str(severity) || 'INFO');
  }

  function fact(list, term, value) {
    list.append(el('dt', null, term));
    const dd = el('dd');
    if (value instanceof Node) {
      dd.append(value);
    } else {
      dd.textContent = value;
    }
    list.append(dd);
  }

  function headroom(h) {
    const used = finite(h.used);
    const limit = finite(h.limit);
    const box = el('div', 'headroom');
    let text = str(h.resource) + ': ' + num(used) + ' of ' + num(limit) + ' ' + str(h.unit) + ' used';
    let fraction = null;
    if (used !== null && limit !== null && limit > 0) {
      fraction = used / limit;
      text += ' (' + numberFormat.format(Math.round(fraction * 1000) / 10) + '%)';
    }
    const toLimit = finite(h.seconds_to_limit);
    if (toLimit !== null) {
      text += '; at the current rate the limit is reached in ' + duration(toLimit);
    }
    box.append(el('span', null, text));
    if (fraction !== null) {
      const bar = el('div', 'bar');
      const fill = el('span', fraction >= 0.9 ? 'full' : fraction >= 0.7 ? 'high' : '');
      fill.style.width = Math.min(100, Math.max(0.5, fraction * 100)) + '%';
      bar.append(fill);
      box.append(bar);
    }
    return box;
  }

  function since(f) {
    const first = parseTime(f.first_seen);
    const last = parseTime(f.last_seen);
    if (!first) {
      return 'unknown';
    }
    let text = clock(first) + ' (' + ago(first) + ')';
    if (last) {
      text += ', last seen ' + clock(last);
    }
    return text;
  }

  function findingCard(f) {
    const card = el('article', 'finding sev-' + severityClass(f.severity));
    card.dataset.findingId = str(f.id);
    const head = el('div', 'finding-head');
    head.append(badge(f.severity), el('h3', 'finding-title', str(f.title)));
    card.append(head);

    const facts = el('dl', 'facts');
    fact(facts, 'Who', who(f.subject));
    fact(facts, 'Since', since(f));
    if (f.headroom && typeof f.headroom === 'object') {
      fact(facts, 'Headroom', headroom(f.headroom));
    }
    card.append(facts);

    const evidence = Array.isArray(f.evidence) ? f.evidence : [];
    if (evidence.length) {
      const table = el('table', 'evidence');
      const body = el('tbody');
      for (const e of evidence) {
        const row = el('tr');
        // The label is for people; the key (and member) name the row for programs and tests.
        row.dataset.key = str(e.key);
        if (str(e.member)) {
          row.dataset.member = str(e.member);
        }
        row.append(el('th', null, str(e.name)), el('td', null, evidenceValue(e)));
        body.append(row);
      }
      table.append(body);
      card.append(table);
    }
    if (str(f.remediation)) {
      const p = el('p', 'remedy');
      p.append(el('strong', null, 'What to do: '), document.createTextNode(f.remediation));
      card.append(p);
    }
    if (str(f.docs)) {
      const p = el('p', 'docs', 'Read more: ');
      p.append(el('code', null, f.docs));
      card.append(p);
    }
    return card;
  }

  function resolvedItem(f) {
    const item = el('div', 'resolved-item');
    item.dataset.findingId = str(f.id);
    const head = el('div', 'finding-head');
    head.append(badge(f.severity), el('span', 'finding-title', str(f.title)));
    item.append(head);
    const first = parseTime(f.first_seen);
    const last = parseTime(f.last_seen);
    const gone = parseTime(f.resolved_at);
    let text = who(f.subject);
    if (first && last) {
      text += ' · seen ' + clock(first) + ' – ' + clock(last);
    }
    if (gone) {
      text += ' · resolved ' + clock(gone) + ' (' + ago(gone) + ')';
    }
    item.append(el('p', 'muted', text));
    return item;
  }

  /** True while the reader is selecting text in box: re-rendering would drop the selection. */
  function selecting(box) {
    const sel = window.getSelection();
    return sel && !sel.isCollapsed && sel.rangeCount > 0 &&
      box.contains(sel.getRangeAt(0).commonAncestorContainer);
  }

  function renderFindings(doc) {
    const open = Array.isArray(doc.open) ? doc.open : [];
    const resolved = Array.isArray(doc.resolved) ? doc.resolved : [];
    const box = $('findings-open');
    if (!selecting(box)) {
      if (open.length) {
        box.replaceChildren(...open.map(findingCard));
      } else {
        const clear = el('div', 'all-clear');
        clear.append(el('strong', null, 'All clear.'),
          document.createTextNode(' No open findings: nothing wrong with this node\'s sockets right now.'));
        box.replaceChildren(clear);
      }
    }
    const details = $('findings-resolved');
    details.hidden = resolved.length === 0;
    $('resolved-count').textContent = String(resolved.length);
    const list = $('resolved-list');
    if (!selecting(list)) {
      list.replaceChildren(...resolved.map(resolvedItem));
    }
  }

  /* ---------- status line ---------- */

  const freshness = { takenAt: null, changedAt: 0 };

  function renderStatus(status, findings) {
    const parts = [];
    const taken = findings ? parseTime(findings.taken_at) : null;
    if (taken) {
      parts.push('Last sample ' + clock(taken));
    }
    const interval = finite(status.interval_seconds);
    const scanInterval = finite(status.scan_interval_seconds);
    const lastScan = finite(status.last_scan_seconds);
    if (interval !== null) {
      parts.push('sampling every ' + duration(interval));
    }
    if (scanInterval !== null) {
      let scan = 'socket table every ' + duration(scanInterval);
      if (lastScan !== null) {
        scan += ' (last scan ' + numberFormat.format(Math.round(lastScan * 1000)) + ' ms)';
      }
      parts.push(scan);
    }
    const memory = status.memory && typeof status.memory === 'object' ? status.memory : {};
    const heap = finite(memory.heap_used_bytes);
    if (heap !== null) {
      const max = finite(memory.heap_max_bytes);
      parts.push('agent heap ' + bytes(heap) + (max !== null ? ' of ' + bytes(max) : ''));
    }
    const history = memory.history && typeof memory.history === 'object' ? memory.history : {};
    if (finite(history.series) !== null) {
      parts.push(num(history.series) + ' series');
    }
    const line = $('status');
    line.replaceChildren(el('span', null, parts.join(' · ')));
    const unavailable = Array.isArray(status.unavailable) ? status.unavailable : [];
    if (unavailable.length) {
      const note = el('span', 'unavailable', ' · ' + unavailable.length + ' not readable');
      note.title = unavailable.map((u) => str(u.item) + ': ' + str(u.reason)).join('\n');
      line.append(note);
    }
  }

  /** Whether the agent's samples stopped coming: taken_at unchanged for 3 intervals (+ slack). */
  function staleness(status, findings) {
    const taken = findings ? str(findings.taken_at) : '';
    const now = Date.now();
    if (taken !== freshness.takenAt) {
      freshness.takenAt = taken;
      freshness.changedAt = now;
      return null;
    }
    const interval = finite(status && status.interval_seconds) || 1;
    const still = (now - freshness.changedAt) / 1000;
    return still > 3 * interval + 5
      ? 'The agent has taken no new sample for ' + duration(still) + '; the numbers below are old.'
      : null;
  }

  /* ---------- plots ---------- */

  function labelValue(s, name) {
    return s && s.labels && typeof s.labels === 'object' ? str(s.labels[name]) : '';
  }

  function points(s) {
    return s && Array.isArray(s.points) ? s.points : [];
  }

  function latest(pts) {
    for (let i = pts.length - 1; i >= 0; i--) {
      const v = finite(pts[i][1]);
      if (v !== null) {
        return v;
      }
    }
    return -Infinity;
  }

  function anyNonZero(pts) {
    return pts.some((p) => finite(p[1]) !== null && p[1] !== 0);
  }

  /** Point-wise sum of two series; a missing point counts as 0. */
  function sum(a, b) {
    const byTime = new Map();
    for (const pts of [a, b]) {
      for (const p of pts) {
        const v = finite(p[1]);
        if (v !== null) {
          byTime.set(p[0], (byTime.get(p[0]) || 0) + v);
        }
      }
    }
    return Array.from(byTime.entries()).sort((x, y) => x[0] - y[0]);
  }

  function line(label, pts, options) {
    return Object.assign({ label: label, points: pts, limit: false, color: null }, options || {});
  }

  const PLOTS = [
    {
      id: 'sockets',
      title: 'Sockets by state',
      hint: 'Every TCP socket on the node, by state (states that stayed at zero are left out).',
      names: ['sockwatch_sockets'],
      build: (r) => r.sockwatch_sockets
        .filter((s) => anyNonZero(points(s)))
        .sort((a, b) => STATE_ORDER.indexOf(labelValue(a, 'state')) -
          STATE_ORDER.indexOf(labelValue(b, 'state')))
        .map((s) => line(labelValue(s, 'state').toUpperCase(), points(s), {
          color: PALETTE[Math.max(0, STATE_ORDER.indexOf(labelValue(s, 'state'))) % PALETTE.length],
        })),
    },
    {
      id: 'time-wait',
      title: 'TIME_WAIT',
      hint: 'Connections closed here wait in TIME_WAIT; many to one destination use up its ports.',
      names: ['sockwatch_node_tcp_time_wait_sockets', 'sockwatch_destination_time_wait_sockets'],
      build: (r) => [
        ...r.sockwatch_node_tcp_time_wait_sockets.map((s) => line('all (kernel count)', points(s))),
        ...r.sockwatch_destination_time_wait_sockets
          .filter((s) => anyNonZero(points(s)))
          .slice(0, MAX_LINES - 1)
          .map((s) => line('to ' + labelValue(s, 'destination'), points(s))),
      ],
    },
    {
      id: 'churn',
      title: 'Connection churn',
      hint: 'New connections per second: seen by the scans, and those that opened and closed between two scans.',
      names: ['sockwatch_new_connections_per_second', 'sockwatch_new_time_wait_per_second',
        'sockwatch_node_tcp_active_opens_per_second'],
      unit: '/s',
      build: (r) => [
        ...r.sockwatch_new_connections_per_second.map((s) => line('new connections', points(s))),
        ...r.sockwatch_new_time_wait_per_second
          .map((s) => line('opened and closed between scans', points(s))),
        ...r.sockwatch_node_tcp_active_opens_per_second
          .map((s) => line('outgoing connects (kernel)', points(s))),
      ],
    },
    {
      id: 'tcp-memory',
      title: 'TCP memory vs limits',
      hint: 'Pages of socket buffers in use, against tcp_mem (above "pressure" the kernel trims buffers). Log scale.',
      names: ['sockwatch_node_tcp_memory_pages', 'sockwatch_node_tcp_mem_limit_pages'],
      log: true,
      unit: ' pages',
      build: (r) => {
        const order = ['min', 'pressure', 'max'];
        const colors = { min: LIMIT_COLOR, pressure: '#d97706', max: '#b91c1c' };
        const limits = r.sockwatch_node_tcp_mem_limit_pages
          .slice()
          .sort((a, b) => order.indexOf(labelValue(a, 'level')) - order.indexOf(labelValue(b, 'level')));
        return [
          ...r.sockwatch_node_tcp_memory_pages.map((s) => line('in use', points(s))),
          ...limits.map((s) => line('limit: ' + labelValue(s, 'level'), points(s), {
            limit: true, color: colors[labelValue(s, 'level')] || LIMIT_COLOR,
          })),
        ];
      },
    },
    {
      id: 'processes',
      title: 'Sockets per process',
      hint: 'The processes holding the most TCP sockets.',
      names: ['sockwatch_process_sockets'],
      build: (r) => r.sockwatch_process_sockets
        .slice(0, MAX_LINES)
        .map((s) => line(labelValue(s, 'process'), points(s))),
    },
    {
      id: 'ports',
      title: 'Port use per destination',
      hint: 'Open plus TIME_WAIT sockets to the busiest destinations, against the ephemeral port range each destination can use. Log scale.',
      names: ['sockwatch_destination_open_sockets', 'sockwatch_destination_time_wait_sockets',
        'sockwatch_node_ephemeral_ports'],
      log: true,
      build: (r) => {
        const open = new Map();
        const tw = new Map();
        r.sockwatch_destination_open_sockets.forEach((s) => open.set(labelValue(s, 'destination'), points(s)));
        r.sockwatch_destination_time_wait_sockets.forEach((s) => tw.set(labelValue(s, 'destination'), points(s)));
        const used = Array.from(new Set([...open.keys(), ...tw.keys()]))
          .map((d) => ({ destination: d, pts: sum(open.get(d) || [], tw.get(d) || []) }))
          .filter((u) => anyNonZero(u.pts))
          .sort((a, b) => latest(b.pts) - latest(a.pts))
          .slice(0, MAX_LINES - 1);
        return [
          ...used.map((u) => line('to ' + u.destination, u.pts)),
          ...r.sockwatch_node_ephemeral_ports
            .map((s) => line('ephemeral port range', points(s), { limit: true })),
        ];
      },
    },
  ];

  /** uPlot's columnar data: one x array (union of timestamps) and a y array per line. */
  function align(lines) {
    const times = new Set();
    for (const l of lines) {
      for (const p of l.points) {
        if (finite(p[0]) !== null) {
          times.add(p[0]);
        }
      }
    }
    const xs = Array.from(times).sort((a, b) => a - b);
    const index = new Map(xs.map((t, i) => [t, i]));
    const ys = lines.map((l) => {
      const y = new Array(xs.length).fill(null);
      for (const p of l.points) {
        const v = finite(p[1]);
        if (index.has(p[0]) && v !== null) {
          y[index.get(p[0])] = v;
        }
      }
      return y;
    });
    return [xs, ...ys];
  }

  /**
   * What a log-scale plot draws: values below 1 (an idle node's 0 pages) on the floor at 1, as a
   * log axis has no 0. The legend shows the true values.
   */
  function floored(data) {
    return [data[0], ...data.slice(1).map((y) => y.map((v) => (v === null ? null : Math.max(LOG_FLOOR, v))))];
  }

  /** Time points where at least one line has a value: what the plot actually drew. */
  function drawnPoints(data) {
    let n = 0;
    for (let i = 0; i < data[0].length; i++) {
      for (let j = 1; j < data.length; j++) {
        if (data[j][i] !== null && data[j][i] !== undefined) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  /** What the plots show: window seconds chosen, and the [from, to] of the latest answers. */
  const view = { window: 900, from: 0, to: 0 };
  const plotState = new Map();

  function createPlotCards() {
    const box = $('plots');
    for (const def of PLOTS) {
      const card = el('figure', 'plot-card');
      const caption = el('figcaption');
      caption.append(el('h3', null, def.title), el('p', 'hint', def.hint));
      const target = el('div', 'plot');
      target.id = 'plot-' + def.id;
      target.dataset.points = '0';
      const empty = el('p', 'empty', 'No data yet.');
      card.append(caption, target, empty);
      box.append(card);
      plotState.set(def.id, {
        def: def, target: target, empty: empty, plot: null, signature: '', raw: [[]],
      });
    }
  }

  /**
   * Legend value, from the true (not floored) data: at the cursor, or the latest value while the
   * cursor is elsewhere.
   */
  function legendValue(raw, seriesIndex, index, unit) {
    const ys = raw[seriesIndex] || [];
    let value = null;
    if (index === null || index === undefined) {
      for (let i = ys.length - 1; i >= 0 && value === null; i--) {
        value = ys[i] === undefined ? null : ys[i];
      }
    } else {
      value = ys[index] === undefined ? null : ys[index];
    }
    return value === null ? '–' : compact(value) + unit;
  }

  /** Decades only on log axes: a grid line and label at 1, 10, 100, ... */
  function decades(u, axisIndex, min, max) {
    const out = [];
    for (let e = Math.floor(Math.log10(Math.max(min, 1e-9))); e <= Math.ceil(Math.log10(max)); e++) {
      const v = Math.pow(10, e);
      if (v >= min && v <= max) {
        out.push(v);
      }
    }
    return out;
  }

  /** Clock labels, 24-hour; seconds on short windows. */
  function timeLabels(u, splits) {
    const seconds = view.to - view.from <= 600;
    return splits.map((v) => {
      const d = new Date(v * 1000);
      return pad(d.getHours()) + ':' + pad(d.getMinutes()) + (seconds ? ':' + pad(d.getSeconds()) : '');
    });
  }

  function plotOptions(state, lines) {
    const def = state.def;
    const unit = def.unit || '';
    let colorIndex = 0;
    const yAxis = {
      stroke: '#4b5563', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d1d5db' }, size: 56,
      // uPlot passes null for splits it leaves unlabelled (too close together).
      values: (u, splits) => splits.map((v) => (v === null ? '' : compact(v))),
    };
    if (def.log) {
      yAxis.splits = decades;
    }
    return {
      width: Math.max(200, state.target.clientWidth),
      height: PLOT_HEIGHT,
      // Room on the right for the last time label.
      padding: [10, 28, null, null],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        x: { time: true, range: () => [view.from, view.to] },
        y: def.log
          ? {
            distr: 3,
            log: 10,
            range: (u, min, max) => [LOG_FLOOR, Math.pow(10, Math.ceil(Math.log10(Math.max(max, 10))))],
          }
          : { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { stroke: '#4b5563', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d1d5db' }, values: timeLabels },
        yAxis,
      ],
      series: [
        {
          value: (u, v) => {
            const xs = u.data[0];
            const t = v === null || v === undefined ? xs[xs.length - 1] : v;
            return t === undefined ? '–' : clock(new Date(t * 1000));
          },
        },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color || (l.limit ? LIMIT_COLOR : PALETTE[colorIndex++ % PALETTE.length]),
          width: l.limit ? 1 : 1.75,
          dash: l.limit ? [6, 4] : undefined,
          spanGaps: true,
          points: { show: false },
          value: (u, v, seriesIndex, index) => legendValue(state.raw, seriesIndex, index, unit),
        })),
      ],
      hooks: {
        draw: [(u) => { state.target.dataset.points = String(drawnPoints(u.data)); }],
      },
    };
  }

  function renderPlot(state, results) {
    const lines = state.def.build(results).filter((l) => l.points.length > 0);
    const hasData = lines.some((l) => !l.limit && l.points.length > 0);
    state.empty.hidden = hasData;
    if (!hasData || typeof window.uPlot !== 'function') {
      if (state.plot) {
        state.plot.destroy();
        state.plot = null;
        state.signature = '';
      }
      state.target.dataset.points = '0';
      return;
    }
    state.raw = align(lines);
    const data = state.def.log ? floored(state.raw) : state.raw;
    const signature = JSON.stringify(lines.map((l) => [l.label, l.limit]));
    if (state.plot && signature === state.signature) {
      state.plot.setData(data);
      return;
    }
    if (state.plot) {
      state.plot.destroy();
    }
    state.signature = signature;
    state.plot = new window.uPlot(plotOptions(state, lines), data, state.target);
  }

  function resizePlots() {
    for (const state of plotState.values()) {
      if (state.plot) {
        state.plot.setSize({ width: Math.max(200, state.target.clientWidth), height: PLOT_HEIGHT });
      }
    }
  }

  /** Fetches every series name the plots need (only those the agent holds) once. */
  async function fetchHistory(held, errors) {
    const names = new Set();
    PLOTS.forEach((p) => p.names.forEach((n) => names.add(n)));
    // About TARGET_POINTS over what is shown: the window, or the agent's shorter history.
    const shown = view.to > view.from ? Math.min(view.window, view.to - view.from) : view.window;
    const step = Math.max(1, Math.ceil(shown / TARGET_POINTS));
    const results = {};
    let to = 0;
    let earliest = Infinity;
    await Promise.all(Array.from(names).map(async (name) => {
      results[name] = [];
      if (!held.has(name)) {
        return;
      }
      const path = '/api/history?series=' + encodeURIComponent(name) +
        '&window=' + view.window + '&step=' + step;
      try {
        const doc = await getJson(path);
        results[name] = Array.isArray(doc.series) ? doc.series : [];
        to = Math.max(to, finite(doc.to) || 0);
        for (const s of results[name]) {
          const first = points(s).length ? finite(points(s)[0][0]) : null;
          if (first !== null) {
            earliest = Math.min(earliest, first);
          }
        }
      } catch (e) {
        // A series can age out of the store between the list and this request: not an error.
        if (!(e instanceof ApiError && e.status === 404)) {
          errors.push(e);
        }
      }
    }));
    if (to > 0) {
      // The window, or less when the agent has not been running that long: no empty left part.
      view.to = to;
      view.from = Math.min(to - 1, Math.max(to - view.window, earliest));
    }
    return results;
  }

  /* ---------- the poll loop ---------- */

  function showBanner(messages) {
    const banner = $('banner');
    if (!messages.length) {
      banner.hidden = true;
      banner.replaceChildren();
      return;
    }
    const list = el('ul');
    messages.forEach((m) => list.append(el('li', null, m)));
    banner.replaceChildren(
      el('strong', null, 'Cannot update everything; retrying every ' + POLL_MS / 1000 + ' s.'), list);
    banner.hidden = false;
  }

  function describe(e) {
    return e instanceof ApiError ? e.describe() : 'page error: ' + (e && e.message ? e.message : String(e));
  }

  async function pollOnce() {
    const errors = [];
    const [findings, status, list] = await Promise.allSettled([
      getJson('/api/findings'), getJson('/api/status'), getJson('/api/history')]);
    const findingsDoc = findings.status === 'fulfilled' ? findings.value : null;
    const statusDoc = status.status === 'fulfilled' ? status.value : null;
    for (const r of [findings, status, list]) {
      if (r.status === 'rejected') {
        errors.push(r.reason);
      }
    }
    if (findingsDoc) {
      renderFindings(findingsDoc);
    }
    if (statusDoc) {
      renderStatus(statusDoc, findingsDoc);
    }
    if (list.status === 'fulfilled') {
      const held = new Set((Array.isArray(list.value.series) ? list.value.series : [])
        .map((s) => str(s.name)));
      const results = await fetchHistory(held, errors);
      if (typeof window.uPlot !== 'function') {
        errors.push(new Error('the plotting library (/ui/uPlot.iife.min.js) did not load'));
      }
      for (const state of plotState.values()) {
        try {
          renderPlot(state, results);
        } catch (e) {
          errors.push(new Error('plot "' + state.def.title + '": ' + e.message));
        }
      }
    }
    const messages = errors.map(describe);
    if (findingsDoc) {
      const stale = staleness(statusDoc, findingsDoc);
      if (stale) {
        messages.push(stale);
      }
    }
    showBanner(messages);
  }

  let timer = null;
  let running = false;
  let again = false;

  async function poll() {
    clearTimeout(timer);
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await pollOnce();
    } catch (e) {
      showBanner([describe(e)]);
    } finally {
      running = false;
      timer = setTimeout(poll, again ? 0 : POLL_MS);
      again = false;
    }
  }

  function start() {
    createPlotCards();
    const select = $('window');
    view.window = Number(select.value) || 900;
    select.addEventListener('change', () => {
      view.window = Number(select.value) || 900;
      view.from = 0;
      view.to = 0;
      poll();
    });
    let resizeTimer = null;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(resizePlots, 150);
    });
    poll();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
