import { DynamoExitStore } from '../../functions/adapters/dynamo-exit-store.js';
import type { Exit, Step } from '../../functions/domain/exit.js';
import { type LinkPurpose, signLinkToken } from '../../functions/domain/link-token.js';
import type { OutgoingEmail } from '../../functions/domain/ports.js';
import { DEFAULT_RULES } from '../../functions/domain/sequence-rules.js';
import type { SurveyDeps } from '../../functions/domain/use-cases/answer-survey.js';
import type { PreferencesDeps } from '../../functions/domain/use-cases/unsubscribe.js';
import { HandlebarsRenderer } from '../../functions/rendering/handlebars-renderer.js';
import { buildExit } from './exit-fixture.js';
import { startLocalTable } from './local-clients.js';
import { RecordingScheduler } from './recording-scheduler.js';
import { silentLog } from './silent-log.js';

export const LINK_KEYS = ['k'.repeat(32)];
export const SUPPRESSION_KEY = 's'.repeat(32);
/** After the fixture's survey went out (2025-04-03), before its reminder (2025-04-10). */
export const START = new Date('2025-04-05T12:00:00.000Z');

/**
 * The client-page use cases against dynalite, with a recording mailer and scheduler (ports are
 * parameters, so fakes need no module patching). Tests move `now` and flip `mailerFails`.
 */
export interface ClientHarness {
  store: DynamoExitStore;
  survey: SurveyDeps;
  preferences: PreferencesDeps;
  now: Date;
  mailerFails: boolean;
  sent: OutgoingEmail[];
  /** `exitId/stepId` of deleted schedules. */
  cancelled: string[];
  /** `exitId/stepId@dueAt` of created schedules. */
  scheduled: string[];
  /** Clears the recordings and puts the clock back at START. */
  reset(): void;
  token(exit: Exit, purpose: LinkPurpose, days?: number): string;
  /** Stores a fixture exit whose notice, gratitude and survey went out; its own address. */
  storedExit(overrides?: Partial<Exit>): Promise<Exit>;
  reload(exit: Exit): Promise<Exit>;
  stop(): Promise<void>;
}

export async function startClientHarness(table: string): Promise<ClientHarness> {
  const local = await startLocalTable(table);
  const store = new DynamoExitStore(local.documents, table);
  const clock = { now: () => harness.now };
  const scheduler = new RecordingScheduler();
  const mailer = {
    async send(email: OutgoingEmail) {
      if (harness.mailerFails) throw new Error('SES is down');
      harness.sent.push(email);
      return { messageId: `m-${harness.sent.length}` };
    },
  };
  const alertRenderer = new HandlebarsRenderer({
    branding: { firmName: 'Acme', signature: 'Grace' },
    links: { publicUrl: 'https://farewell.example', keys: LINK_KEYS },
    clock,
  });
  const link = { store, clock, linkKeys: LINK_KEYS };
  const harness: ClientHarness = {
    store,
    survey: {
      ...link,
      scheduler,
      mailer,
      alertRenderer,
      log: silentLog,
      operatorEmail: 'ops@acme.example',
    },
    preferences: {
      ...link,
      scheduler,
      log: silentLog,
      rules: DEFAULT_RULES,
      suppressionKey: SUPPRESSION_KEY,
    },
    now: START,
    mailerFails: false,
    sent: [],
    cancelled: scheduler.cancelled,
    get scheduled() {
      return scheduler.scheduledKeys();
    },
    reset() {
      harness.now = START;
      harness.mailerFails = false;
      harness.sent.length = 0;
      scheduler.clear();
    },
    token(exit, purpose, days = 60) {
      const expiresAt = Math.floor(harness.now.getTime() / 1000) + days * 86_400;
      return signLinkToken(LINK_KEYS, { exitId: exit.id, purpose, expiresAt });
    },
    async storedExit(overrides = {}) {
      const base = buildExit(overrides);
      const sent = (id: string): Step => ({ ...(base.steps[id] as Step), state: 'sent' });
      const exit: Exit = {
        ...base,
        client: { ...base.client, email: `${base.id}@client.example` },
        steps: {
          ...base.steps,
          notice: sent('notice'),
          gratitude: sent('gratitude'),
          survey: sent('survey'),
        },
      };
      await store.create(exit);
      return exit;
    },
    async reload(exit) {
      const stored = await store.get(exit.id);
      if (!stored) throw new Error('exit vanished');
      return stored;
    },
    stop: () => local.stop(),
  };
  return harness;
}
