/**
 * The example stack with N FinSpaceUserSettings, synthesized into a folder; prints the in-process synth time.
 * Usage: tsx bench/synth-app.ts N OUTDIR
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApiAccess, FinSpaceUserSettings, FinSpaceUserType } from '../lib';

const n = Number(process.argv[2] ?? 1);
const started = performance.now();
const app = new App({ outdir: process.argv[3] });
const stack = new Stack(app, 'SynthScale');
const role = new iam.Role(stack, 'AnalystApiRole', { assumedBy: new iam.AccountRootPrincipal() });
for (let i = 0; i < n; i++) {
  new FinSpaceUserSettings(stack, `User${i}`, {
    environmentId: 'r4nd0menv1d',
    userId: `u${String(i).padStart(16, '0')}`,
    userType: FinSpaceUserType.APP_USER,
    firstName: 'Ada',
    lastName: 'Lovelace',
    apiAccess: ApiAccess.ENABLED,
    apiAccessPrincipal: role,
    onDelete: { apiAccess: ApiAccess.DISABLED },
  });
}
app.synth();
console.log(JSON.stringify({ instances: n, synthMs: performance.now() - started }));
