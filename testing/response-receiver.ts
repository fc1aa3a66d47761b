/**
 * Stands in for the pre-signed S3 URL CloudFormation gives a custom resource: an HTTP server on 127.0.0.1 that
 * takes the handler's PUT and keeps the answer, so a test or the local runner can read it.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Record<string, string>;
}

export interface ReceivedPut {
  readonly key: string;
  readonly contentType: string | undefined;
  readonly contentLength: number;
  readonly body: string;
}

export class ResponseReceiver {
  static async start(): Promise<ResponseReceiver> {
    const receiver = new ResponseReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', () => resolve()));
    return receiver;
  }

  /** Every PUT accepted, in order. */
  readonly puts: ReceivedPut[] = [];
  private readonly server: http.Server;
  private rejectNext = 0;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // A pre-signed S3 URL for a PUT accepts nothing else.
        if (req.method !== 'PUT') {
          res.writeHead(403).end();
          return;
        }
        if (this.rejectNext > 0) {
          this.rejectNext--;
          res.writeHead(503).end();
          return;
        }
        // Stryker disable next-line StringLiteral: No test runs it, and no request can: Node.js always gives an incoming request its URL.
        const key = new URL(req.url ?? '/', 'http://receiver').pathname.slice(1);
        const body = Buffer.concat(chunks).toString('utf8');
        this.puts.push({ key, contentType: req.headers['content-type'], contentLength: Number(req.headers['content-length']), body });
        res.writeHead(200).end();
      });
    });
  }

  /** A fresh ResponseURL, with a secret-looking query like a pre-signed URL's. */
  url(key: string = randomBytes(6).toString('hex')): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/${key}?X-Amz-Signature=${randomBytes(16).toString('hex')}`;
  }

  /** Answer the next `count` PUTs with 503, to exercise the handler's retry of its answer. */
  failNext(count: number): void {
    this.rejectNext = count;
  }

  /** The last answer PUT to the URL with this key, if any. */
  response(key: string): ReceivedResponse | undefined {
    const put = [...this.puts].reverse().find((p) => p.key === key);
    return put ? (JSON.parse(put.body) as ReceivedResponse) : undefined;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
