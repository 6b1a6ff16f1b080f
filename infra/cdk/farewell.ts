import { type App, Tags } from 'aws-cdk-lib';
import { resolveStage, type StageSettings } from '../../config/stages.js';
import { addNagChecks } from './nag.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

const STRONG_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

export interface Farewell {
  stage: StageSettings;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/**
 * Adds Farewell's two stacks for one stage to an app, joined by typed props, with the cdk-nag
 * AwsSolutions checks. `stages` is for tests that bring their own settings.
 */
export function addFarewell(
  app: App,
  stageName: string,
  stages?: Record<string, unknown>,
): Farewell {
  const stage = resolveStage(stageName, stages);
  // Exports between the two stacks stay until nothing imports them (CDK's current default).
  if (app.node.tryGetContext(STRONG_REFERENCES) === undefined) {
    app.node.setContext(STRONG_REFERENCES, 'strong');
  }
  const env = { region: stage.region, ...(stage.account ? { account: stage.account } : {}) };
  const prefix = `Farewell-${stage.name}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    stage,
    description: `Farewell ${stage.name}: table, SES identity and configuration set, secret`,
    terminationProtection: stage.name !== 'dev',
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    stage,
    stateful,
    description: `Farewell ${stage.name}: functions, HTTP API, alarms`,
  });
  Tags.of(app).add('app', 'farewell');
  Tags.of(app).add('stage', stage.name);
  addNagChecks(app);
  return { stage, stateful, stateless };
}
