import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from '@flashfast/shared';

// The .lua files stay in src/ and are read from there by both src (tests) and dist (compiled).
const luaDir = path.resolve(__dirname, '../../src/stock');

const SCRIPTS = {
  admitPurchase: 'admit-purchase-7.lua',
  undoAdmission: 'undo-admission-3.lua',
  decideBatch: 'decide-batch-6.lua',
  releaseReservation: 'release-reservation-3.lua',
  loadSale: 'load-sale-7.lua',
  releaseLock: 'release-lock-1.lua',
} as const;

type ScriptName = keyof typeof SCRIPTS;
export type ScriptReply = string[] | string | number;

/** Runs a script by name with EVALSHA (ioredis falls back to EVAL once when Redis lost it). */
export type RunScript = (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<ScriptReply>;

// A line `--- @include "name"` stands for includes/name.lua (BullMQ's commands/includes/): a
// step several scripts share is written once and inlined when the script is loaded.
const INCLUDE = /^--- @include "([\w-]+)"$/gm;

/** A script's text with its includes inlined. */
const scriptSource = (file: string): string =>
  readFileSync(path.join(luaDir, file), 'utf8').replace(INCLUDE, (_line, name: string) => readFileSync(path.join(luaDir, 'includes', `${name}.lua`), 'utf8').trimEnd());

export function stockScripts(redis: Redis): RunScript {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)![1]);
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua: scriptSource(file) });
  }
  return (name, keys, args) =>
    (redis as unknown as Record<ScriptName, (...a: (string | number)[]) => Promise<ScriptReply>>)[name](...keys, ...args);
}
