// The operator console's only script, served from our own origin (CSP `script-src 'self'`, no
// inline script anywhere). It fills the new-exit form's time zone with the browser's own, on a
// blank form only; without it the field stays on the sequence's default zone.
(() => {
  const select = document.querySelector('select[data-from-browser]');
  if (select?.value !== '') return;
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!zone) return;
  let option = Array.from(select.options).find((candidate) => candidate.value === zone);
  if (!option) {
    // A zone the server lists under another name (an alias): offer it as the browser says it.
    option = new Option(zone, zone);
    select.add(option, 1);
  }
  select.value = zone;
  const note = document.getElementById('timezone-browser');
  if (note) note.hidden = false;
})();
