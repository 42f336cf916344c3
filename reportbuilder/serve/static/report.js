// The report page in the browser: draw the chart with vega-embed (vendored), export it as
// PNG, and show the rows behind a clicked mark
// (GET /api/rows/NAME with the page's own query, the mark's cell and measure), paged.
(function () {
  'use strict';
  var PAGE = 20;
  var report = JSON.parse(document.getElementById('rb-report').textContent);
  var drill = {cell: null, measure: null, offset: 0, total: 0};

  function withQuery(path, extra) {
    var q = new URLSearchParams(report.query);
    extra.forEach(function (pair) { q.append(pair[0], pair[1]); });
    var text = q.toString();
    return path + (text ? '?' + text : '');
  }

  function cellOf(datum) {
    if (!datum || typeof datum.rb_row !== 'number') return null;
    var row = report.rows[datum.rb_row];
    return report.dimensions.map(function (d) {
      var v = row[d];
      return [d, v === null || v === undefined ? '' : String(v)];
    });
  }

  function measureOf(datum) {
    // A chart of several measures names the clicked one in `series` (its title); a series that
    // is no measure (the previous period of a comparison) stands for no rows of this report.
    if (typeof datum.series === 'string') return report.series[datum.series] || null;
    return report.chart_y.length ? report.chart_y[0] : report.measures[0];
  }

  function rowsUrl(format) {
    var extra = drill.cell.map(function (c) { return ['cell', c[0] + '=' + c[1]]; });
    extra.push(['measure', drill.measure]);
    if (format === 'csv') {
      extra.push(['format', 'csv']);
    } else {
      extra.push(['limit', String(PAGE)], ['offset', String(drill.offset)]);
    }
    return withQuery('/api/rows/' + encodeURIComponent(report.name), extra);
  }

  function showRows(answer) {
    var panel = document.getElementById('drill');
    var table = document.getElementById('drill-table');
    panel.hidden = false;
    drill.total = answer.total;
    var where = drill.cell.map(function (c) { return c[0] + ' = ' + (c[1] === '' ? '(none)' : c[1]); }).join(', ');
    document.getElementById('drill-title').textContent =
      answer.total + ' rows behind ' + drill.measure + ' = ' + answer.value + (where ? ' (' + where + ')' : '');
    var last = Math.min(drill.offset + answer.rows.length, answer.total);
    document.getElementById('drill-page').textContent =
      answer.total ? (drill.offset + 1) + '–' + last + ' of ' + answer.total : 'no rows';
    document.getElementById('drill-prev').disabled = drill.offset === 0;
    document.getElementById('drill-next').disabled = last >= answer.total;
    document.getElementById('drill-csv').href = rowsUrl('csv');
    table.textContent = '';
    var columns = answer.rows.length ? Object.keys(answer.rows[0]) : [];
    var head = table.createTHead().insertRow();
    columns.forEach(function (c) { var th = document.createElement('th'); th.textContent = c; head.appendChild(th); });
    var body = table.createTBody();
    answer.rows.forEach(function (r) {
      var tr = body.insertRow();
      columns.forEach(function (c) { tr.insertCell().textContent = r[c] === null ? '' : String(r[c]); });
    });
  }

  function load() {
    var title = document.getElementById('drill-title');
    fetch(rowsUrl('json'), {credentials: 'same-origin'})
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (pair) {
        if (pair[0]) { showRows(pair[1]); return; }
        document.getElementById('drill').hidden = false;
        title.textContent = pair[1].error || 'The rows could not be listed';
      });
  }

  document.getElementById('drill-prev').addEventListener('click', function () {
    drill.offset = Math.max(0, drill.offset - PAGE); load();
  });
  document.getElementById('drill-next').addEventListener('click', function () {
    drill.offset += PAGE; load();
  });

  vegaEmbed('#chart', report.spec, {actions: false, renderer: 'svg'}).then(function (embedded) {
    var view = embedded.view;
    document.body.dataset.chart = 'ready';
    var png = document.getElementById('png');
    png.disabled = false;
    png.addEventListener('click', function () {
      view.toImageURL('png', 2).then(function (url) {
        var a = document.createElement('a');
        a.href = url; a.download = report.name + '.png';
        document.body.appendChild(a); a.click(); a.remove();
      });
    });
    view.addEventListener('click', function (event, item) {
      var cell = item && cellOf(item.datum);
      var measure = cell && measureOf(item.datum);
      if (!measure) return;
      drill = {cell: cell, measure: measure, offset: 0, total: 0};
      load();
    });
  }).catch(function (err) {
    document.getElementById('chart').textContent = 'The chart could not be drawn: ' + err;
  });
})();
