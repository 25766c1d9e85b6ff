// Sortable tables (progressive enhancement): in a `table.sortable`, each column header
// becomes a button; activating it sorts the rows and sets aria-sort. Without JavaScript the
// headers stay plain text and the table keeps its order. Numeric columns
// (th[data-type=number]) sort by the cell's data-sort value; empty values always go last.
(function () {
  'use strict';
  var status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('aria-live', 'polite');
  document.body.appendChild(status);
  document.documentElement.classList.add('js');

  function sortKey(cell, numeric) {
    var raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent.trim();
    if (!numeric) return raw;
    var n = parseFloat(raw);
    return raw === '' || isNaN(n) ? null : n;
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    Array.prototype.forEach.call(body.rows, function (row, i) { row.setAttribute('data-order', i); });
    Array.prototype.forEach.call(head.cells, function (th, col) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement('span');
      icon.className = 'sort-icon';
      icon.setAttribute('aria-hidden', 'true');
      button.appendChild(icon);
      th.appendChild(button);
      button.addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        var numeric = th.getAttribute('data-type') === 'number';
        Array.prototype.forEach.call(head.cells, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[col], numeric);
          var y = sortKey(b.cells[col], numeric);
          var order = a.getAttribute('data-order') - b.getAttribute('data-order');
          if (x === null || y === null) return x === y ? order : (x === null ? 1 : -1);
          var c = numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
          return (ascending ? c : -c) || order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        status.textContent = 'Sorted by ' + button.textContent.trim() + ', ' + (ascending ? 'ascending' : 'descending') + '.';
      });
    });
  });

  // Printing or saving as PDF shows every collapsed sample table.
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
  });
})();
