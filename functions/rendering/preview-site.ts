import type { EmailRenderer, RenderedEmail } from '../domain/ports.js';
import type { EmailName } from './email-views.js';
import { previewCases } from './preview-samples.js';

/**
 * The email preview: every email rendered with sample data, as files (`npm run preview`) or
 * served by the local gateway (`/__local/previews` in `npm start`, routed by
 * `handlers/email-previews.ts`). Development tooling only; no Lambda imports it.
 */

export interface RenderedPreview {
  name: EmailName;
  title: string;
  email: RenderedEmail;
  /** Render time in milliseconds. */
  ms: number;
}

export interface PreviewFile {
  contentType: string;
  body: string;
}

export function renderPreviews(renderer: EmailRenderer, now: Date): RenderedPreview[] {
  return previewCases(now).map(({ name, title, exit, step }) => {
    const started = performance.now();
    const email = renderer.render(exit, step);
    return { name, title, email, ms: performance.now() - started };
  });
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? '',
  );

function indexPage(previews: RenderedPreview[], link: (file: string) => string, now: Date): string {
  const rows = previews
    .map(({ name, title, email }) => {
      const headers = Object.keys(email.headers ?? {});
      return `<tr>
<td><strong>${escapeHtml(title)}</strong><br><code>${name}</code></td>
<td>${escapeHtml(email.subject)}</td>
<td>${headers.length > 0 ? headers.map((h) => `<code>${escapeHtml(h)}</code>`).join('<br>') : 'none (transactional)'}</td>
<td><a href="${escapeHtml(link(`${name}.html`))}">HTML</a> · <a href="${escapeHtml(link(`${name}.txt`))}">Text</a></td>
</tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Farewell email previews</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #1f2933; }
table { border-collapse: collapse; width: 100%; max-width: 1100px; }
th, td { text-align: left; vertical-align: top; padding: 10px 12px; border-bottom: 1px solid #d9dee3; }
code { font-size: 13px; }
</style>
</head>
<body>
<h1>Farewell email previews</h1>
<p>Sample data, rendered by the real templates at ${escapeHtml(now.toISOString())}.</p>
<table>
<thead><tr><th>Email</th><th>Subject</th><th>Extra headers</th><th>Views</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

/**
 * The preview as files: `index.html`, and `{name}.html` / `{name}.txt` per email. `link` turns
 * a file name into the href the index uses (a relative path on disk, a query when served).
 */
export function previewSite(
  previews: RenderedPreview[],
  now: Date,
  link: (file: string) => string = (file) => file,
): Map<string, PreviewFile> {
  const files = new Map<string, PreviewFile>();
  files.set('index.html', {
    contentType: 'text/html; charset=utf-8',
    body: indexPage(previews, link, now),
  });
  for (const { name, email } of previews) {
    files.set(`${name}.html`, { contentType: 'text/html; charset=utf-8', body: email.html });
    files.set(`${name}.txt`, { contentType: 'text/plain; charset=utf-8', body: email.text });
  }
  return files;
}
