/** Helpers the handler's module tests share: the failure a promise ends in, and a scripted HTTP server. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The error `promise` rejects with; a promise that resolves fails the test. */
export async function caught<E = Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a failure');
}

/** Runs `use` with the origin of a server on 127.0.0.1 that answers with `handler`; then closes it, cutting any open connection. */
export async function withServer<T>(handler: http.RequestListener, use: (origin: string) => Promise<T>): Promise<T> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
