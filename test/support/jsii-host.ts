/**
 * A jsii host, as the Python, Java, .NET and Go runtimes are one: it starts @jsii/runtime's self-contained
 * `webpack/bin/jsii-runtime.js` in a child process and speaks its protocol, one JSON object per line on stdin and
 * stdout (the kernel API: load, create, invoke, sinvoke, get, ...). The child's own console output arrives on stderr
 * as base64 in JSON lines. Objects come back as `{ "$jsii.byref": "fqn@id" }`, enums go as `{ "$jsii.enum": "fqn/MEMBER" }`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export type ObjRef = { readonly '$jsii.byref': string };

export const enumRef = (fqn: string, member: string) => ({ '$jsii.enum': `${fqn}/${member}` });

export class JsiiHost {
  /** What the JavaScript side printed (its console), decoded. */
  readonly console: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private readonly waiting: Array<(line: Record<string, unknown>) => void> = [];
  private readonly lines: Array<Record<string, unknown>> = [];
  private exited?: string;

  constructor(runtimeScript: string, node: string = process.execPath) {
    this.child = spawn(node, [runtimeScript], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      for (const line of lines.filter(Boolean)) this.deliver(JSON.parse(line));
    });
    let errBuffer = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      errBuffer += chunk;
      const lines = errBuffer.split('\n');
      errBuffer = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        try {
          const parsed = JSON.parse(line) as Record<string, string>;
          const data = parsed.stdout ?? parsed.stderr;
          this.console.push(data !== undefined ? Buffer.from(data, 'base64').toString('utf8') : line);
        } catch {
          this.console.push(line);
        }
      }
    });
    this.child.on('exit', (code) => {
      this.exited = `the jsii runtime exited (${code}): ${this.console.join('').slice(-2000)}`;
      for (const waiter of this.waiting.splice(0)) waiter({ error: this.exited });
    });
  }

  private deliver(message: Record<string, unknown>): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(message);
    else this.lines.push(message);
  }

  private next(): Promise<Record<string, unknown>> {
    const line = this.lines.shift();
    if (line) return Promise.resolve(line);
    if (this.exited) return Promise.resolve({ error: this.exited });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The runtime's greeting, e.g. `@jsii/runtime@1.140.0`. */
  async hello(): Promise<string> {
    const message = await this.next();
    if (typeof message.hello !== 'string') throw new Error(`expected hello, got ${JSON.stringify(message)}`);
    return message.hello;
  }

  /** Sends one kernel request and returns its `ok` value; a callback (the kernel calling into the host) fails it. */
  async request<T = unknown>(request: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const message = await this.next();
    if ('ok' in message) return message.ok as T;
    if ('error' in message) throw new Error(`${request.api} ${JSON.stringify(request).slice(0, 300)} failed: ${message.error}`);
    throw new Error(`unexpected answer to ${request.api}: ${JSON.stringify(message).slice(0, 500)}`);
  }

  load(name: string, version: string, tarball: string) {
    return this.request<{ assembly: string; types: number }>({ api: 'load', name, version, tarball });
  }

  create(fqn: string, args: unknown[] = []) {
    return this.request<ObjRef>({ api: 'create', fqn, args, interfaces: [], overrides: [] });
  }

  invoke<T = unknown>(objref: ObjRef, method: string, args: unknown[] = []) {
    return this.request<{ result: T }>({ api: 'invoke', objref, method, args }).then((r) => r.result);
  }

  sinvoke<T = unknown>(fqn: string, method: string, args: unknown[] = []) {
    return this.request<{ result: T }>({ api: 'sinvoke', fqn, method, args }).then((r) => r.result);
  }

  get<T = unknown>(objref: ObjRef, property: string) {
    return this.request<{ value: T }>({ api: 'get', objref, property }).then((r) => r.value);
  }

  sget<T = unknown>(fqn: string, property: string) {
    return this.request<{ value: T }>({ api: 'sget', fqn, property }).then((r) => r.value);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.write(`${JSON.stringify({ exit: 0 })}\n`);
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
