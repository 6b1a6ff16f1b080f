import { storeCookies } from './cookie-jar.js';

/**
 * A browser stand-in for the operator console over plain HTTP: keeps cookies, never follows
 * redirects, and reads the CSRF token of a form out of the page that shows it.
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  private remember(response: Response): void {
    storeCookies(this.cookies, response.headers.getSetCookie());
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(path: string): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      headers: this.headers(),
      redirect: 'manual',
    });
    this.remember(response);
    return response;
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    this.remember(response);
    return response;
  }

  /** The CSRF token of the form posting to `action` in `html`. */
  static token(html: string, action: string): string {
    const form = html.split('<form').find((chunk) => chunk.includes(`action="${action}`));
    const token = form?.match(/name="csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error(`no form posting to ${action}`);
    return token;
  }

  /** Opens the page showing a form, then posts the form with its token. */
  async submit(page: string, action: string, fields: Record<string, string> = {}) {
    const html = await (await this.get(page)).text();
    return this.post(action, { csrf: ConsoleClient.token(html, action), ...fields });
  }

  async signIn(email: string, password: string, next?: string): Promise<Response> {
    return this.submit('/admin/sign-in', '/admin/sign-in', {
      email,
      password,
      ...(next !== undefined ? { next } : {}),
    });
  }
}
