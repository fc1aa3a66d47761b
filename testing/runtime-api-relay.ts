/**
 * Between the runtime interface client and the emulator's runtime API: passes every call through as it is, but gives
 * each invocation the function ARN it was invoked by (the emulator's is a fixed one, in account 012345678912), and
 * notes whether the runtime answered it with a response or an error.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const INVOCATION = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

export class RuntimeApiRelay {
  /** Starts on a free port of 127.0.0.1; `upstream` is the emulator's runtime API port, once known. */
  static async start(): Promise<RuntimeApiRelay> {
    const relay = new RuntimeApiRelay();
    await new Promise<void>((resolve, reject) => {
      relay.server.once('error', reject);
      relay.server.listen(0, '127.0.0.1', () => resolve());
    });
    return relay;
  }

  upstream = 0;
  /** The ARN each request id is invoked by. */
  readonly arns = new Map<string, string>();
  /** How the runtime answered each request id. */
  readonly answers = new Map<string, 'response' | 'error'>();
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly server = http.createServer((req, res) => this.pass(req, res));

  private constructor() {
    // The runtime's next-invocation call waits as long as the container stays warm: no timeouts on this side.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 0;
  }

  /** The address for AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private pass(req: http.IncomingMessage, res: http.ServerResponse): void {
    const answered = INVOCATION.exec(req.url ?? '');
    if (answered && req.method === 'POST') this.answers.set(decodeURIComponent(answered[1]), answered[2] as 'response' | 'error');
    const upstream = http.request(
      { host: '127.0.0.1', port: this.upstream, method: req.method, path: req.url, headers: req.headers, agent: this.agent },
      (answer) => {
        const headers = { ...answer.headers };
        const id = headers['lambda-runtime-aws-request-id'];
        const arn = typeof id === 'string' ? this.arns.get(id) : undefined;
        if (arn) headers['lambda-runtime-invoked-function-arn'] = arn;
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    // A runtime killed mid-call (at the timeout) leaves nothing to wait for upstream.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
