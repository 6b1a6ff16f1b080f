import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../infra/cdk/bundling.js';

const run = promisify(execFile);
const SECTION = fileURLToPath(new URL('../section.ts', import.meta.url));

/** Runs `bench/section.ts <name>` in a fresh Node process and answers its JSON result. */
export async function runSection<T>(name: string, timeoutMs = 300_000): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'farewell-bench-'));
  const out = join(dir, 'result.json');
  try {
    await run(process.execPath, ['--import', 'tsx', SECTION, name, out], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: timeoutMs,
      // The local stack logs every step; only the result file matters.
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
