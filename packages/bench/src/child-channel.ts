import { fork, type ChildProcess } from 'node:child_process';

interface Reply {
  readonly type: string;
}

/**
 * A forked helper process (publisher, raw sink) driven by request → reply over IPC. Replies come
 * in order; a reply of type 'error' rejects the pending request.
 */
export class ChildChannel<Command extends object, Answer extends Reply> {
  readonly process: ChildProcess;
  readonly #waiting: { resolve: (reply: Answer) => void; reject: (error: Error) => void }[] = [];
  #failure: Error | undefined;

  constructor(script: URL, args: readonly string[] = []) {
    this.process = fork(script, [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.process.on('message', (message: Answer) => {
      const waiter = this.#waiting.shift();
      if (message.type === 'error') {
        const error = new Error((message as unknown as { message: string }).message);
        if (waiter === undefined) this.#failure = error;
        else waiter.reject(error);
      } else {
        waiter?.resolve(message);
      }
    });
    this.process.on('exit', (code) => {
      const error = new Error(`${script.pathname} exited with ${String(code)}`);
      this.#failure ??= error;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    });
  }

  get pid(): number {
    const pid = this.process.pid;
    if (pid === undefined) throw new Error('the helper process has no pid');
    return pid;
  }

  request<Type extends Answer['type']>(command: Command, expect: Type): Promise<Extract<Answer, { type: Type }>> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push({
        resolve: (reply) => {
          if (reply.type === expect) resolve(reply as Extract<Answer, { type: Type }>);
          else reject(new Error(`expected a ${expect} reply, got ${reply.type}`));
        },
        reject,
      });
      this.process.send(command);
    });
  }

  /** Sends `close` and waits for the process to exit (kills it after 5 s). */
  async close(closeCommand: Command): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.send(closeCommand);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
