// The operator console's only script, served from our own origin (CSP `script-src 'self'`, no
// inline script anywhere). It fills the new-exit form's time zone with the browser's own (by its current name), on a
// blank form only; without it the field stays on the sequence's default zone.
(() => {
  const input = document.querySelector('input[data-from-browser]');
  if (input?.value !== '') return;
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  if (!zone) return;
  // The browser may report an old name (Asia/Calcutta): show the current one the list offers.
  const options = Array.from(input.list?.options ?? []);
  const current = options.find((option) => option.dataset.legacy === zone);
  input.value = current ? current.value : zone;
  const note = document.getElementById('timezone-browser');
  if (note) note.hidden = false;
})();
