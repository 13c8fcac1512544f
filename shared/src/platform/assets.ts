import { readFileSync } from 'node:fs';
import path from 'node:path';

// SQL and Lua live beside the TypeScript in src/ and are read from there both when running
// from source (tests) and from dist/ (compiled), so the build needs no copy step.
const sourceRoot = path.resolve(__dirname, '../../src');

// Documents (docs/openapi.yaml) live at the repository root, two levels above src/ and dist/ alike.
const docsRoot = path.resolve(__dirname, '../../../docs');

export const assetPath = (...parts: string[]): string => path.join(sourceRoot, ...parts);

export const readAsset = (...parts: string[]): string => readFileSync(assetPath(...parts), 'utf8');

export const docPath = (...parts: string[]): string => path.join(docsRoot, ...parts);

/** The `-- name: <name>` blocks of an SQL file: several statements of one use case kept together. */
export function readNamedStatements(...parts: string[]): Record<string, string> {
  const blocks = readAsset(...parts).split(/^-- name: ([\w-]+)\s*$/m);
  const statements: Record<string, string> = {};
  for (let i = 1; i < blocks.length; i += 2) statements[blocks[i]!] = blocks[i + 1]!.trim();
  return statements;
}
