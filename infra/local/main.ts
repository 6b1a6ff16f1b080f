import { resolve } from 'node:path';
import { startLocalStack } from './local-stack.js';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    console.error(`${name} must be a port number from 0 to 65535 (got "${raw}").`);
    process.exit(2);
  }
  return value;
}

const started = Date.now();
const appPort = port('PORT', 3000);
const sesPort = port('FAREWELL_SES_PORT', 8005);
const dataDir = resolve(process.env.FAREWELL_DATA_DIR || '.farewell-data');

let stack: Awaited<ReturnType<typeof startLocalStack>>;
try {
  stack = await startLocalStack({ port: appPort, sesPort, dataDir, env: process.env });
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(
      `A port is already in use (app ${appPort}, inbox ${sesPort}). Stop the other process or set PORT / FAREWELL_SES_PORT.`,
    );
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
}

const lines = [
  '',
  `Farewell is running locally (ready in ${Date.now() - started} ms).`,
  '',
  `  App          ${stack.appUrl}`,
  `  Console      ${stack.appUrl}/admin   (sign in with the operator below)`,
  `  Health       ${stack.appUrl}/healthz`,
  `  Webhook      POST ${stack.appUrl}/webhooks/exits`,
  `  Time travel  POST ${stack.appUrl}/__local/time-travel  {"days": N}`,
  `  Inbox        ${stack.sesUrl}   (sent mail as JSON: ${stack.sesUrl}/store)`,
  `  Emails       ${stack.appUrl}/__local/previews   (every email, rendered with sample data)`,
  `  Data         ${dataDir}`,
  '',
];
if (stack.generated.includes('FAREWELL_WEBHOOK_SECRETS')) {
  lines.push(
    '  Webhook secret (generated, kept in the data folder; set FAREWELL_WEBHOOK_SECRETS to choose your own):',
    `    ${stack.secrets.FAREWELL_WEBHOOK_SECRETS}`,
    '',
  );
}
const { operator } = stack;
const signIn = {
  generated:
    'password generated and kept in the data folder; set FAREWELL_OPERATOR_EMAIL / FAREWELL_OPERATOR_PASSWORD to choose your own',
  environment: 'password from FAREWELL_OPERATOR_PASSWORD',
  changed: `password changed since it was generated; to reset it: npx farewell --local operator password ${operator.email}`,
}[operator.password.source];
lines.push(
  `  Operator sign-in (${signIn}):`,
  `    email     ${operator.email}`,
  ...(operator.password.source === 'generated' ? [`    password  ${operator.password.value}`] : []),
  '',
);
lines.push(
  '  Try it:  npm run webhook:demo',
  '  CLI:     npx farewell --local exits list   (npx farewell --help)',
  '  Stop:    Ctrl-C',
  '',
);
console.log(lines.join('\n'));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Farewell…');
    await stack.stop();
    process.exit(0);
  });
}
