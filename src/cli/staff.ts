/**
 * The staff commands of `jianli`: export and forget (one conversation in the store) and review (the
 * missed questions). Like the other commands, each imports what it uses when it runs.
 */
import type { Command } from 'commander';
import type { Assistant } from '../engine/assistant';
import type { ConversationStore } from '../store/types';

/** Opens the store named by JIANLI_DATA / JIANLI_STORE, waiting briefly for Redis. */
async function withStore<T>(work: (store: ConversationStore) => Promise<T>): Promise<T> {
  const { openStore, storeSettingsFromEnv } = await import('../store/open');
  const store = openStore(storeSettingsFromEnv());
  try {
    await store.conversations.ready();
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Adds export, forget and review to the command line; `boot` loads the assistant (review's closest intents). */
export function addStaffCommands(program: Command, boot: () => Promise<Assistant>): void {
  program
    .command('export')
    .description('print everything stored about a conversation as JSON')
    .argument('<conversationId>')
    .action(async (id: string) => {
      const { exportConversation } = await import('../store/export');
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
    .option('--attach <group>', "add the group's questions to an intent's training phrases (needs --intent)")
    .option('--intent <id>', 'the intent to attach to')
    .option('--out-of-scope <group>', 'mark the group as out of scope (it stops being listed)')
    .option('--json', 'print the groups as JSON')
    .action(async (opts: { attach?: string; intent?: string; outOfScope?: string; json?: boolean }) => {
      const { groupMissed } = await import('../review/missed');
      const { attachPhrases, ReviewError } = await import('../review/attach');
      // With JIANLI_STORE=redis://…, every instance's missed questions (src/ops/missed-redis.ts); else the data folder's.
      const { openMissedLog } = await import('../ops/missed-redis');
      const [{ storeSettingsFromEnv }, { loadKnowledge }] = await Promise.all([import('../store/open'), import('../knowledge/load')]);
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
            process.stdout.write(
              `added ${added.length} phrase(s) to knowledge/phrases/${opts.intent}.yaml: ${added.join(' | ')}\nreload the knowledge (POST /admin/reload) or restart to use them\n`,
            );
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
        const assistant = await boot();
        for (const g of groups) {
          const guess = assistant.classify(g.texts[0]).candidates[0];
          process.stdout.write(
            `#${g.number} ×${g.count}  ${g.texts.slice(0, 4).join(' | ')}${g.texts.length > 4 ? ` (+${g.texts.length - 4})` : ''}${guess ? `  — closest intent: ${guess.label} (${guess.score.toFixed(2)})` : ''}\n`,
          );
        }
      } finally {
        await log.close();
      }
    });
}
