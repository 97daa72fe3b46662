/**
 * What the administrators' commands (`npm run clients`, `npm run catalogue`, …) share: finding the
 * table they act on and running as a process with a usage/problem-aware exit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ProblemError } from '../functions/core/errors';
import { useLocalCredentials } from './services';

/**
 * The table named by TABLE_NAME (and DYNAMODB_ENDPOINT) on AWS, or else the local one started by
 * `npm start`, found through its .data/local.json.
 */
export function adminTarget(): { table: string; dynamodbEndpoint?: string } {
  if (process.env.TABLE_NAME) return { table: process.env.TABLE_NAME, dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT };
  const file = resolve(process.env.EXCHANGE_DATA_DIR ?? '.data', 'local.json');
  if (!existsSync(file)) throw new Error(`no TABLE_NAME set and no local exchange found (${file}); run npm start first`);
  useLocalCredentials();
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** How a command's failure reads on stderr: a problem with each bad field on its own line. */
export function describeFailure(e: unknown): string {
  if (e instanceof ProblemError) return `${e.message}${e.errors?.length ? '\n' + e.errors.map((f) => `  ${f.path}: ${f.message}`).join('\n') : ''}`;
  return e instanceof Error ? e.message : String(e);
}

/** Runs `main` when `moduleUrl` is the script node was started with; exits with its code (1 on a failure). */
export function runAsCommand(moduleUrl: string, main: (argv: string[]) => Promise<number>): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(describeFailure(e));
      process.exit(1);
    },
  );
}
