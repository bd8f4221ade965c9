import { readdirSync } from 'node:fs';

/**
 * Descriptors this process holds open. Berth runs in the test's process, so its sockets (to
 * clients and engines) are counted too: a count back at its earlier value shows nothing leaked.
 */
export function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/** `promise`, or a rejection naming the wait once `ms` has passed. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)),
  ]);
}
