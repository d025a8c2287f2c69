// The report page's only script, inlined and allowed by its hash: a click on a run (a timeline marker, a latency
// point, a row of the table) opens that run's details in the panel beside the charts and marks the row; the status
// filter hides table rows. It reads and toggles classes only, never builds markup from text. Without it the links
// still work: each opens its details through the URL fragment (:target).

export const REPORT_SCRIPT = `(() => {
  'use strict';
  const details = document.getElementById('details');
  const empty = document.getElementById('details-empty');
  function open(id, scroll) {
    const section = document.getElementById(id);
    if (!section || !section.classList.contains('run-detail')) return false;
    for (const other of document.querySelectorAll('.run-detail.open')) other.classList.remove('open');
    for (const row of document.querySelectorAll('tr.selected')) row.classList.remove('selected');
    section.classList.add('open');
    if (empty) empty.hidden = true;
    const row = document.querySelector('tr[data-run="' + CSS.escape(id) + '"]');
    if (row) row.classList.add('selected');
    if (history.replaceState) history.replaceState(null, '', '#' + id);
    // Beside the charts the panel stays in view; stacked under them (a narrow window) it is scrolled to.
    if (scroll && details && window.matchMedia('(max-width: 900px)').matches) details.scrollIntoView({ block: 'start' });
    else if (details) details.scrollTop = 0;
    return true;
  }
  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-run]') : null;
    if (!target) return;
    if (open(target.getAttribute('data-run'), true)) event.preventDefault();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const row = event.target instanceof Element ? event.target.closest('tr[data-run]') : null;
    if (row && open(row.getAttribute('data-run'), true)) event.preventDefault();
  });
  const filter = document.getElementById('status-filter');
  if (filter) {
    filter.addEventListener('change', () => {
      for (const row of document.querySelectorAll('#runs tbody tr')) {
        row.hidden = filter.value !== 'all' && row.getAttribute('data-status') !== filter.value;
      }
    });
  }
  if (location.hash.length > 1) open(decodeURIComponent(location.hash.slice(1)), false);
})();
`;
