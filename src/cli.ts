/**
 * The `jianli` command line: chat (console or JSON lines), classify, eval, bench, start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { Assistant } from './engine/assistant';
import { EngineThread, engineThreadWanted } from './engine/thread';
import { KnowledgeFileError } from './knowledge/errors';
import { DEFAULT_ROOT, loadKnowledge, loadNluConfig } from './knowledge/load';
import { runClassify, runConsoleChat, runJsonlChat } from './channels/console/chat';
import { evaluate, formatReport, parseEvalTsv } from './nlu/evaluate';
import { TrainedNlu } from './nlu/trained';
import { benchEngine } from './bench/engine';
import { benchStores } from './bench/store';
import type { HttpRow } from './bench/http';
import { checkEligibility } from './rules/check';
import { parseSituation, SituationError } from './rules/situation';
import { exportConversation } from './store/export';
import { openStore, storeSettingsFromEnv } from './store/open';
import { ConfigError, loadConfig, loadEnvFile } from './config';

/** Loads the knowledge and trains the NLU; a bad data file ends the process with one clear line. */
function boot(): Assistant {
  return new Assistant(loadKnowledge());
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
    const assistant = boot();
    if (opts.jsonl) await runJsonlChat(assistant, io);
    else await runConsoleChat(assistant, { ...io, staff: opts.staff });
  });

const serve = async (opts: { port?: string }) => {
  // Every setting is checked before anything starts (src/config.ts): a bad one stops here, named in one line.
  const config = loadConfig(opts.port === undefined ? process.env : { ...process.env, PORT: opts.port });
  // The engine thread starts first: it loads and trains while this thread imports the channels.
  const thread = engineThreadWanted(process.env) ? new EngineThread(config.knowledgeRoot ?? DEFAULT_ROOT) : undefined;
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

program
  .command('start')
  .description('start the assistant (same as serve)')
  .option('-p, --port <port>', 'port (default: $PORT or 3978)')
  .action(serve);

/** The same NLU trained on a `text<TAB>intent` file instead of the knowledge base (--train). */
function trainedOn(file: string): TrainedNlu {
  return new TrainedNlu(loadNluConfig(), parseEvalTsv(readFileSync(file, 'utf8')));
}

const TRAIN_HELP = 'train on this text<TAB>intent file (header line allowed) instead of the knowledge base';

program
  .command('classify')
  .description('classify stdin lines; prints {"text","intent","confidence"} per line')
  .option('--train <file>', TRAIN_HELP)
  .action(async (opts: { train?: string }) => {
    const model = opts.train ? trainedOn(opts.train) : boot();
    await runClassify((t) => model.classify(t), io);
  });

program
  .command('eval')
  .description('score the NLU on a utterance<TAB>id|id file')
  .argument('<file>', 'TSV file')
  .option('--json', 'print the report as JSON')
  .option('--train <file>', TRAIN_HELP)
  .action((file: string, opts: { json?: boolean; train?: string }) => {
    const examples = parseEvalTsv(readFileSync(file, 'utf8'));
    const model = opts.train ? trainedOn(opts.train) : boot();
    const report = evaluate(examples, (t) => model.classify(t).intent);
    process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
  });

program
  .command('check')
  .description('read a situation as JSON on stdin, print the verdict JSON (exit 2 on invalid input)')
  .action(async () => {
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

/** Opens the store named by JIANLI_DATA / JIANLI_STORE, waiting briefly for Redis. */
async function withStore<T>(work: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const store = openStore(storeSettingsFromEnv());
  try {
    await store.conversations.ready();
    return await work(store);
  } finally {
    await store.close();
  }
}

program
  .command('export')
  .description('print everything stored about a conversation as JSON')
  .argument('<conversationId>')
  .action(async (id: string) => {
    const found = await withStore((s) => exportConversation(s, id));
    if (!found) {
      process.stderr.write(`no conversation ${id}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  });

program
  .command('forget')
  .description('delete everything stored about a conversation')
  .argument('<conversationId>')
  .action(async (id: string) => {
    const deleted = await withStore((s) => s.conversations.delete(id));
    process.stdout.write(deleted ? `deleted ${id}\n` : `nothing stored for ${id}\n`);
  });

program
  .command('review')
  .description('list missed questions grouped by wording; attach a group to an intent or mark it out of scope')
  .option('--attach <group>', 'add the group\'s questions to an intent\'s training phrases (needs --intent)')
  .option('--intent <id>', 'the intent to attach to')
  .option('--out-of-scope <group>', 'mark the group as out of scope (it stops being listed)')
  .option('--json', 'print the groups as JSON')
  .action(async (opts: { attach?: string; intent?: string; outOfScope?: string; json?: boolean }) => {
    const { groupMissed } = await import('./review/missed');
    const { attachPhrases, ReviewError } = await import('./review/attach');
    // With JIANLI_STORE=redis://…, every instance's missed questions (src/ops/missed-redis.ts); else the data folder's.
    const { openMissedLog } = await import('./ops/missed-redis');
    const log = await openMissedLog(storeSettingsFromEnv());
    try {
      const groups = groupMissed(await log.missed(), await log.decisions());
      const pick = (n: string) => {
        const g = groups.find((x) => x.number === Number(n));
        if (!g) throw new ReviewError(`no group ${n}; run jianli review to see the groups`);
        return g;
      };
      const now = new Date().toISOString();
      try {
        if (opts.attach) {
          if (!opts.intent) throw new ReviewError('--attach needs --intent <id>');
          const g = pick(opts.attach);
          const { added } = attachPhrases(loadKnowledge().root, opts.intent, g.texts);
          for (const text of g.texts) await log.decide({ at: now, text, decision: 'attached', intent: opts.intent });
          process.stdout.write(`added ${added.length} phrase(s) to knowledge/phrases/${opts.intent}.yaml: ${added.join(' | ')}\nreload the knowledge (POST /admin/reload) or restart to use them\n`);
          return;
        }
        if (opts.outOfScope) {
          const g = pick(opts.outOfScope);
          for (const text of g.texts) await log.decide({ at: now, text, decision: 'out_of_scope' });
          process.stdout.write(`marked ${g.texts.length} question(s) out of scope\n`);
          return;
        }
      } catch (err) {
        if (err instanceof ReviewError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
        return;
      }
      if (!groups.length) {
        process.stdout.write('no missed questions to review\n');
        return;
      }
      const assistant = boot();
      for (const g of groups) {
        const guess = assistant.classify(g.texts[0]).candidates[0];
        process.stdout.write(`#${g.number} ×${g.count}  ${g.texts.slice(0, 4).join(' | ')}${g.texts.length > 4 ? ` (+${g.texts.length - 4})` : ''}${guess ? `  — closest intent: ${guess.label} (${guess.score.toFixed(2)})` : ''}\n`);
      }
    } finally {
      await log.close();
    }
  });

program
  .command('bench-turns')
  .description('turn cost over HTTP (autocannon) at 1, 50 and 200 concurrent conversations, both stores, beside a bare Node server')
  .option('--quick', 'one-second runs (CI)')
  .option('--budget', 'instead: the canned endpoint at 200 conversations with each turn burning 0–150 µs of CPU, to show what the targets leave for the engine and the store')
  .option('--json', 'print JSON')
  .action(async (opts: { quick?: boolean; budget?: boolean; json?: boolean }) => {
    const { benchHttp, benchBudget } = await import('./bench/http');
    const log = (l: string) => process.stderr.write(`${l}\n`);
    const seconds = opts.quick ? 1 : 10;
    const header = 'target                     conns    req/s   p50 ms  p99 ms  errors  non-2xx  conversations  server p50/p99 ms  log lines';
    const line = (r: HttpRow) =>
      `${r.target.padEnd(26)} ${String(r.connections).padStart(5)} ${r.requestsPerSecond.toFixed(0).padStart(8)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(7)} ${String(r.errors).padStart(7)} ${String(r.non2xx).padStart(8)} ${String(r.conversations ?? '').padStart(14)}  ${(r.serverP50Ms === undefined ? '' : `${r.serverP50Ms} / ${r.serverP99Ms}`).padEnd(17)}  ${r.logLines ?? ''}`;
    if (opts.budget) {
      const rows = await benchBudget({ seconds, connections: [200], servicesUs: opts.quick ? [0, 100] : [0, 25, 50, 75, 100, 150], log });
      process.stdout.write(opts.json ? `${JSON.stringify({ rows }, null, 2)}\n` : [header, ...rows.map(line)].join('\n') + '\n');
      return;
    }
    const result = await benchHttp({ seconds, connections: [1, 50, 200], log });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    process.stdout.write(
      [
        `start-up of jianli serve (lowdb): ${result.startup.lowdbMs.toFixed(0)} ms to a healthy /healthz, RSS ${result.startup.rssMiB.toFixed(0)} MiB; its log at ${result.logLevel}, to a file`,
        header,
        ...result.rows.map(line),
      ].join('\n') + '\n',
    );
  });

program
  .command('bench')
  .description('classify latency and turns per second of the console engine')
  .option('--quick', 'few iterations (CI)')
  .option('--json', 'print JSON')
  .action(async (opts: { quick?: boolean; json?: boolean }) => {
    const t0 = performance.now();
    const assistant = boot();
    const startupMs = performance.now() - t0;
    const messages = parseEvalTsv(readFileSync(join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout.tsv'), 'utf8')).map((e) => e.text);
    const engine = { ...benchEngine(assistant, messages, opts.quick ? 2 : 50), startupMs };
    const log = (l: string) => process.stderr.write(`${l}\n`);
    const stores = await benchStores(assistant, opts.quick ? [0, 1000] : [0, 10_000, 100_000], opts.quick ? 120 : 1200, log);
    const result = { ...engine, stores };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      [
        `engine start-up (load knowledge + train): ${startupMs.toFixed(0)} ms`,
        `classify: ${result.classify.samples} samples, p50 ${f(result.classify.p50Ms)} ms, p99 ${f(result.classify.p99Ms)} ms, mean ${f(result.classify.meanMs)} ms`,
        `turns (console engine, scripted conversations): ${result.turns.count} turns, ${result.turns.perSecond.toFixed(0)} turns/s, p50 ${f(result.turns.p50Ms)} ms, p99 ${f(result.turns.p99Ms)} ms`,
        '',
        'turn cost through the chat service (load state, answer, store the masked turn):',
        'store  stored conversations  turns  turns/s  mean ms  p50 ms  p99 ms',
        ...stores.map((r) => `${r.store.padEnd(6)} ${String(r.stored).padStart(20)} ${String(r.turns).padStart(6)} ${r.turnsPerSecond.toFixed(0).padStart(8)} ${f(r.meanMs).padStart(8)} ${f(r.p50Ms).padStart(7)} ${f(r.p99Ms).padStart(7)}`),
      ].join('\n') + '\n',
    );
  });

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
