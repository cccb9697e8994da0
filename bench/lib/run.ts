import { errorText } from './format';

interface RunOptions {
  /** Stops and removes what the bench started; may be called twice (signal, then main's end). */
  cleanup: () => Promise<void>;
  /** Printed after "SIGINT: " when interrupted. */
  onSignal: string;
  /** Print the stack of an error, not only its message. */
  stack?: boolean;
}

/**
 * Runs a bench's main and exits with its code: 1 if it throws, 130/143 on SIGINT/SIGTERM.
 * cleanup() runs on every way out.
 */
export async function runBench(name: string, main: () => Promise<number>, options: RunOptions): Promise<never> {
  let interrupted: number | undefined;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (interrupted !== undefined) return;
      interrupted = code;
      console.error(`\n${signal}: ${options.onSignal}`);
      void options.cleanup().finally(() => process.exit(code));
    });
  }
  let exitCode = 1;
  try {
    exitCode = await main();
  } catch (error) {
    // After Ctrl-C the run fails on purpose (what it used was closed under it): not worth a message.
    if (interrupted === undefined) console.error(`${name} failed: ${options.stack && error instanceof Error ? (error.stack ?? error.message) : errorText(error)}`);
    exitCode = 1;
  } finally {
    await options.cleanup();
  }
  process.exit(interrupted ?? exitCode);
}
