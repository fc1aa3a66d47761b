/**
 * Secrets: the whole lifecycle of the fixture app (Create, an Update, a failing Update and its rollback, Delete
 * with onDelete) runs in Lambda-like containers with every log line captured. No access key id, secret key or
 * session token (the role's or the temporary ones), no ResponseURL, and no first or last name, in any form the service
 * echoed it in (another case, JSON-escaped, URL-encoded), may appear in the logs, the failure reasons or the answers'
 * Data. The handler runs with the construct's log format (JSON), and leaves exactly one audit line per request.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalDeployment } from '../../testing';
import { synthFixture } from '../fixtures/fixture-app';
import { GUARANTEES } from './guarantees';
import { hasName } from '../support/name-forms';

test('nothing secret leaves the handler, through a whole lifecycle with failures', async () => {
  const assemblyDir = synthFixture(fs.mkdtempSync(path.join(os.tmpdir(), 'finspace-secrets-')));
  const logs: string[] = [];
  const deployment = await LocalDeployment.start({ assemblyDir, onLog: (line) => logs.push(line) });
  try {
    await deployment.createAll();
    const analyst = deployment.resourceIds.find((id) => id.includes('Analyst'))!;
    await deployment.update({ [analyst]: { ...deployment.propertiesOf(analyst), firstName: 'Zebediah', lastName: 'Quartermaine' } });
    // A failing update (bad name at deploy time: a blank first name) and the service refusing the next one.
    await deployment.update({ [analyst]: { ...deployment.propertiesOf(analyst), firstName: '   ', lastName: 'Featherstonehaugh' } });
    // The service's own message quoting the name it refused, in several forms, must not carry it into the reason.
    deployment.emulator.injectFault({
      operation: 'UpdateUser',
      status: 400,
      message: 'lastName "Chölmondeley" rejected (CHÖLMONDELEY, Ch\\u00f6lmondeley, Ch%C3%B6lmondeley)',
    });
    await deployment.update({ [analyst]: { ...deployment.propertiesOf(analyst), lastName: 'Chölmondeley' } });
    await deployment.deleteAll();
    expect(deployment.steps.filter((s) => s.status === 'FAILED').length).toBe(2);

    const role = deployment.emulator.roleCredentials(deployment.handlerFunctions[0].spec.roleArn!);
    const secrets = [
      role.accessKeyId,
      role.secretAccessKey,
      role.sessionToken,
      ...deployment.emulator.issuedCredentials().flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
      ...deployment.exchanges.map((x) => String(x.event.ResponseURL)),
      'Grace',
      'Hopper',
      'Zebediah',
      'Quartermaine',
      'Featherstonehaugh',
      'Chölmondeley',
      'CHÖLMONDELEY',
      'Ch\\u00f6lmondeley',
      'Ch%C3%B6lmondeley',
    ];
    const names = ['Grace', 'Hopper', 'Zebediah', 'Quartermaine', 'Featherstonehaugh', 'Chölmondeley'];
    expect(deployment.emulator.issuedCredentials().length).toBeGreaterThan(0);
    expect(secrets).toHaveLength(GUARANTEES.secrets.values);
    const answers = deployment.exchanges.map((x) => x.answer ?? '');
    const reasons = deployment.steps.map((s) => s.reason ?? '');
    const data = answers.map((a) => JSON.stringify(a ? (JSON.parse(a).Data ?? {}) : {}));
    expect(logs.length).toBeGreaterThan(10);
    const haystacks = { logs: logs.join('\n'), answers: answers.join('\n'), reasons: reasons.join('\n'), data: data.join('\n') };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`a secret (${secret.length} characters) appears in the ${where}`);
      }
      expect(text).not.toMatch(/X-Amz-Signature|secretAccessKey|sessionToken/);
      // Nor any form of a name, decoded: case, JSON escapes, URL encoding.
      for (const name of names)
        if (hasName(text, name)) throw new Error(`a form of a name (${name.length} characters) appears in the ${where}`);
    }
    // Only the model's words show of the service's message: the field it names, and none of the name's forms.
    expect(reasons.join('\n')).toContain('ValidationException: lastName "[?]" [?] ([?], [?]\\[?], [?]%[?]%[?])');
    // Lambda's JSON log format: one audit line per request, the audit record as the line's message.
    expect(deployment.steps.map((s) => s.audit.length)).toEqual(deployment.steps.map(() => 1));
    expect(logs.map((line) => JSON.parse(line).message.audit)).toEqual(logs.map(() => 'FinSpaceUserSettings'));
    console.log(
      `secrets checked: ${secrets.length} values against ${logs.length} log lines, ${answers.length} answers and ${reasons.filter(Boolean).length} failure reasons`,
    );
  } finally {
    await deployment.close();
    fs.rmSync(assemblyDir, { recursive: true, force: true });
  }
}, 60_000);
