// The options form of the report and dashboard pages. The URL is the view: the form
// submits only the fields that are set (a link stays short), and a choice submits at once.
(function () {
  'use strict';
  var form = document.getElementById('options');
  if (!form) return;
  function submit() {
    var q = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (String(value).trim()) q.append(key, value); });
    window.location.search = q.toString();
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); submit(); });
  document.querySelectorAll('[data-autosubmit]').forEach(function (el) {
    el.addEventListener('change', submit);
  });
  var range = form.querySelector('select[name=range]');
  form.querySelectorAll('input[name=from], input[name=to]').forEach(function (el) {
    el.addEventListener('change', function () { range.value = ''; });  // custom dates replace the preset
  });
})();
