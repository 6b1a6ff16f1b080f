/**
 * The `farewell` CLI against an in-process local stack: the real bin (tsx and all) as a child
 * process for the import and the contract of exit codes, and `main()` in-process elsewhere.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../cli/context.js';
import { main } from '../../cli/main.js';
import { signIn } from '../../functions/domain/use-cases/operators.js';
import { cliIo } from '../support/cli-io.js';
import { waitFor } from '../support/ports.js';
import { startForFile } from '../support/start-for-file.js';
import { startTestStack } from '../support/test-stack.js';
import { TEST_WEBHOOK_SECRET } from '../support/webhooks.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const test = startForFile(startTestStack);
let dataDir: string;
const scratch = mkdtempSync(join(tmpdir(), 'farewell-cli-'));
const tag = randomUUID().slice(0, 8);
const ada = `ada+${tag}@client.example`;
const grace = `grace+${tag}@client.example`;

const HEADER =
  'name,email,company,timezone,country,locale,initiatedBy,reason,effectiveOn,relationshipStartedOn,handover,highlights,externalId';
const GOOD_AND_BAD = [
  HEADER,
  `Ada Lovelace,${ada},Analytical Engines,Europe/London,GB,en-GB,firm,Needs grew.,,2024-03-01,Source code;Credentials,Faster reports,crm-${tag}`,
  `Grace Hopper,${grace},Compilers Inc,America/New_York,US,en-US,client,,,2023-01-15,,,`,
  'Bad Row,not-an-email,,Europe/London,GB,,firm,,2027-02-30,,,,',
].join('\n');

function csvFile(name: string, text: string): string {
  const file = join(scratch, name);
  writeFileSync(file, `${text}\n`);
  return file;
}

/** A child's exit code and all it printed, once it has closed. */
function finished(child: ChildProcessWithoutNullStreams): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The installed command, exactly as a shell runs it. */
function farewell(args: string[], stdin?: string): Promise<Run> {
  const child = spawn(process.execPath, ['bin/farewell.js', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, FAREWELL_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const run = finished(child);
  child.stdin.end(stdin ?? '');
  return run;
}

const io = (stdin = '') => cliIo(dataDir, stdin);

/** `main()` in this process: the same code, without a second Node start. */
async function inProcess(args: string[], stdin?: string): Promise<Run> {
  const { io: streams, output } = io(stdin);
  const code = await main(args, streams);
  return { code, ...output() };
}

async function exitIdOf(address: string): Promise<string> {
  const run = await inProcess(['--local', 'exits', 'list', '--json', '--limit', '1000']);
  const { exits } = JSON.parse(run.stdout) as {
    exits: { id: string; client: { email: string } }[];
  };
  const exit = exits.find((candidate) => candidate.client.email === address);
  if (!exit) throw new Error('exit not listed');
  return exit.id;
}

beforeAll(async () => {
  dataDir = test.stack.dataDir;
});

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('farewell import', () => {
  it('starts the good rows, names each bad row and field, and exits 1', async () => {
    const run = await farewell(['--local', 'import', csvFile('first.csv', GOOD_AND_BAD)]);
    const notices = await waitFor(async () => {
      const sent = [...(await test.emailsTo(ada)), ...(await test.emailsTo(grace))];
      return sent.length === 2 ? sent : undefined;
    }, 5_000);

    expect(run.stdout.trim()).toBe('2 started, 0 already existed, 1 failed');
    expect(run.stderr).toContain('row 4: email: must be an email address');
    expect(run.stderr).toContain('row 4: effectiveOn: must be a real calendar date as YYYY-MM-DD');
    expect(run.stderr).not.toMatch(/\bat .+\.ts:\d+/);
    expect(run.code).toBe(1);
    expect(notices).toHaveLength(2);
  });

  it('refuses a row whose effectiveOn lies beyond the grace in the past, in a dry run too', async () => {
    const late = `late+${tag}@client.example`;
    const file = csvFile('past.csv', `${HEADER}\nLate Client,${late},,,,,firm,,2020-01-01,,,,`);

    const dry = await inProcess(['--local', 'import', '--dry-run', file]);
    const run = await farewell(['--local', 'import', file]);

    for (const answer of [dry, run]) {
      expect(answer.stderr).toMatch(/row 2: effectiveOn: must not be in the past \(today is /);
      expect(answer.stdout.trim()).toMatch(
        /0 (would start|started), 0 already exist(ed)?, 1 failed$/,
      );
      expect(answer.code).toBe(1);
    }
    expect(await exitIdOf(late).catch(() => 'absent')).toBe('absent');
  });

  it('starts nothing new when the same file is imported again', async () => {
    const run = await farewell(['--local', 'import', csvFile('again.csv', GOOD_AND_BAD)]);

    expect(run.stdout.trim()).toBe('0 started, 2 already existed, 1 failed');
    expect(await test.emailsTo(ada)).toHaveLength(1);
    expect(await test.emailsTo(grace)).toHaveLength(1);
  });

  it('only reports in a dry run, including what already exists', async () => {
    const newcomer = `new+${tag}@client.example`;
    const file = csvFile(
      'dry.csv',
      `${GOOD_AND_BAD.split('\n').slice(0, 3).join('\n')}\nNew Client,${newcomer},,,,,firm,,,,,,`,
    );

    const run = await inProcess(['--local', 'import', '--dry-run', file]);

    const lines = run.stdout.trim().split('\n');

    expect(lines).toEqual([
      expect.stringMatching(
        /^row 2: Ada Lovelace, firm-initiated, ends \d{4}-\d\d-\d\d: already exists \(x[0-9a-f]{24}\)$/,
      ),
      expect.stringMatching(/^row 3: Grace Hopper, client-initiated, ends .*: already exists/),
      expect.stringMatching(
        /^row 4: New Client, firm-initiated, ends \d{4}-\d\d-\d\d: would start notice \d{4}-\d\d-\d\d, gratitude \d{4}-\d\d-\d\d, survey .*check-in-1 /,
      ),
      'Dry run: 1 would start, 2 already exist, 0 failed',
    ]);
    expect(run.code).toBe(0);
    expect(await exitIdOf(newcomer).catch(() => 'absent')).toBe('absent');
  });

  it('records the import as the source and keys the CRM row by its external id', async () => {
    const exitId = await exitIdOf(ada);

    const run = await inProcess(['--local', 'exits', 'show', exitId, '--json']);

    expect(JSON.parse(run.stdout)).toMatchObject({ source: 'import', externalId: `crm-${tag}` });
  });

  it('refuses a file whose header is wrong, before starting anything', async () => {
    const run = await inProcess([
      '--local',
      'import',
      csvFile('bad.csv', 'name,mail\nA,a@b.example'),
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 1\) has unknown column\(s\) "mail"; missing required column/);
  });
});

describe('farewell exits', () => {
  it('lists active exits without email addresses', async () => {
    const run = await inProcess(['--local', 'exits', 'list']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^EXIT\s+STATUS\s+CLIENT/);
    expect(run.stdout).toContain('Ada Lovelace');
    expect(run.stdout).not.toContain('@');
  });

  it('shows an exit with its steps and timeline', async () => {
    const run = await inProcess(['--local', 'exits', 'show', await exitIdOf(grace)]);

    expect(run.stdout).toContain(`Grace Hopper <${grace}>`);
    expect(run.stdout).toMatch(/notice\s+sent/);
    expect(run.stdout).toMatch(/gratitude\s+scheduled/);
    expect(run.stdout).toContain('Started from an import; client-initiated');
    expect(run.stdout).toContain('not answered');
  });

  it('writes the exit record as one HTML file', async () => {
    const id = await exitIdOf(grace);
    const file = join(scratch, 'record.html');

    const run = await inProcess(['--local', 'exits', 'record', id, '--out', file]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Wrote the exit record of ${id}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Exit record: Grace Hopper');
    expect(html).toContain('<style>');
    expect(html).toContain('Emails sent');
  });

  it('shows an exit by its external id too', async () => {
    const run = await inProcess(['--local', 'exits', 'show', `crm-${tag}`]);
    const unknown = await inProcess(['--local', 'exits', 'show', `crm-none-${tag}`]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Ada Lovelace <${ada}>`);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      1,
      `No exit with the id or external id crm-none-${tag}.`,
    ]);
  });

  it('pauses, resumes and cancels, recording the CLI in the timeline', async () => {
    const exitId = await exitIdOf(grace);

    const runs = [
      await inProcess(['--local', 'exits', 'pause', exitId]),
      await inProcess(['--local', 'exits', 'resume', exitId]),
      await inProcess(['--local', 'exits', 'cancel', exitId]),
      await inProcess(['--local', 'exits', 'resume', exitId]),
    ];
    const shown = await inProcess(['--local', 'exits', 'show', exitId]);

    expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 1]);
    expect(runs[2]?.stdout).toContain(`${exitId} cancelled; status: cancelled.`);
    expect(runs[3]?.stderr.trim()).toBe('A cancelled exit cannot be resumed');
    expect(shown.stdout).toContain('Cancelled from the cli.');
  });

  it('says which exit does not exist, and which argument is malformed', async () => {
    const missing = await inProcess(['--local', 'exits', 'show', `x${'0'.repeat(24)}`]);
    const malformed = await inProcess(['--local', 'exits', 'cancel', 'crm-4711']);

    expect([missing.code, missing.stderr.trim()]).toEqual([1, `No exit x${'0'.repeat(24)}.`]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('must be an exit id from Farewell');
  });
});

describe('farewell operator', () => {
  it('adds an operator from a piped password, who can then sign in', async () => {
    const email = `Ops+${tag}@Firm.example`;

    const added = await farewell(
      ['--local', 'operator', 'add', email, '--password-stdin'],
      'a long enough password\n',
    );
    const again = await inProcess(
      ['--local', 'operator', 'add', email, '--password-stdin'],
      'another long password\n',
    );
    const deps = createContext(io().io, { local: true }).deps();
    const result = await signIn(deps.operators, { email, password: 'a long enough password' });

    expect([added.code, added.stdout.trim()]).toEqual([
      0,
      'Operator added. They can sign in to the console now.',
    ]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('already exists')]);
    expect(result.ok).toBe(true);
  });

  it('names the field when the password breaks the policy', async () => {
    const run = await inProcess(
      ['--local', 'operator', 'add', `short+${tag}@firm.example`, '--password-stdin'],
      'short\n',
    );

    expect([run.code, run.stderr.trim()]).toEqual([1, 'password: must be at least 12 characters']);
  });

  it('keeps every secret out of the endpoints file the CLI reads', () => {
    const endpoints = readFileSync(join(dataDir, 'endpoints.json'), 'utf8');

    for (const secret of Object.values(test.stack.secrets)) expect(endpoints).not.toContain(secret);
    expect(JSON.parse(endpoints)).toMatchObject({ pid: process.pid, appUrl: test.stack.appUrl });
  });

  it('prints the first operator that local mode created', () => {
    expect(test.stack.operator).toMatchObject({
      created: true,
      password: { source: 'generated', value: expect.stringMatching(/^.{20}$/) },
    });
  });
});

describe('farewell send-test', () => {
  it('sends the rendered sample email to the given address only', async () => {
    const to = `me+${tag}@firm.example`;

    const run = await inProcess(['--local', 'send-test', 'survey', '--to', to]);
    const [email] = await test.emailsTo(to);

    expect(run.code).toBe(0);
    expect(email?.subject).toMatch(/^\[Test\] /);
    expect(email?.body.text).toContain('Dear Amelia,');
  });

  it('sends a survey whose link opens the real survey page locally', async () => {
    const to = `link+${tag}@firm.example`;

    const run = await inProcess(['--local', 'send-test', 'survey', '--to', to]);
    const [email] = await test.emailsTo(to);
    const link = email?.body.text?.match(/https?:\/\/\S+\/s\/[\w.-]+/)?.[0] ?? 'no link';
    const page = await fetch(link);

    expect(run.code).toBe(0);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Amelia');
  });

  it("sends the operator's survey-answer notice too", async () => {
    const to = `answers+${tag}@firm.example`;

    const run = await inProcess(['--local', 'send-test', 'survey-answer', '--to', to]);
    const [email] = await test.emailsTo(to);

    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(email?.subject).toMatch(/^\[Test\] /);
    expect(email?.body.text).toContain('Weekly updates often came a few days late.');
  });

  it("sends the operator's digest too, each item linking to its exit", async () => {
    const to = `digest+${tag}@firm.example`;

    const run = await inProcess(['--local', 'send-test', 'operator-digest', '--to', to]);
    const [email] = await test.emailsTo(to);

    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(email?.subject).toMatch(/^\[Test\] Your Farewell digest for /);
    expect(email?.body.text).toContain('/admin/exits/xpreviewsurveyanswer');
  });

  it('refuses anything but one email address', async () => {
    const run = await inProcess([
      '--local',
      'send-test',
      'survey',
      '--to',
      'me@firm.example,you@x.example',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('must be one email address');
  });
});

/** `npm run webhook:demo`, exactly as npm runs it. */
function webhookDemo(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/send-demo-webhook.ts', ...args],
    { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' },
  );
  return finished(child);
}

describe('npm run webhook:demo', () => {
  it('posts to the app running from the data folder, whatever port it chose', async () => {
    // The test stack takes its secret from the environment, as `npm start` does when it is set.
    const run = await webhookDemo([], {
      FAREWELL_DATA_DIR: dataDir,
      FAREWELL_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
    });

    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^202 /);
  });

  it('says in one line that no app answers, and exits 1', async () => {
    const run = await webhookDemo(['--url', 'http://127.0.0.1:9'], {
      FAREWELL_DATA_DIR: dataDir,
    });

    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'Farewell does not answer at http://127.0.0.1:9. Start it with `npm start`, or pass --url (or PORT) for the port it runs on.',
    );
  });
});

describe('farewell, in general', () => {
  it('has help for every command', async () => {
    const run = await farewell(['--help']);

    expect(run.code).toBe(0);
    for (const command of ['operator', 'exits', 'import', 'preview', 'send-test']) {
      expect(run.stdout).toContain(command);
    }
  });

  it('explains that no local stack runs, without a stack trace', async () => {
    const empty = mkdtempSync(join(scratch, 'none-'));
    const { io: streams, output } = io();

    const code = await main(['--local', 'exits', 'list'], {
      ...streams,
      env: { FAREWELL_DATA_DIR: empty },
    });

    expect(code).toBe(1);
    expect(output().stderr.trim()).toBe(
      `No local Farewell is running from ${empty}. Start it with \`npm start\` (or point FAREWELL_DATA_DIR at its data folder).`,
    );
  });

  it('names every missing setting when run against AWS without configuration', async () => {
    const { io: streams, output } = io();

    const code = await main(['exits', 'list'], { ...streams, env: {} });

    expect(code).toBe(1);
    expect(output().stderr).toContain('FAREWELL_TABLE_NAME: is required');
    expect(output().stderr).toContain('add --local');
  });
});
