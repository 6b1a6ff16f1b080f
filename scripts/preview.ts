/**
 * `npm run preview`: renders every email with sample data into .farewell-data/preview/ and serves
 * an index on loopback. `--no-serve` (or CI=true) only writes the files.
 *
 * Branding comes from the FAREWELL_* variables when set (so you can preview your own), else from
 * sample values. Links point at FAREWELL_PUBLIC_URL or https://farewell.example.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative, resolve } from 'node:path';
import { configSchema } from '../functions/config.js';
import { brandingFromConfig } from '../functions/rendering/branding.js';
import { HandlebarsRenderer } from '../functions/rendering/handlebars-renderer.js';
import { previewSite, renderPreviews } from '../functions/rendering/preview-site.js';

const serve = !process.argv.includes('--no-serve') && !process.env.CI;
const dataDir = resolve(process.env.FAREWELL_DATA_DIR || '.farewell-data');
const outDir = join(dataDir, 'preview');
const port = Number(process.env.FAREWELL_PREVIEW_PORT || 3100);

const branding = configSchema
  .pick({
    FAREWELL_PUBLIC_URL: true,
    FAREWELL_FIRM_NAME: true,
    FAREWELL_SENDER_NAME: true,
    FAREWELL_SIGNATURE: true,
    FAREWELL_BRAND_LOGO_URL: true,
    FAREWELL_BRAND_ACCENT: true,
    FAREWELL_POSTAL_ADDRESS: true,
  })
  .partial()
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
if (!branding.success) {
  for (const issue of branding.error.issues)
    console.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}
const env = branding.data;

const renderer = new HandlebarsRenderer({
  branding: brandingFromConfig({
    ...env,
    FAREWELL_FIRM_NAME: env.FAREWELL_FIRM_NAME ?? 'Northwind Consulting',
    FAREWELL_SIGNATURE:
      env.FAREWELL_SIGNATURE ??
      (env.FAREWELL_FIRM_NAME ? undefined : 'Sam Rivera, Northwind Consulting'),
    FAREWELL_POSTAL_ADDRESS:
      env.FAREWELL_POSTAL_ADDRESS ??
      (env.FAREWELL_FIRM_NAME ? undefined : '12 Wharf Road, London N1 7GR, United Kingdom'),
  }),
  // A throwaway key: preview links are for looking at, not for answering.
  links: {
    publicUrl: env.FAREWELL_PUBLIC_URL ?? 'https://farewell.example',
    keys: [randomBytes(32).toString('hex')],
  },
  clock: { now: () => new Date() },
});

const now = new Date();
const previews = renderPreviews(renderer, now);
const files = previewSite(previews, now);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
console.log(`Rendering ${previews.length} emails into ${relative(process.cwd(), outDir)}/`);
for (const { name, email, ms } of previews) {
  console.log(`  ${name.padEnd(16)} ${ms.toFixed(1).padStart(5)} ms  ${email.subject}`);
}
for (const [file, { body }] of files) writeFileSync(join(outDir, file), body);
console.log(`  index.html       ${files.size} files written`);

if (serve) {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.slice(1) || 'index.html';
    const file = files.get(path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-store' });
    response.end(file.body);
  });
  server.once('error', (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `Port ${port} is in use: set FAREWELL_PREVIEW_PORT, or use --no-serve.`
        : error.message,
    );
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(`\nPreview: http://127.0.0.1:${port}/   (Ctrl-C to stop)`);
  });
}
