/**
 * The `jianli` command line: chat (console or JSON lines), classify, eval, check, bench, start; the
 * staff commands (export, forget, review) are in src/cli/staff.ts.
 *
 * Each command imports what it uses when it runs: `jianli serve` starts the engine thread before it
 * has loaded the engine, the channels or the store on this thread, and the benchmarks (bench/,
 * outside the product) are loaded only by `jianli bench` and `jianli bench-turns`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { Assistant } from './engine/assistant';
import { EngineThread, engineThreadWanted } from './engine/thread';
import { KnowledgeFileError } from './knowledge/errors';
import { SituationError } from './rules/situation';
import { ConfigError, loadConfig, loadEnvFile } from './config';
import { addStaffCommands } from './cli/staff';

/** The project folder (knowledge/, dialogs/, bench/): src/cli.ts and dist/cli.js sit one level below it. */
const PROJECT_ROOT = join(import.meta.dirname, '..');

/** Loads the knowledge and trains the NLU; a bad data file ends the process with one clear line. */
async function boot(): Promise<Assistant> {
  const [{ Assistant }, { loadKnowledge }] = await Promise.all([import('./engine/assistant'), import('./knowledge/load')]);
  return new Assistant(loadKnowledge());
}

/** bench/commands.ts: the benchmarks, TypeScript run through tsx, in a development tree only. */
interface BenchCommands {
  bench(opts: { quick?: boolean; json?: boolean }): Promise<void>;
  benchTurns(opts: { quick?: boolean; budget?: boolean; json?: boolean }): Promise<void>;
}

async function benchCommands(): Promise<BenchCommands> {
  const file = join(PROJECT_ROOT, 'bench', 'commands.ts');
  if (!existsSync(file)) throw new Error('the benchmarks (bench/) are not part of this installation: run them from a clone of the repository (npm ci)');
  let register: () => unknown;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    throw new Error('the benchmarks need tsx, a development dependency: run npm ci first');
  }
  register();
  return (await import(pathToFileURL(file).href)) as BenchCommands;
}

const io = { input: process.stdin, output: process.stdout };

const program = new Command()
  .name('jianli')
  .description('监理注销助手 — deregistration assistant for registered supervising engineers')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('chat')
  .description('interactive console chat (Ctrl-D or 退出 to end)')
  .option('--jsonl', 'one message per stdin line, one JSON object per turn on stdout')
  .option('--staff', 'also show intent, confidence and sources of each answer')
  .action(async (opts: { jsonl?: boolean; staff?: boolean }) => {
    const assistant = await boot();
    const { runConsoleChat, runJsonlChat } = await import('./channels/console/chat');
    if (opts.jsonl) await runJsonlChat(assistant, io);
    else await runConsoleChat(assistant, { ...io, staff: opts.staff });
  });

const serve = async (opts: { port?: string }) => {
  // Every setting is checked before anything starts (src/config.ts): a bad one stops here, named in one line.
  const config = loadConfig(opts.port === undefined ? process.env : { ...process.env, PORT: opts.port });
  // The engine thread starts first: it loads and trains while this thread imports the channels.
  const thread = engineThreadWanted(process.env) ? new EngineThread(config.knowledgeRoot ?? PROJECT_ROOT) : undefined;
  // Loaded on demand: the channels pull in botkit and teams-ai, which other commands do not need.
  const { startServer } = await import('./server/serve');
  const running = await startServer({ port: config.port, host: config.host, thread });
  // SIGTERM (docker stop, an orchestrator) or Ctrl-C: answer what is under way, then write out the store and exit 0.
  // A second signal while draining stops at once.
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    running.shutdown(config.shutdownSeconds * 1000).then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`shutdown failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

program
  .command('serve')
  .description('start the server for every channel on PORT (default 3978)')
  .option('-p, --port <port>', 'port (default: $PORT or 3978)')
  .action(serve);

program.command('start').description('start the assistant (same as serve)').option('-p, --port <port>', 'port (default: $PORT or 3978)').action(serve);

/** The same NLU trained on a `text<TAB>intent` file instead of the knowledge base (--train). */
async function trainedOn(file: string): Promise<{ classify(text: string): { intent: string; confidence: number } }> {
  const [{ TrainedNlu }, { loadNluConfig }, { parseEvalTsv }] = await Promise.all([
    import('./nlu/trained'),
    import('./knowledge/load'),
    import('./nlu/evaluate'),
  ]);
  return new TrainedNlu(loadNluConfig(), parseEvalTsv(readFileSync(file, 'utf8')));
}

const TRAIN_HELP = 'train on this text<TAB>intent file (header line allowed) instead of the knowledge base';

program
  .command('classify')
  .description('classify stdin lines; prints {"text","intent","confidence"} per line')
  .option('--train <file>', TRAIN_HELP)
  .action(async (opts: { train?: string }) => {
    const model = opts.train ? await trainedOn(opts.train) : await boot();
    const { runClassify } = await import('./channels/console/chat');
    await runClassify((t) => model.classify(t), io);
  });

program
  .command('eval')
  .description('score the NLU on a utterance<TAB>id|id file')
  .argument('<file>', 'TSV file')
  .option('--json', 'print the report as JSON')
  .option('--train <file>', TRAIN_HELP)
  .action(async (file: string, opts: { json?: boolean; train?: string }) => {
    const { evaluate, formatReport, parseEvalTsv } = await import('./nlu/evaluate');
    const examples = parseEvalTsv(readFileSync(file, 'utf8'));
    const model = opts.train ? await trainedOn(opts.train) : await boot();
    const report = evaluate(examples, (t) => model.classify(t).intent);
    process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
  });

program
  .command('check')
  .description('read a situation as JSON on stdin, print the verdict JSON (exit 2 on invalid input)')
  .action(async () => {
    const [{ loadKnowledge }, { checkEligibility }, { parseSituation }] = await Promise.all([
      import('./knowledge/load'),
      import('./rules/check'),
      import('./rules/situation'),
    ]);
    const k = loadKnowledge();
    const input = await readStdin();
    let raw: unknown;
    try {
      raw = JSON.parse(input);
    } catch {
      throw new SituationError('', 'stdin is not valid JSON; expected an object such as {"region":"江苏","unsettledProjects":false}');
    }
    const verdict = checkEligibility(parseSituation(raw, k.regions), k.rules);
    process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  });

addStaffCommands(program, boot);

program
  .command('bench-turns')
  .description('turn cost over HTTP (autocannon) at 1, 50 and 200 concurrent conversations, both stores, beside a bare Node server')
  .option('--quick', 'one-second runs (CI)')
  .option(
    '--budget',
    'instead: the canned endpoint at 200 conversations with each turn burning 0–150 µs of CPU, to show what the targets leave for the engine and the store',
  )
  .option('--json', 'print JSON')
  .action(async (opts: { quick?: boolean; budget?: boolean; json?: boolean }) => (await benchCommands()).benchTurns(opts));

program
  .command('bench')
  .description('classify latency and turns per second of the console engine')
  .option('--quick', 'few iterations (CI)')
  .option('--json', 'print JSON')
  .action(async (opts: { quick?: boolean; json?: boolean }) => (await benchCommands()).bench(opts));

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  // .env is read explicitly, before any setting is (variables already in the environment win).
  loadEnvFile();
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof SituationError) {
    process.stderr.write(`invalid situation: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof KnowledgeFileError) {
    process.stderr.write(`a knowledge file is not valid, nothing was started (one problem per line: file: field: problem):\n${err.message}\n`);
    process.exit(1);
  }
  // Operator-facing errors are in English, name the setting or file they concern (PORT, HOST, JIANLI_DATA
  // and its store.lock …) and carry no stack trace: a port in use (src/server/listen.ts), a data folder
  // another process holds, a bad store setting.
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
