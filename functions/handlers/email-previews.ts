import type { IncomingMessage } from 'node:http';
import type { Clock, EmailRenderer } from '../domain/ports.js';
import { previewSite, renderPreviews } from '../rendering/preview-site.js';
import type { HttpResponse } from './http/responses.js';

/**
 * The local gateway route `/__local/previews`: the index, or one file with `?file=name.html`.
 * Rendered afresh on each request, with the app's own renderer and (virtual) clock.
 */
export function previewRoute(
  renderer: EmailRenderer,
  clock: Clock,
): (request: IncomingMessage) => Promise<HttpResponse> {
  return async (request): Promise<HttpResponse> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const now = clock.now();
    const files = previewSite(
      renderPreviews(renderer, now),
      now,
      (file) => `?file=${encodeURIComponent(file)}`,
    );
    const file = files.get(url.searchParams.get('file') ?? 'index.html');
    if (request.method !== 'GET' || !file) {
      return {
        statusCode: request.method === 'GET' ? 404 : 405,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'Not found\n',
      };
    }
    return {
      statusCode: 200,
      headers: {
        'content-type': file.contentType,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
      body: file.body,
    };
  };
}
