import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Helpers of the multi-instance test: demo helpdesk processes started the way an operator would
// (`main.ts --store postgres --redis ...`), and SSE clients that record every event they receive.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainTs = fileURLToPath(new URL('../../examples/helpdesk/src/server/main.ts', import.meta.url));

export interface Instance {
  name: string;
  /** The agent inbox, e.g. http://127.0.0.1:40123 (the API is under /api, the webhook at /webhook). */
  url: string;
  output: () => string;
  stop(): Promise<void>;
  /** Sends `signal` (SIGKILL: a crash) and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts one demo helpdesk process on free ports and waits for its banner. */
export function startInstance(name: string, args: string[], timeoutMs = 90_000): Promise<Instance> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@pagedesk/source', mainTs, ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', EMULATOR_PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<Instance>((resolve, reject) => {
    const deadline = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const match = /Agent inbox\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!match) return;
      clearTimeout(deadline);
      child.stdout!.off('data', check);
      const kill = async (signal: NodeJS.Signals) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      };
      resolve({ name, url: match[1]!, output: () => output, stop, kill });
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(deadline);
      reject(new Error(`${name} exited with ${code} before it started:\n${output}`));
    });
  });
}

export interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface SseClient {
  /** The numbered events (frames with an `id:`), in the order received. */
  events: ReceivedEvent[];
  /**
   * Frames without an id (the heartbeat's `clock`): not live events, and, as in EventSource, they do
   * not move the last event id.
   */
  unnumbered: ReceivedEvent[];
  /** The Last-Event-ID a browser would resume with: the last `id:` received (EventSource's rule). */
  readonly lastEventId: string | undefined;
  /** Resolves once the server's first comment arrived (the client is registered). */
  connected: Promise<void>;
  /** Set when the stream failed other than by close(). */
  error?: unknown;
  close(): void;
}

/** A browser's EventSource, minus reconnection: records every event of one connection. */
export function openSse(baseUrl: string, lastEventId?: string): SseClient {
  const controller = new AbortController();
  const events: ReceivedEvent[] = [];
  const unnumbered: ReceivedEvent[] = [];
  let lastId: string | undefined;
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => {
    markConnected = resolve;
  });
  const headers: Record<string, string> = lastEventId ? { 'last-event-id': lastEventId } : {};
  const client: SseClient = {
    events,
    unnumbered,
    connected,
    close: () => controller.abort(),
    get lastEventId() {
      return lastId;
    },
  };
  void (async () => {
    try {
      const response = await fetch(`${baseUrl}/api/events`, { headers, signal: controller.signal });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (block.startsWith(':') || block.startsWith('retry:')) markConnected();
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
          const id = fields.get('id');
          if (id !== undefined) lastId = id;
          const data = fields.get('data');
          if (data !== undefined) {
            const event = { id: id ?? '', type: fields.get('event') ?? '', data: JSON.parse(data) };
            (id === undefined ? unnumbered : events).push(event);
          }
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) client.error = error;
    }
  })();
  return client;
}
