#!/usr/bin/env node
/**
 * Example app: a platform team's stack that declares the settings of three FinSpace users. It synthesizes with
 * no AWS credentials and no network; `npm start` also applies it against the local FinSpace emulator.
 */
import { App } from 'aws-cdk-lib';
import { FinSpaceUserSettingsStack } from './example-stack';

const app = new App();
new FinSpaceUserSettingsStack(app, 'FinSpaceUserSettingsExample', {
  description: 'Example: FinSpace user settings applied through Custom::FinSpaceUserSettings',
});
app.synth();
