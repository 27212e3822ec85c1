import 'reflect-metadata';
import { MessageBus, messageBusFromEnvironment } from '@tally/messaging';
import { openDatabase, runtimeConfigFromEnvironment } from '@tally/runtime';
import { opsProgram } from './ops.program';

async function main(): Promise<void> {
  const program = opsProgram(
    async () => {
      const database = await openDatabase({
        ...runtimeConfigFromEnvironment(),
        applicationName: 'tally-ops',
      });
      let bus: MessageBus | undefined;
      return {
        store: database.store,
        sql: database.sql,
        bus: () => (bus ??= messageBusFromEnvironment('tally-ops')),
        out: (line) => process.stdout.write(`${line}\n`),
        err: (text) => process.stderr.write(text),
        close: async () => {
          await bus?.close();
          await database.close();
        },
      };
    },
    (code) => {
      process.exitCode = code;
    },
  );
  await program.parseAsync(process.argv);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
