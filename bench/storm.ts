/**
 * Throttling storm: N concurrent Create events, each in its own simulated container (its own handler, client and
 * credential cache), against the emulator with a token-bucket limit of R requests per second shared by all
 * callers. Our retry policy, then the AWS SDK v3 default (standard, 3 attempts) and adaptive mode, in one run with
 * the same deadline. Prints the figures, writes bench/results/storm.json and storm.svg.
 *
 * Usage: tsx bench/storm.ts [--n 200] [--rate 50] [--deadline-ms 120000]
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FinSpaceAccess } from '../lambda/finspace-access';
import { createHandler } from '../lambda/handler';
import type { RetryRunner } from '../lambda/retry';
import { FinSpaceEmulator, type RequestRecord } from '../testing/finspace-emulator';
import { ResponseReceiver } from '../testing/response-receiver';
import { arg, percentile, writeResult } from './support';
import { sdkAdaptive, sdkStandard } from './sdk-retry';

const ROLE = 'arn:aws:iam::123456789012:role/FinSpaceUserSettingsHandler';
const ENV = 'stormenv';
const STORM_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Storm/1';

export interface StormOptions {
  readonly events: number;
  readonly ratePerSecond: number;
  /** Each event's Lambda remaining time at start. */
  readonly deadlineMs: number;
}

export interface StormFigures {
  readonly policy: string;
  readonly events: number;
  readonly succeeded: number;
  readonly successShare: number;
  readonly makespanMs: number;
  readonly lowerBoundMs: number;
  readonly makespanRatio: number;
  readonly requestsSent: number;
  readonly requestsNeeded: number;
  readonly requestRatio: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly overDeadline: number;
  /** Requests over time, for the plot: [ms since start, accepted?]. */
  readonly timeline: ReadonlyArray<readonly [number, boolean]>;
}

/** One storm with one retry policy (undefined: ours, as the handler ships it). */
export async function runStorm(policy: string, retry: (() => RetryRunner) | undefined, options: StormOptions): Promise<StormFigures> {
  const users = Array.from({ length: options.events }, (_, i) => ({
    userId: `storm${String(i).padStart(5, '0')}`,
    type: 'APP_USER' as const,
  }));
  const emulator = await FinSpaceEmulator.start({
    environments: { [ENV]: [{ userId: 'admin', type: 'SUPER_USER', apiAccess: 'ENABLED', apiAccessPrincipalArn: ROLE }, ...users] },
  });
  const receiver = await ResponseReceiver.start();
  // fromEnv() reads the role's credentials from the environment, as in Lambda; put back what was there after.
  const savedEnv = { ...process.env };
  Object.assign(process.env, emulator.lambdaEnvironment(ROLE));
  const quiet = [console.info, console.warn, console.error];
  console.info = console.warn = console.error = () => undefined;
  const httpHandlers: NodeHttpHandler[] = [];
  try {
    emulator.setRateLimit({ requestsPerSecond: options.ratePerSecond });
    const started = Date.now();
    const latencies = await Promise.all(
      users.map(async (user, i) => {
        // A container of its own: its own handler, FinSpace client, sockets and credential cache.
        const httpHandler = new NodeHttpHandler({ connectionTimeout: 3000 });
        httpHandlers.push(httpHandler);
        const access = new FinSpaceAccess({
          region: 'us-east-1',
          endpoint: emulator.endpoint,
          roleCredentials: fromEnv(),
          roleArn: ROLE,
          httpHandler,
          retry: retry?.(),
        });
        const handler = createHandler({ access, stackId: STORM_STACK_ID, responseUrls: { standIn: new URL(receiver.url()).origin } });
        const end = started + options.deadlineMs;
        const key = `e${i}`;
        await handler(
          {
            RequestType: 'Create',
            ResponseURL: receiver.url(key),
            StackId: STORM_STACK_ID,
            RequestId: `storm-${i}`,
            LogicalResourceId: `User${i}`,
            ResourceType: 'Custom::FinSpaceUserSettings',
            ResourceProperties: { environmentId: ENV, userId: user.userId, apiAccess: 'ENABLED' },
          },
          { getRemainingTimeInMillis: () => end - Date.now() },
        );
        return { ms: Date.now() - started, ok: receiver.response(key)?.Status === 'SUCCESS' };
      }),
    );
    const makespanMs = Math.max(...latencies.map((l) => l.ms));
    const requests: RequestRecord[] = emulator.requests;
    const succeeded = latencies.filter((l) => l.ok).length;
    const requestsNeeded = 2 * options.events;
    const lowerBoundMs = (requestsNeeded / options.ratePerSecond) * 1000;
    const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
    return {
      policy,
      events: options.events,
      succeeded,
      successShare: succeeded / options.events,
      makespanMs,
      lowerBoundMs,
      makespanRatio: makespanMs / lowerBoundMs,
      requestsSent: requests.length,
      requestsNeeded,
      requestRatio: requests.length / requestsNeeded,
      latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)! },
      overDeadline: latencies.filter((l) => l.ms > options.deadlineMs).length,
      timeline: requests.map((r) => [r.at - started, r.status === 200] as const),
    };
  } finally {
    [console.info, console.warn, console.error] = quiet;
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    httpHandlers.forEach((h) => h.destroy());
    await receiver.close();
    await emulator.close();
  }
}

export const POLICIES: ReadonlyArray<readonly [string, (() => RetryRunner) | undefined]> = [
  ['ours', undefined],
  ['SDK v3 standard (3 attempts)', sdkStandard],
  ['SDK v3 adaptive (3 attempts)', sdkAdaptive],
];

/** An SVG of requests per 250 ms, accepted and throttled, one panel per policy. */
export function stormSvg(results: readonly StormFigures[], rate: number): string {
  const bucketMs = 250;
  const width = 720;
  const panel = 170;
  const horizon = Math.max(...results.map((r) => Math.max(r.makespanMs, ...r.timeline.map(([t]) => t)))) + bucketMs;
  const buckets = Math.ceil(horizon / bucketMs);
  const series = results.map((r) => {
    const accepted = new Array(buckets).fill(0);
    const throttled = new Array(buckets).fill(0);
    for (const [t, ok] of r.timeline) (ok ? accepted : throttled)[Math.min(buckets - 1, Math.floor(t / bucketMs))]++;
    return { accepted, throttled };
  });
  const peak = Math.max(1, ...series.flatMap((s) => s.accepted.map((a, i) => a + s.throttled[i])));
  const x = (i: number) => 50 + (i * (width - 70)) / buckets;
  const barWidth = Math.max(1, (width - 70) / buckets - 0.5);
  const parts: string[] = [];
  results.forEach((r, p) => {
    const top = 56 + p * panel;
    const h = panel - 50;
    const y = (v: number) => top + h - (v / peak) * h;
    parts.push(
      `<text x="50" y="${top - 8}" font-size="12" font-family="sans-serif">${escapeXml(r.policy)}: ${(r.successShare * 100).toFixed(0)}% succeeded, makespan ${(r.makespanMs / 1000).toFixed(1)} s (${r.makespanRatio.toFixed(2)}× bound), ${r.requestRatio.toFixed(2)}× requests</text>`,
    );
    parts.push(`<line x1="50" y1="${top + h}" x2="${width - 20}" y2="${top + h}" stroke="#999"/>`);
    const limit = (rate * bucketMs) / 1000;
    parts.push(
      `<line x1="50" y1="${y(limit)}" x2="${width - 20}" y2="${y(limit)}" stroke="#555" stroke-dasharray="4 3"/><text x="${width - 18}" y="${y(limit) + 4}" font-size="9" font-family="sans-serif">R</text>`,
    );
    series[p].accepted.forEach((a, i) => {
      const t = series[p].throttled[i];
      if (a)
        parts.push(
          `<rect x="${x(i).toFixed(1)}" y="${y(a).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + h - y(a)).toFixed(1)}" fill="#2a9d4a"/>`,
        );
      if (t)
        parts.push(
          `<rect x="${x(i).toFixed(1)}" y="${y(a + t).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(a) - y(a + t)).toFixed(1)}" fill="#d1495b"/>`,
        );
    });
    for (let s = 0; s * 1000 <= horizon; s += Math.max(1, Math.ceil(horizon / 1000 / 12))) {
      parts.push(
        `<text x="${x((s * 1000) / bucketMs).toFixed(1)}" y="${top + h + 12}" font-size="9" font-family="sans-serif" text-anchor="middle">${s}s</text>`,
      );
    }
  });
  const height = 56 + results.length * panel;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 20}" viewBox="0 0 ${width} ${height + 20}">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="50" y="16" font-size="13" font-family="sans-serif" font-weight="bold">Requests per ${bucketMs} ms: accepted (green), throttled with 429 (red); dashed: the limit R</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function stormTable(results: readonly StormFigures[]): string {
  const header = ['policy', 'succeeded', 'makespan', 'x bound', 'requests', 'x needed', 'p50', 'p95', 'max', 'over deadline'];
  const rows = results.map((r) => [
    r.policy,
    `${(r.successShare * 100).toFixed(1)}%`,
    `${(r.makespanMs / 1000).toFixed(2)} s`,
    r.makespanRatio.toFixed(2),
    String(r.requestsSent),
    r.requestRatio.toFixed(2),
    `${(r.latencyMs.p50 / 1000).toFixed(2)} s`,
    `${(r.latencyMs.p95 / 1000).toFixed(2)} s`,
    `${(r.latencyMs.max / 1000).toFixed(2)} s`,
    String(r.overDeadline),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const options: StormOptions = { events: arg('n', 200), ratePerSecond: arg('rate', 50), deadlineMs: arg('deadline-ms', 120_000) };
  const results: StormFigures[] = [];
  for (const [name, retry] of POLICIES) results.push(await runStorm(name, retry, options));
  console.log(
    `Throttling storm: ${options.events} concurrent Create events, ${options.ratePerSecond} requests/s shared limit, deadline ${options.deadlineMs / 1000} s each`,
  );
  console.log(
    `lower bound: ${2 * options.events} requests must succeed / ${options.ratePerSecond} per s = ${((2 * options.events) / options.ratePerSecond).toFixed(1)} s`,
  );
  console.log(stormTable(results));
  writeResult(
    'storm',
    { options, results: results.map(({ timeline: _timeline, ...figures }) => figures) },
    { svg: stormSvg(results, options.ratePerSecond) },
  );
}

if (require.main === module) main().catch((e) => ((process.exitCode = 1), console.error(e)));
