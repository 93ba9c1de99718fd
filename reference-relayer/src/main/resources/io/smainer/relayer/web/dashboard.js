// The relayer dashboard: reads the REST API every 2 s and draws it. Plain DOM, no library; every value
// from the API is inserted as text (never as HTML).
(function () {
  'use strict';
  var API = '/api/v1';
  var REFRESH_MS = 2000;
  var STRK = 1000000000000000000n;
  var STATUSES = ['pending', 'assigned', 'running', 'completed', 'settled', 'failed'];
  var samples = []; // [millis, settled]
  var rates = [];   // settled per second, newest last

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }
  function el(tag, value, cls) {
    var e = document.createElement(tag);
    if (value !== undefined && value !== null) { e.textContent = String(value); }
    if (cls) { e.className = cls; }
    return e;
  }
  function getJson(path) {
    return fetch(API + path, { headers: { 'Accept': 'application/json' }, cache: 'no-store' }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error((body && body.message) || ('HTTP ' + r.status)); }
        return body;
      });
    });
  }
  function short(hex) { return hex && hex.length > 14 ? hex.slice(0, 8) + '…' + hex.slice(-4) : (hex || ''); }
  function ago(millis) {
    if (!millis) { return ''; }
    var s = Math.max(0, Math.round((Date.now() - millis) / 1000));
    return s < 60 ? s + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago';
  }

  // exact STRK formatting of a decimal string of base units
  function formatStrk(baseUnits) {
    var v = BigInt(baseUnits);
    var whole = v / STRK;
    var frac = (v % STRK).toString().padStart(18, '0').replace(/0+$/, '');
    return whole.toString() + (frac ? '.' + frac : '') + ' STRK';
  }
  // "1.5" STRK to base units, exactly; throws on anything else
  function parseStrk(input) {
    var s = String(input).trim();
    if (!/^\d+(\.\d{0,18})?$/.test(s)) { throw new Error('enter an amount of STRK, up to 18 decimals'); }
    var parts = s.split('.');
    return (BigInt(parts[0]) * STRK + BigInt((parts[1] || '').padEnd(18, '0'))).toString();
  }

  function drawStats(stats) {
    text('relayer-name', stats.relayer || '');
    text('nodes-online', stats.nodes_online);
    text('nodes-total', 'of ' + stats.nodes_total + ' known');
    text('batches', stats.settlement_batches);
    text('reverts', stats.settlement_reverts + ' reverted, ' + stats.webhooks_delivered + ' webhooks delivered');
    var body = $('task-counts');
    body.replaceChildren();
    var head = el('tr'), row = el('tr');
    STATUSES.forEach(function (s) {
      head.appendChild(el('th', s));
      var td = el('td', (stats.tasks && stats.tasks[s]) || 0, 'num status-' + s);
      td.id = 'count-' + s;
      row.appendChild(td);
    });
    body.appendChild(head);
    body.appendChild(row);
    var now = Date.now();
    var settled = (stats.tasks && stats.tasks.settled) || 0;
    samples.push([now, settled]);
    while (samples.length > 2 && now - samples[0][0] > 10000) { samples.shift(); }
    if (samples.length > 1) {
      var first = samples[0], last = samples[samples.length - 1];
      var rate = (last[1] - first[1]) * 1000 / Math.max(1, last[0] - first[0]);
      text('throughput', rate >= 10 ? Math.round(rate) : rate.toFixed(1));
      rates.push(rate);
      if (rates.length > 60) { rates.shift(); }
      drawChart();
    }
  }

  function drawChart() {
    var c = $('throughput-chart');
    if (!c.getContext) { return; }
    var g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    var max = Math.max.apply(null, rates.concat([1]));
    var w = c.width / 60;
    g.fillStyle = '#3b5bdb';
    rates.forEach(function (r, i) {
      var h = (r / max) * (c.height - 4);
      g.fillRect(i * w + 1, c.height - h, Math.max(1, w - 2), h);
    });
  }

  function drawSummary(sum) {
    text('capacity', sum.running + ' / ' + sum.capacity);
    text('gpus', sum.gpus + ' GPUs online');
  }

  function drawNodes(page) {
    var body = $('providers');
    body.replaceChildren();
    if (!page.items.length) {
      var tr = el('tr'); var td = el('td', 'no providers yet', 'muted'); td.colSpan = 9; tr.appendChild(td); body.appendChild(tr);
      return;
    }
    page.items.forEach(function (n) {
      var caps = n.capabilities || {};
      var tr = el('tr');
      tr.dataset.nodeId = n.node_id;
      var id = el('td', short(n.node_id)); id.title = n.node_id; tr.appendChild(id);
      var addr = el('td', short(n.address)); addr.title = n.address; tr.appendChild(addr);
      tr.appendChild(el('td', n.online ? 'online' : 'offline', n.online ? 'online' : 'offline'));
      tr.appendChild(el('td', caps.tier));
      tr.appendChild(el('td', (caps.job_kinds || []).join(', ')));
      tr.appendChild(el('td', (caps.gpus || []).map(function (g) { return g.name; }).join(', ') || '–'));
      tr.appendChild(el('td', n.running + ' / ' + caps.max_concurrent, 'num'));
      tr.appendChild(el('td', n.completed, 'num'));
      tr.appendChild(el('td', ago(n.last_seen_millis)));
      body.appendChild(tr);
    });
  }

  // why pending tasks wait, as counts: the public page shows aggregates, never anyone's task
  var WAITING = { no_provider: 'no provider online', no_kind: 'no provider offers the job kind',
    no_tier: 'no provider at the tier', no_memory: 'no provider with the GPU memory', busy: 'all providers busy' };

  function drawWaiting(stats) {
    var body = $('waiting');
    body.replaceChildren();
    Object.keys(WAITING).forEach(function (k) {
      var tr = el('tr');
      tr.dataset.reason = k;
      tr.appendChild(el('th', WAITING[k]));
      tr.appendChild(el('td', (stats.waiting && stats.waiting[k]) || 0, 'num'));
      body.appendChild(tr);
    });
  }

  function refresh() {
    return Promise.all([
      getJson('/health'), getJson('/stats'), getJson('/nodes/summary'), getJson('/nodes')
    ]).then(function (r) {
      var h = $('health');
      h.textContent = r[0].status + ' · ' + r[0].chain_id;
      h.className = 'badge ' + (r[0].status === 'ok' ? 'ok' : 'bad');
      drawStats(r[1]);
      drawSummary(r[2]);
      drawNodes(r[3]);
      drawWaiting(r[1]);
      text('updated', 'Last update ' + new Date().toLocaleTimeString() + '.');
      document.body.dataset.state = 'live';
    }).catch(function (e) {
      var h = $('health');
      h.textContent = 'unreachable: ' + e.message;
      h.className = 'badge bad';
      document.body.dataset.state = 'error';
    });
  }

  function quote(ev) {
    if (ev) { ev.preventDefault(); }
    text('quote-error', '');
    var amount;
    try {
      amount = parseStrk($('fee-amount').value);
    } catch (e) {
      text('quote-error', e.message);
      return Promise.resolve();
    }
    var tier = $('fee-tier').value;
    return getJson('/fees/quote?amount=' + encodeURIComponent(amount) + '&tier=' + encodeURIComponent(tier))
      .then(function (q) {
        [['quote-escrow', q.escrow], ['quote-provider', q.provider], ['quote-gas', q.gas_subsidy],
          ['quote-treasury', q.treasury]].forEach(function (p) {
          var cell = $(p[0]);
          cell.textContent = formatStrk(p[1]);
          cell.title = p[1] + ' base units';
          cell.dataset.baseUnits = p[1];
        });
      })
      .catch(function (e) { text('quote-error', e.message); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('fee-form').addEventListener('submit', quote);
    $('fee-tier').addEventListener('change', quote);
    refresh();
    quote();
    setInterval(refresh, REFRESH_MS);
  });
})();
