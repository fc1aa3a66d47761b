/**
 * The one timeout race of the handler: the attempt timeout of a FinSpace call and the handler's own guard both use
 * it. The timer never outlives the race, so a finished invocation leaves nothing pending in a warm container.
 */

/**
 * The work's result, or what `onTimeout` returns (or throws) when `ms` passes first. The work is not cancelled:
 * `onTimeout` may abort it.
 */
export async function raceTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve, reject) => {
    timer = setTimeout(
      () => {
        try {
          resolve(onTimeout());
        } catch (error) {
          reject(error);
        }
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
