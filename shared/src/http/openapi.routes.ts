import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { parse } from 'yaml';
import { docPath } from '../platform/assets';

export interface OpenApiDocument {
  yaml: string;
  json: string;
}

let loaded: OpenApiDocument | undefined;

/** docs/openapi.yaml, read and parsed once per process; a missing or broken file fails start-up. */
export function loadOpenApiDocument(): OpenApiDocument {
  if (!loaded) {
    const file = docPath('openapi.yaml');
    let yaml: string;
    try {
      yaml = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`the OpenAPI document must ship with the app: cannot read ${file}`, { cause: error });
    }
    loaded = { yaml, json: JSON.stringify(parse(yaml)) };
  }
  return loaded;
}

/** GET /openapi.json and /openapi.yaml: the API's own description, never prefixed. */
export function openApiRoutes(): Router {
  const document = loadOpenApiDocument();
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document.json);
  });
  router.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(document.yaml);
  });
  return router;
}
