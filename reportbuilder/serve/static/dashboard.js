// The dashboard page in the browser: every panel's chart drawn by vega-embed (vendored)
// from the Vega-Lite spec `rb dashboard` draws; the script element after each chart holds it.
(function () {
  'use strict';
  var charts = document.querySelectorAll('.vega-chart');
  var drawn = Array.prototype.map.call(charts, function (el) {
    var spec = JSON.parse(el.nextElementSibling.textContent);
    return vegaEmbed(el, spec, {actions: false, renderer: 'svg'}).catch(function (err) {
      el.textContent = 'The chart could not be drawn: ' + err;
    });
  });
  Promise.all(drawn).then(function () { document.body.dataset.chart = 'ready'; });
})();
