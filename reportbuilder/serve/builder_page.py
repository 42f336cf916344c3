"""The builder page: the catalog's sources and fields on the left, the report's parts in a form, the
YAML it writes in a CodeMirror editor (vendored, no CDN), the checker's errors at their lines, a
live preview (chart and table), the join info, and save / add to a dashboard.

The form writes the YAML; once the YAML is edited by hand the form stops writing it (a button
writes it from the form again). Every request the script makes carries the CSRF token of the page.
"""
from __future__ import annotations

import json
from html import escape

from ..timeframe.ranges import PRESETS
from .pages import page

GRANULARITIES = ("hour", "day", "week", "month", "quarter", "year", "hour_of_day", "day_of_week",
                 "month_of_year")
VENDOR = "/static/vendor/codemirror"

STYLE = """
.builder { display: grid; grid-template-columns: minmax(14rem, 19rem) minmax(16rem, 21rem) 1fr; gap: 1rem; }
.builder section { min-width: 0; }
#catalog { max-height: calc(100vh - 9rem); overflow-y: auto; padding-right: .3rem; }
fieldset label, #save label { display: inline-flex; flex-direction: column; font-size: .8rem; color: #656d76;
  margin: 0 .5rem .4rem 0; }
#save { display: flex; flex-wrap: wrap; gap: .2rem .5rem; align-items: end; margin: .5rem 0; }
#save label:has(input[type=checkbox]) { flex-direction: row; align-items: center; gap: .2rem; }
#save-status.ok { color: #1a7f37; } #save-status.error-text { color: #d1242f; }
#preview-table table { font-size: .85rem; }
#preview.stale { opacity: .35; } /* the spec has errors: the preview is of the last good one */
.sources details { border: 1px solid #d0d7de; border-radius: 6px; margin: .3rem 0; padding: .2rem .5rem; }
.sources summary { cursor: pointer; } .sources .kind { font-size: .75rem; }
.field { display: flex; gap: .3rem; align-items: baseline; font-size: .85rem; margin: .15rem 0; flex-wrap: wrap; }
.field code { font-weight: 600; } .field .type { color: #656d76; font-size: .75rem; }
.field .desc { color: #656d76; font-size: .75rem; flex-basis: 100%; }
.field button, .part button { font-size: .7rem; padding: 0 .3rem; }
.part { display: flex; gap: .3rem; margin: .2rem 0; } .part input { flex: 1; min-width: 0; }
fieldset { border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 .6rem; }
.CodeMirror { border: 1px solid #d0d7de; height: 22rem; font-size: .85rem; }
.cm-error-line { background: #fff0f0; }
.error-widget { color: #d1242f; font-size: .8rem; padding: 0 .5rem; }
#errors li { color: #d1242f; } #status { color: #656d76; font-size: .85rem; }
#joins { white-space: pre-wrap; font-size: .8rem; background: #f6f8fa; padding: .5rem; }
#preview-chart svg { max-width: 100%; height: auto; }
.note { background: #fff8c5; padding: .3rem .6rem; border-radius: 6px; font-size: .85rem; }
"""

BODY = """
<div class="builder">
<section class="sources">
  <label>Primary source <select id="source">%(options)s</select></label>
  <p class="meta" id="source-desc"></p>
  <div id="catalog"></div>
</section>
<section>
  <form id="parts" onsubmit="return false">
    <fieldset><legend>Time</legend>
      <label>Bucket field <select id="bucket-field"><option value="">(none)</option></select></label>
      <label>Granularity <select id="bucket-granularity">%(granularities)s</select></label>
      <label>Date range <select id="range-preset"><option value="">(none)</option>%(presets)s</select></label>
      <label>or from <input type="date" id="range-from"></label>
      <label>to <input type="date" id="range-to"></label>
    </fieldset>
    <fieldset><legend>Dimensions</legend><div id="dimensions"></div>
      <button type="button" data-add="dimensions">+ dimension</button></fieldset>
    <fieldset><legend>Measures</legend><div id="measures"></div>
      <button type="button" data-add="measures">+ measure</button>
      <button type="button" id="add-count">+ count()</button></fieldset>
    <fieldset><legend>Filters</legend><div id="filters"></div>
      <button type="button" data-add="filters">+ filter</button></fieldset>
    <fieldset><legend>Having</legend><div id="having"></div>
      <button type="button" data-add="having">+ having</button></fieldset>
    <fieldset><legend>Sort and limit</legend><div id="sort"></div>
      <button type="button" data-add="sort">+ sort</button>
      <label>Limit <input id="limit" type="number" min="1" step="1"></label></fieldset>
  </form>
</section>
<section>
  <p id="mode" class="note" hidden>You are editing the YAML directly; the form no longer writes it.
    <button type="button" id="from-form">Write it from the form</button></p>
  <textarea id="yaml" name="yaml">%(initial)s</textarea>
  <p id="status"></p>
  <ul id="errors"></ul>
  <form id="save" onsubmit="return false">
    <label>Name <input id="save-name" pattern="[a-z0-9_][a-z0-9_\\-]{0,63}" value="%(name)s"
      placeholder="my_report"></label>
    <label><input type="checkbox" id="save-overwrite"> overwrite</label>
    <button type="button" id="save-button">Save to workspace</button>
    <label>Dashboard <input id="dashboard-name" placeholder="my_dashboard"></label>
    <button type="button" id="dashboard-button">Add to dashboard</button>
    <span id="save-status"></span>
  </form>
  <h2>Preview</h2>
  <div id="preview"><div id="preview-chart"></div>
  <div id="preview-table"></div></div>
  <details id="joins-info"><summary>Join info (what <code>rb explain --data</code> says)</summary><pre id="joins"></pre></details>
</section>
</div>
"""

SCRIPT = r"""
(function () {
  var boot = JSON.parse(document.getElementById('boot').textContent);
  var query = boot.query ? '?' + boot.query : '';
  var state = {dimensions: [], measures: [], filters: [], having: [], sort: []};
  var fromForm = !boot.initial;
  var widgets = [];
  var editor = CodeMirror.fromTextArea(document.getElementById('yaml'), {mode: 'yaml', lineNumbers: true});
  window.rbEditor = editor;

  function post(url, body) {
    return fetch(url, {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': boot.csrf}, body: JSON.stringify(body)})
      .then(function (r) { return r.text().then(function (t) {
        var data; try { data = JSON.parse(t); } catch (e) { data = {error: t}; }
        return {status: r.status, data: data};
      }); });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function scalar(text) {
    return /^[A-Za-z_][A-Za-z0-9_.() ,*\/<>=!-]*$/.test(text) && !/[:#]/.test(text) ? text : JSON.stringify(text);
  }
  function yamlOf() {
    var out = ['source: ' + boot.source];
    var preset = document.getElementById('range-preset').value;
    var bucket = document.getElementById('bucket-field').value;
    var from = document.getElementById('range-from').value, to = document.getElementById('range-to').value;
    if (preset) out.push('date_range:', '  preset: ' + preset);
    else if (from || to) {
      out.push('date_range:');
      if (from) out.push('  from: ' + from);
      if (to) out.push('  to: ' + to);
    }
    var dims = state.dimensions.filter(Boolean);
    if (bucket || dims.length) {
      out.push('dimensions:');
      if (bucket) {
        var g = document.getElementById('bucket-granularity').value;
        out.push('  - field: ' + bucket, '    granularity: ' + g, '    as: ' + g);
      }
      dims.forEach(function (d) { out.push('  - ' + scalar(d)); });
    }
    ['measures', 'filters', 'having'].forEach(function (key) {
      var items = state[key].filter(Boolean);
      if (items.length) { out.push(key + ':'); items.forEach(function (m) { out.push('  - ' + scalar(m)); }); }
    });
    var sort = state.sort.filter(Boolean);
    if (sort.length) out.push('sort: [' + sort.map(scalar).join(', ') + ']');
    var limit = document.getElementById('limit').value;
    if (limit) out.push('limit: ' + parseInt(limit, 10));
    return out.join('\n') + '\n';
  }
  function writeYaml() {
    if (!fromForm) return;
    editor.setValue(yamlOf());
  }
  function renderParts(key) {
    var box = document.getElementById(key);
    box.innerHTML = '';
    state[key].forEach(function (value, i) {
      var row = el('div', {'class': 'part'});
      var input = el('input', {'aria-label': key + ' ' + (i + 1)});
      input.value = value;
      input.addEventListener('input', function () { state[key][i] = input.value; writeYaml(); });
      var drop = el('button', {type: 'button', title: 'remove'}, '\u00d7');
      drop.addEventListener('click', function () { state[key].splice(i, 1); renderParts(key); writeYaml(); });
      row.appendChild(input); row.appendChild(drop); box.appendChild(row);
    });
  }
  function add(key, value) { state[key].push(value); renderParts(key); writeYaml(); }
  document.querySelectorAll('[data-add]').forEach(function (b) {
    b.addEventListener('click', function () { add(b.getAttribute('data-add'), ''); });
  });
  document.getElementById('add-count').addEventListener('click', function () { add('measures', 'count() as ' + boot.source); });
  ['range-preset', 'range-from', 'range-to', 'bucket-field', 'bucket-granularity', 'limit'].forEach(function (id) {
    document.getElementById(id).addEventListener('input', writeYaml);
  });
  document.getElementById('from-form').addEventListener('click', function () {
    fromForm = true; document.getElementById('mode').hidden = true; writeYaml();
  });

  function fieldRow(path, f) {
    var ref = path ? path + '.' + f.name : f.name;
    var row = el('div', {'class': 'field'});
    row.appendChild(el('code', {}, f.name));
    row.appendChild(el('span', {'class': 'type'}, f.type + (f.unit ? ', ' + f.unit : '') + (f.derived ? ', derived' : '')));
    function button(label, key, value) {
      var b = el('button', {type: 'button', 'data-ref': ref, 'data-as': key}, label);
      b.addEventListener('click', function () { add(key, value); });
      row.appendChild(b);
    }
    var alias = ref.replace(/\./g, '_');
    button('dim', 'dimensions', path ? ref + ' as ' + alias : ref);
    button('filter', 'filters', ref + (f.type === 'text' ? " = ''" : ' is not null'));
    if (f.type === 'integer' || f.type === 'number') {
      button('avg', 'measures', 'avg(' + ref + ') as avg_' + alias);
      button('sum', 'measures', 'sum(' + ref + ') as sum_' + alias);
    } else if (path && f.type !== 'timestamp' && f.type !== 'date') {
      button('distinct', 'measures', 'count_distinct(' + ref + ') as distinct_' + alias);
    }
    if (f.description) row.appendChild(el('span', {'class': 'desc'}, f.description));
    return row;
  }
  function renderCatalog(cat) {
    var box = document.getElementById('catalog');
    box.innerHTML = '';
    var bucket = document.getElementById('bucket-field');
    var chosen = bucket.value;
    bucket.innerHTML = '<option value="">(none)</option>';
    cat.sources.forEach(function (s) {
      var d = el('details', {'data-path': s.path});
      if (!s.path) d.open = true;
      var sum = el('summary', {}, (s.path || s.entity) + ' ');
      sum.appendChild(el('span', {'class': 'kind'}, s.kind + (s.path ? ' \u2192 ' + s.entity : '')));
      d.appendChild(sum);
      if (s.description) d.appendChild(el('p', {'class': 'meta'}, s.description));
      s.fields.forEach(function (f) {
        d.appendChild(fieldRow(s.path, f));
        if (!s.path && (f.type === 'timestamp' || f.type === 'date')) {
          var o = el('option', {value: f.name}, f.name); if (f.name === chosen) o.selected = true; bucket.appendChild(o);
        }
      });
      s.measures.forEach(function (m) {
        var row = el('div', {'class': 'field'});
        row.appendChild(el('code', {}, m.name));
        row.appendChild(el('span', {'class': 'type'}, 'measure' + (m.unit ? ', ' + m.unit : '')));
        var b = el('button', {type: 'button', 'data-measure': m.name}, 'measure');
        b.addEventListener('click', function () { add('measures', m.name); });
        row.appendChild(b);
        row.appendChild(el('span', {'class': 'desc'}, (m.description || '') + ' = ' + m.expr));
        d.appendChild(row);
      });
      box.appendChild(d);
    });
    var me = cat.entities.filter(function (e) { return e.name === cat.source; })[0];
    document.getElementById('source-desc').textContent = me ? me.description : '';
  }
  function loadCatalog() {
    return fetch('/api/catalog?source=' + encodeURIComponent(boot.source), {credentials: 'same-origin'})
      .then(function (r) { return r.json(); }).then(renderCatalog);
  }
  document.getElementById('source').addEventListener('change', function (e) {
    boot.source = e.target.value;
    Object.keys(state).forEach(function (k) { state[k] = []; renderParts(k); });
    document.getElementById('bucket-field').value = '';
    loadCatalog().then(writeYaml);
  });

  function showErrors(errors) {
    widgets.forEach(function (w) { w.clear(); });
    editor.eachLine(function (h) { editor.removeLineClass(h, 'background', 'cm-error-line'); });
    widgets = [];
    var list = document.getElementById('errors');
    list.innerHTML = '';
    errors.forEach(function (e) {
      var line = Math.max(0, Math.min(editor.lineCount() - 1, e.line - 1));
      editor.addLineClass(line, 'background', 'cm-error-line');
      var msg = el('div', {'class': 'error-widget'}, '\u2191 ' + e.line + ':' + e.col + ' ' + e.message);
      widgets.push(editor.addLineWidget(line, msg));
      list.appendChild(el('li', {'data-line': e.line}, 'line ' + e.line + ', column ' + e.col + ': ' + e.message));
    });
  }
  var seq = 0, timer = null;
  function refresh() {
    var mine = ++seq, spec = editor.getValue(), status = document.getElementById('status');
    status.textContent = 'Checking\u2026';
    post('/api/validate' + query, {spec: spec}).then(function (r) {
      if (mine !== seq) return;
      showErrors(r.data.errors || (r.data.error ? [{line: 1, col: 1, message: r.data.error}] : []));
      var preview = document.getElementById('preview');
      if (r.status !== 200) {
        status.textContent = 'The spec has errors; the preview below is of the last good one.';
        preview.className = 'stale'; return;
      }
      status.textContent = 'Running the preview\u2026';
      post('/api/preview' + query, {spec: spec, chart: true}).then(function (p) {
        if (mine !== seq) return;
        if (p.status !== 200) {
          status.textContent = 'The preview failed.'; preview.className = 'stale';
          showErrors(p.data.errors || [{line: 1, col: 1, message: p.data.error}]);
          return;
        }
        status.textContent = p.data.rows.length + ' row(s).'; preview.className = '';
        document.getElementById('preview-chart').innerHTML = p.data.svg;
        document.getElementById('preview-table').innerHTML = p.data.table;  // escaped by the server
      });
      post('/api/joins' + query, {spec: spec}).then(function (j) {
        if (mine === seq) document.getElementById('joins').textContent = j.data.text || j.data.error || '';
      });
    });
  }
  editor.on('change', function (cm, change) {
    if (change.origin !== 'setValue' && fromForm) { fromForm = false; document.getElementById('mode').hidden = false; }
    clearTimeout(timer); timer = setTimeout(refresh, 400);
  });

  function saved(r, okText) {
    var s = document.getElementById('save-status');
    s.textContent = r.status < 300 ? okText(r.data) : (r.data.error || (r.data.errors || []).map(function (e) {
      return 'line ' + e.line + ': ' + e.message; }).join('; '));
    s.className = r.status < 300 ? 'ok' : 'error-text';
  }
  document.getElementById('save-button').addEventListener('click', function () {
    post('/api/save', {name: document.getElementById('save-name').value, spec: editor.getValue(),
                       overwrite: document.getElementById('save-overwrite').checked})
      .then(function (r) { saved(r, function (d) { return 'Saved as ' + d.saved + '.'; }); });
  });
  document.getElementById('dashboard-button').addEventListener('click', function () {
    post('/api/dashboard/add', {dashboard: document.getElementById('dashboard-name').value,
                                report: document.getElementById('save-name').value})
      .then(function (r) { saved(r, function (d) { return d.added ? 'Added to ' + d.dashboard + '.' : 'Already on ' + d.dashboard + '.'; }); });
  });
  window.rbOnChange = function () {  // a file changed on disk: refresh the catalog, keep the editor
    document.getElementById('status').textContent = 'Files changed on disk: catalog reloaded.';
    loadCatalog(); refresh();
  };

  if (boot.initial) { document.getElementById('mode').hidden = false; }
  loadCatalog().then(function () { if (fromForm) { add('measures', 'count() as ' + boot.source); } else { refresh(); } });
})();
"""


def _options(values, chosen) -> str:
    return "".join(f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(v)}</option>'
                   for v in values)


def builder_html(catalog_entities, source: str, csrf: str, query: str, initial: str = "", name: str = "") -> str:
    """The page; `initial` is the spec text to start from (`?from=REPORT`), `query` the options passed on
    to the preview (`now`, `range`, ...)."""
    boot = json.dumps({"source": source, "csrf": csrf, "query": query, "initial": bool(initial)})
    body = BODY % {"options": _options(catalog_entities, source), "granularities": _options(GRANULARITIES, "week"),
                   "presets": _options(PRESETS, None), "initial": escape(initial), "name": escape(name)}
    head = (f'<link rel="stylesheet" href="{VENDOR}/lib/codemirror.css">\n<style>{STYLE}</style>\n'
            f'<script src="{VENDOR}/lib/codemirror.js"></script>\n<script src="{VENDOR}/mode/yaml/yaml.js"></script>\n')
    safe_boot = boot.replace("</", "<\\/")
    boot_tag = f'<script type="application/json" id="boot">{safe_boot}</script>\n'
    return page("Report builder", head + body + boot_tag + f"<script>{SCRIPT}</script>\n")
