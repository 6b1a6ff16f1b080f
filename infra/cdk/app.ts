import { App } from 'aws-cdk-lib';
import { addFarewell } from './farewell.js';

/** The CDK app: `cdk synth -c stage=prod` picks the stage from config/stages.ts (default dev). */
const app = new App();
const stage: unknown = app.node.tryGetContext('stage');
addFarewell(app, typeof stage === 'string' && stage ? stage : 'dev');
app.synth();
