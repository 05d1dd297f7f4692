// Node options the server runs with. Written out where it is launched: package.json (`serve`,
// `start`), deploy/kaifong.service and tests/support/server-process.ts; a test holds them equal.

/**
 * V8 sized for many small, long-lived connections: a young generation and heap growth that follow
 * the live heap rather than the rate of allocation. Measured with 5,000 idle connections
 * (bench/signaling.ts): about 4–5 KiB of resident memory per connection with it, 10–12 KiB without,
 * most of which was heap reserved after the connection burst, not held by connections.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];

/** The flags this process was started without. */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVER_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
