// Node options the server runs with. Written out where it is launched: package.json (`serve`,
// `start`), deploy/kaifong.service and tests/support/server-process.ts; a test holds them equal.

/**
 * V8 sized for many small, long-lived connections: a young generation of 1 MiB semi-spaces (Node's
 * default grows them to 16 MiB under a burst of connections and keeps them) and an old generation
 * that grows by half rather than by up to four times. With 5,000 connections (bench/signaling.ts)
 * the server holds about 4–5 KiB of resident memory per connection with them, 10–12 KiB without:
 * the difference was heap reserved after the burst, not memory the connections use. NOTE: not
 * `--optimize-for-size`, which implies the same and also trims the optimising compiler: it used
 * about twice the CPU per delivered frame.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--heap-growing-percent=50'];

/** The flags this process was started without. */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return SERVER_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
