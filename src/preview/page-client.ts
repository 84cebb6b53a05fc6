/** The client: applies the server's messages to the page (plain ES2020, no template literals). */
export const CLIENT = `
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var PHASES = [['data', '#3fa7a0'], ['charts', '#5b8def'], ['document', '#d99a1e']];
  var els = [];
  var headerEl = null;
  var page = null;
  var paramsKey = '';
  var shownProblems = null;
  var source = null;
  var api = window.cpPreview = { updates: 0, version: 0, state: 'connecting', last: null, applyMs: 0 };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function setState(state, text) {
    api.state = state;
    var pill = $('cp-state');
    pill.dataset.state = state;
    pill.textContent = text;
  }
  function pt(n) { return n + 'pt'; }

  function makeBlock(b) {
    var el = document.createElement(b.kind === 'header' ? 'header' : 'div');
    el.className = 'cp-block';
    el.dataset.kind = b.kind;
    el.dataset.hash = b.hash;
    el.innerHTML = b.html;
    return el;
  }

  function makeSheet() {
    var sheet = document.createElement('section');
    sheet.className = 'cp-sheet';
    var content = document.createElement('div');
    content.className = 'cp-content';
    var foot = document.createElement('div');
    foot.className = 'cp-foot';
    foot.innerHTML = '<span class="cp-foot-title"></span><span class="cp-foot-n"></span>';
    sheet.appendChild(content);
    sheet.appendChild(foot);
    return sheet;
  }

  function sizeSheet(sheet) {
    var m = page.margin;
    sheet.style.width = pt(page.widthPt);
    sheet.style.minHeight = pt(page.heightPt);
    sheet.style.padding = pt(m.top) + ' ' + pt(m.right) + ' ' + pt(m.bottom) + ' ' + pt(m.left);
    var content = sheet.firstChild;
    content.style.minHeight = pt(page.heightPt - m.top - m.bottom);
    var foot = sheet.lastChild;
    foot.style.left = pt(m.left);
    foot.style.right = pt(m.right);
    foot.style.bottom = pt(Math.max(0, m.bottom / 2 - 6));
  }

  // Lays the blocks out on sheets, as the PDF breaks its pages: a block that does not fit goes to
  // the next sheet, with the sticky blocks just before it (a heading, a short intro); a pagebreak
  // starts a new sheet. The blocks are measured once, in one column on the first sheet: a block
  // starting a sheet loses its top margin there, as it does in one column's measure of its top.
  function layout() {
    var pages = $('cp-pages');
    var y = window.scrollY;
    pages.style.minHeight = pages.offsetHeight + 'px';
    var sheets = Array.prototype.slice.call(pages.querySelectorAll(':scope > .cp-sheet'));
    var empty = $('cp-empty');
    if (empty) empty.remove();
    if (sheets.length === 0) { var s0 = makeSheet(); pages.appendChild(s0); sheets.push(s0); }
    sheets.forEach(function (s) { sizeSheet(s); s.firstChild.replaceChildren(); });
    var column = sheets[0].firstChild;
    var limit = column.getBoundingClientRect().height; // empty: the page's text height, zoomed as the rects are
    column.appendChild(headerEl);
    els.forEach(function (el) { column.appendChild(el); });
    var box = column.getBoundingClientRect();
    var rects = els.map(function (el) { return el.getBoundingClientRect(); });
    var pageOf = [];
    var page = 0;
    var start = 0;
    var onPage = 1; // the header
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.dataset.kind === 'pagebreak') {
        pageOf[i] = page;
        if (onPage > 0) { page++; onPage = 0; start = null; }
        continue;
      }
      if (start === null) start = rects[i].top - box.top;
      if (onPage > 0 && rects[i].bottom - box.top - start > limit + 0.5) {
        var j = i;
        while (j > 0 && pageOf[j - 1] === page && els[j - 1].dataset.sticky === '1' && onPage - (i - j) > 1) j--;
        page++;
        for (var k = j; k < i; k++) pageOf[k] = page;
        onPage = i - j;
        start = rects[j].top - box.top;
      }
      pageOf[i] = page;
      onPage++;
    }
    var used = page + 1;
    while (sheets.length < used) { var s = makeSheet(); sizeSheet(s); pages.appendChild(s); sheets.push(s); }
    sheets.slice(used).forEach(function (s) { s.remove(); });
    els.forEach(function (el, n) { if (pageOf[n] > 0) sheets[pageOf[n]].firstChild.appendChild(el); });
    sheets.slice(0, used).forEach(function (s, n) {
      s.querySelector('.cp-foot-title').textContent = api.last ? api.last.title : '';
      s.querySelector('.cp-foot-n').textContent = (n + 1) + ' / ' + used;
    });
    pages.style.minHeight = '';
    fit();
    window.scrollTo(0, y);
  }

  function fit() {
    if (!page) return;
    var widthPx = page.widthPt * 4 / 3;
    var z = Math.min(1, (window.innerWidth - 32) / widthPx);
    $('cp-pages').style.zoom = z < 1 ? String(z) : '';
  }

  function renderParams(fields) {
    var key = JSON.stringify(fields.map(function (f) { return [f.name, f.type, f.values || null, f.default]; }));
    var form = $('cp-params');
    if (key !== paramsKey) {
      paramsKey = key;
      form.replaceChildren();
      fields.forEach(function (f) {
        var label = document.createElement('label');
        label.className = 'cp-field';
        if (f.description) label.title = f.description;
        var input;
        if (f.values) {
          input = document.createElement('select');
          if (f.default === undefined || f.default === null) input.add(new Option('(all)', ''));
          f.values.forEach(function (v) { input.add(new Option(String(v), String(v))); });
        } else {
          input = document.createElement('input');
          input.type = f.type === 'boolean' ? 'checkbox' : f.type === 'number' ? 'number' : f.type === 'date' ? 'date' : 'text';
          if (f.type === 'number') input.step = 'any';
        }
        input.name = f.name;
        input.dataset.type = f.type;
        input.addEventListener('change', function () { sendParam(input); });
        if (input.type === 'checkbox') { label.appendChild(input); label.appendChild(document.createTextNode(f.name)); }
        else { label.appendChild(document.createTextNode(f.name)); label.appendChild(input); }
        form.appendChild(label);
      });
    }
    fields.forEach(function (f) {
      var input = form.elements.namedItem(f.name);
      if (!input || input === document.activeElement) return;
      if (input.type === 'checkbox') input.checked = f.value === true;
      else input.value = f.value === null ? '' : String(f.value);
    });
  }

  function sendParam(input) {
    var value = input.type === 'checkbox' ? input.checked : input.value === '' ? null : input.value;
    var body = {};
    body[input.name] = value;
    setState('rendering', 'rendering…');
    fetch('/params', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  function problemHtml(p, tone) {
    var where = '<span class="cp-code">' + esc(p.code) + '</span>';
    if (p.path) where += '<span class="cp-path">' + esc(p.path) + '</span>';
    if (p.file) where += '<span class="cp-file">' + esc(p.file) + '</span>';
    var hint = p.hint ? '<div class="cp-hint">hint: ' + esc(p.hint) + '</div>' : '';
    return '<div class="cp-problem" data-code="' + esc(p.code) + '"><div class="cp-where">' + where +
      '</div><div class="cp-msg">' + esc(p.message) + '</div>' + hint + '</div>';
  }

  function showProblems(problems, tone, title, sub) {
    shownProblems = tone;
    var card = $('cp-card');
    card.dataset.tone = tone;
    card.innerHTML = '<button class="cp-close" type="button" aria-label="Close">×</button><h2>' + esc(title) +
      '</h2><p class="cp-sub">' + esc(sub) + '</p>' + problems.map(function (p) { return problemHtml(p, tone); }).join('');
    card.querySelector('.cp-close').addEventListener('click', hideProblems);
    $('cp-overlay').hidden = false;
  }
  function hideProblems() { shownProblems = null; $('cp-overlay').hidden = true; }

  function ms(n) { return (n < 10 ? n.toFixed(1) : Math.round(n)) + ' ms'; }
  function count(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  function renderStrip(r) {
    var s = r.stats;
    var total = Math.max(s.ms.total, 0.001);
    var graph = PHASES.map(function (p) {
      return '<i style="width:' + (100 * s.ms[p[0]] / total).toFixed(1) + '%;background:' + p[1] + '"></i>';
    }).join('');
    var phases = PHASES.map(function (p) {
      return '<span class="cp-phase"><span class="cp-dot" style="background:' + p[1] + '"></span>' + p[0] + ' ' + ms(s.ms[p[0]]) + '</span>';
    }).join(' ');
    var data = [];
    if (s.datasets.scanned.length) data.push('read <b>' + esc(s.datasets.scanned.join(', ')) + '</b> (' + s.rows.toLocaleString('en-US') + ' rows)');
    if (s.datasets.reused.length) data.push('kept ' + esc(s.datasets.reused.join(', ')));
    var issues = r.problems.length + r.warnings.length + r.notices.length;
    var parts = [
      '<span><b>' + ms(s.ms.total) + '</b></span><span class="cp-bar-graph">' + graph + '</span>' + phases,
      '<span>charts <b>' + s.charts.rendered + '</b> rendered' + (s.charts.failed ? ' · <b>' + s.charts.failed + '</b> failed' : '') +
        ' · cache <b>' + s.cache.hits + '</b>/' + (s.cache.hits + s.cache.misses) + ' hits</span>',
      '<span>data: ' + (data.join(' · ') || 'none') + '</span>',
      '<span><b>' + s.blocks.changed + '</b>/' + s.blocks.total + ' blocks changed</span>'
    ];
    if (issues) parts.push('<button id="cp-issues" type="button">⚠ ' + count(issues, 'note', 'notes') + '</button>');
    var html = parts.join('<span class="cp-sep">|</span>') + '<span class="cp-side">updated ' + new Date().toLocaleTimeString('en-GB') + '</span>';
    $('cp-strip').innerHTML = html;
    var btn = $('cp-issues');
    if (btn) btn.addEventListener('click', function () {
      var list = r.problems.concat(r.warnings.map(function (w) { return { code: w.code, message: w.message, path: w.path, file: w.file, hint: '' }; }),
        r.notices.map(function (n) { return { code: 'note', message: n, hint: '' }; }));
      showProblems(list, 'warn', 'Rendered, with notes', 'Failed charts are drawn as placeholders; the rest of the report is up to date.');
    });
  }

  function applyRender(r) {
    var t0 = performance.now();
    var pool = new Map();
    els.concat(headerEl ? [headerEl] : []).forEach(function (el) {
      var list = pool.get(el.dataset.hash);
      if (list) list.push(el); else pool.set(el.dataset.hash, [el]);
    });
    var take = function (b) {
      var list = pool.get(b.hash);
      var el = list && list.shift();
      if (el) return el;
      if (b.html === undefined) return null;
      return makeBlock(b);
    };
    var next = [];
    for (var i = 0; i < r.blocks.length; i++) {
      var b = r.blocks[i];
      var el = take(b);
      if (!el) return resync();
      el.dataset.id = b.id;
      el.dataset.sticky = b.sticky ? '1' : '';
      next.push(el);
    }
    var header = take(r.header);
    if (!header) return resync();
    header.dataset.id = 'header';
    pool.forEach(function (list) { list.forEach(function (el) { el.remove(); }); });
    var same = headerEl === header && next.length === els.length && next.every(function (el, i) { return el === els[i]; }) &&
      JSON.stringify(page) === JSON.stringify(r.page);
    els = next;
    headerEl = header;
    page = r.page;
    api.last = r;
    $('cp-title').textContent = r.title;
    document.title = r.title + ' · chartpress preview';
    if (!same) layout();
    renderParams(r.params);
    renderStrip(r);
    if (shownProblems === 'error' || shownProblems === 'warn') hideProblems();
    setState('live', 'up to date');
    api.applyMs = performance.now() - t0;
    done(r.version);
  }

  function applyProblems(m) {
    showProblems(m.problems, 'error', count(m.problems.length, 'problem', 'problems') + ' in the report',
      api.last ? 'The page shows the last good render; it updates on the next good save.' : 'Fix the report and save: the page updates by itself.');
    setState('error', 'not rendered');
    done(m.version);
  }

  function done(version) {
    api.updates++;
    api.version = version;
    document.documentElement.dataset.cpVersion = String(version);
    document.dispatchEvent(new CustomEvent('cp:update', { detail: { version: version, at: performance.timeOrigin + performance.now() } }));
  }

  function resync() {
    if (source) source.close();
    connect();
  }

  function connect() {
    source = new EventSource('/events');
    source.addEventListener('render', function (e) { applyRender(JSON.parse(e.data)); });
    source.addEventListener('problems', function (e) { applyProblems(JSON.parse(e.data)); });
    source.addEventListener('status', function (e) {
      var s = JSON.parse(e.data);
      if (s.state === 'rendering' && api.state !== 'error') setState('rendering', 'rendering…');
    });
    source.onopen = function () { if (api.state === 'offline' || api.state === 'connecting') setState('rendering', 'loading…'); };
    source.onerror = function () { setState('offline', 'reconnecting…'); };
  }

  window.addEventListener('resize', fit);
  connect();
})();
`;
