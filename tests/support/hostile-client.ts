/**
 * The parent's handle on a hostile member's own client (hostile-client-process.ts): a Node
 * process that joins the square over real WebRTC and writes what it is told into the shared
 * document. Records it writes are signed here, with keys of the attacker's own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostileStatus } from './hostile-client-process.ts';

const PROCESS = fileURLToPath(new URL('./hostile-client-process.ts', import.meta.url));

type Reply = { written?: number; status?: HostileStatus; error?: string };

export class HostileClient {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts a client that joins the square of `link` through the signalling server at `serverUrl`. */
  static spawn(serverUrl: string, link: string): HostileClient {
    const signaling = `${serverUrl.replace(/^http/, 'ws')}/signal`;
    return new HostileClient(
      fork(PROCESS, [signaling, link], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }

  /** Writes entries into the client's copy of the shared map, in one transaction; resolves once written. */
  write(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    return this.#ask({ write: entries }, (reply) => reply.written !== undefined).then(() => undefined);
  }

  async status(): Promise<HostileStatus> {
    const reply = await this.#ask({ status: true }, (r) => r.status !== undefined);
    return reply.status!;
  }

  async stop(): Promise<void> {
    if (this.#child.connected) this.#child.send({ stop: true });
    const killed = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await this.#exited;
    clearTimeout(killed);
  }

  #ask(message: unknown, answers: (reply: Reply) => boolean): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: Reply) => {
        if (reply.error !== undefined) reject(new Error(`hostile client: ${reply.error}`));
        else if (!answers(reply)) return;
        else resolve(reply);
        this.#child.off('message', onMessage);
      };
      this.#child.on('message', onMessage);
      this.#child.send(message as never);
    });
  }
}
