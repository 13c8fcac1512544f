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
