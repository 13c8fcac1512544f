# syntax=docker/dockerfile:1
# One image for every FlashFast process; docker-compose.yml picks the program per service:
#   node v1/dist/main.js | node v2/dist/main-api.js | node v2/dist/main-worker.js | node shared/dist/cli/migrate.js

# --- build: all dependencies, compile TypeScript -------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY shared/package.json shared/
COPY v1/package.json v1/
COPY v2/package.json v2/
RUN npm ci --no-audit --no-fund
COPY shared/tsconfig.json shared/
COPY v1/tsconfig.json v1/
COPY v2/tsconfig.json v2/
COPY shared/src shared/src
COPY v1/src v1/src
COPY v2/src v2/src
RUN npx tsc -b shared v1 v2
# What runs: the compiled dist/ and every file the code reads from src/ at run time (SQL, Lua,
# pages, documents: see shared/src/platform/assets.ts and v2/src/stock/stock-scripts.ts).
RUN mkdir /out \
  && cp -r --parents shared/dist v1/dist v2/dist /out/ \
  && find shared/src v1/src v2/src -type f ! -name '*.ts' -exec cp --parents {} /out/ \;

# --- deps: production dependencies only ---------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY v1/package.json v1/
COPY v2/package.json v2/
# The workspaces are linked into node_modules/@flashfast; their own dependencies are installed.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- run ---------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps /app ./
COPY --from=build /out ./
# Documents the processes serve (docs/openapi.yaml), read from the repository root at run time.
COPY docs docs
# Root owns the files, the process only reads them.
USER node
EXPOSE 3000
CMD ["node", "v1/dist/main.js"]
