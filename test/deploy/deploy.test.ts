import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigError, loadConfig, resolveSecret } from '../../src/config/index.js';
import { configFileSchema } from '../../src/config/schema.js';
import {
  findNginx,
  NginxProcess,
  renderNginxConfig,
  stopAllNginx,
  testNginxConfig,
  unprivilegedUserDirective,
} from '../helpers/nginx.js';
import { REPO_ROOT } from '../helpers/processes.js';
import {
  dockerIgnored,
  execForm,
  imageReference,
  parseDockerfile,
  readDockerignore,
  stagesOf,
  type Stage,
} from './dockerfile.js';

/**
 * The deployment files cannot run here (no container engine), so they are checked for what can be
 * checked: the Dockerfile's structure, nginx configurations with a real `nginx -t` (and the test
 * template with a real nginx in front of small HTTP servers), and the compose file, Prometheus
 * configuration and Kubernetes manifests parsed and cross-checked.
 */

const DEPLOY = path.join(REPO_ROOT, 'deploy');
const COMPOSE_DIR = path.join(DEPLOY, 'compose');
const K8S_DIR = path.join(DEPLOY, 'kubernetes');

type Obj = Record<string, unknown>;

const read = (file: string) => readFileSync(file, 'utf8');
const obj = (value: unknown, what: string): Obj => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} is not a mapping`);
  return value as Obj;
};
const arr = (value: unknown, what: string): unknown[] => {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value;
};

/** "30s", "1m30s", "500ms" → seconds (compose durations). */
function durationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6 };
  let total = 0;
  let matched = '';
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(part[1]) * units[part[2]];
    matched += part[0];
  }
  if (matched !== text) throw new Error(`not a duration: ${text}`);
  return total;
}

/** `${NAME:-default}` → default; a plain number stays itself. */
function interpolatedDefault(value: string): string {
  const match = /^\$\{[A-Z_]+:-([^}]*)\}$/.exec(value);
  return match ? match[1] : value;
}

/** Kubernetes quantities ("64Mi", "2Gi", "500M") in bytes. */
function quantityBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text);
  if (!match) throw new Error(`not a quantity: ${text}`);
  const units: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (match[2] ? units[match[2]] : 1);
}

/**
 * The placeholder secrets of a deployment template, each alone on an otherwise valid environment,
 * are refused at start with a message that names the variable and never the value.
 */
function expectRefusedPlaceholders(values: { QUORUM_SECRET: string; DATABASE_URL: string }): void {
  const appDir = mkdtempSync(path.join(os.tmpdir(), 'quorum-placeholder-'));
  try {
    const real = {
      QUORUM_SECRET: 'a-real-secret-0123456789abcdef',
      DATABASE_URL: 'postgres://q:real-pw@db/quorum',
    };
    const start = (env: Record<string, string>) => {
      const config = loadConfig({ appDir, env });
      resolveSecret(config, env);
    };
    expect(() => start(real)).not.toThrow();
    for (const [name, value] of Object.entries(values)) {
      let error: unknown;
      try {
        start({ ...real, [name]: value });
      } catch (err) {
        error = err;
      }
      expect(error, `${name}=${value} must be refused`).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/placeholder/);
      expect((error as Error).message).not.toContain(value);
    }
  } finally {
    rmSync(appDir, { recursive: true, force: true });
  }
}

function expectPinnedImage(image: string, where: string): void {
  const { tag, digest } = imageReference(image);
  expect(tag ?? digest, `${where}: ${image} must name a tag or digest`).toBeTruthy();
  expect(tag, `${where}: ${image} must not use "latest"`).not.toBe('latest');
}

// ---------------------------------------------------------------------------------------------------

describe('Dockerfile', () => {
  const dockerfile = read(path.join(DEPLOY, 'Dockerfile'));
  const instructions = parseDockerfile(dockerfile);
  const stages = stagesOf(instructions);
  const runtime = stages[stages.length - 1];
  const byName = new Map(stages.filter((s) => s.name).map((s) => [s.name!, s]));
  const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
  const one = (stage: Stage, keyword: string) => {
    const found = all(stage, keyword);
    expect(found, `${stage.name}: exactly one ${keyword}`).toHaveLength(1);
    return found[0];
  };

  it('is multi-stage: a build stage, a production-dependencies stage, and a runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(byName.has('build')).toBe(true);
    expect(byName.has('prod-deps')).toBe(true);
    expect(runtime.name).toBe('runtime');
    expect(runtime.base).toBe('node:22-bookworm-slim');
  });

  it('bases every Node stage on a supported LTS (22; Node 20 is end of life)', () => {
    const nodeBases = stages.map((s) => s.base).filter((base) => base.startsWith('node:'));
    expect(nodeBases.length).toBeGreaterThanOrEqual(2);
    for (const base of nodeBases) expect(base, base).toMatch(/^node:22[.-]/);
  });

  it('pins every base image (no latest) and only copies from earlier stages', () => {
    for (const stage of stages) {
      const earlier = stages.slice(0, stage.index).map((s) => s.name);
      if (!earlier.includes(stage.base)) expectPinnedImage(stage.base, `FROM in stage ${stage.index}`);
      for (const copy of all(stage, 'COPY')) {
        const from = copy.flags.from;
        if (from) expect(earlier, `line ${copy.line}: COPY --from=${from}`).toContain(from);
      }
    }
  });

  it('compiles native modules with python3, make and g++ outside the runtime image', () => {
    const installs = (stage: Stage): string =>
      all(stage, 'RUN')
        .map((r) => r.args)
        .join('\n');
    const chain = (stage: Stage): Stage[] => {
      const parent = byName.get(stage.base);
      return parent ? [...chain(parent), stage] : [stage];
    };
    for (const name of ['build', 'prod-deps']) {
      const text = chain(byName.get(name)!).map(installs).join('\n');
      for (const tool of ['python3', 'make', 'g++']) expect(text, `${name} has ${tool}`).toMatch(tool);
    }
    const runtimeRuns = installs(runtime);
    for (const tool of ['python3', 'g++', 'build-essential']) expect(runtimeRuns).not.toContain(tool);
    expect(runtimeRuns).not.toMatch(/npm (ci|install)/);
  });

  it('builds with dev dependencies and ships production dependencies only', () => {
    const buildRuns = chainRuns('build');
    expect(buildRuns).toMatch(/npm ci(?![^\n]*--omit=dev)/);
    expect(buildRuns).toMatch(/npm run build/);
    const prodRuns = chainRuns('prod-deps');
    expect(prodRuns).toMatch(/npm ci [^\n]*--omit=dev/);
    // The package's `prepare` needs tsc, a dev dependency: scripts are skipped, better-sqlite3 is built.
    expect(prodRuns).toMatch(/--ignore-scripts/);
    expect(prodRuns).toMatch(/npm rebuild better-sqlite3/);
    const copies = all(runtime, 'COPY');
    const nodeModules = copies.find((c) => /\bnode_modules\b/.test(c.rest));
    expect(nodeModules?.flags.from).toBe('prod-deps');
    expect(copies.find((c) => /\bdist\b/.test(c.rest))?.flags.from).toBe('build');
    // The SQLite statement time limit (native/, compiled by npm run build into build/) ships too.
    expect(all(byName.get('build')!, 'COPY').some((c) => /^native\s/.test(c.rest))).toBe(true);
    expect(copies.find((c) => /\/app\/build\b/.test(c.rest))?.flags.from).toBe('build');

    function chainRuns(name: string): string {
      const stage = byName.get(name)!;
      const parent = byName.get(stage.base);
      const own = all(stage, 'RUN')
        .map((r) => r.args)
        .join('\n');
      return parent ? `${chainRuns(parent.name!)}\n${own}` : own;
    }
  });

  it('runs as a non-root user, in /app, on 1337, with a health check and SIGTERM', () => {
    const user = one(runtime, 'USER').rest.trim().split(':')[0];
    expect(['root', '0', '']).not.toContain(user);
    expect(one(runtime, 'WORKDIR').rest.trim()).toBe('/app');
    expect(one(runtime, 'EXPOSE').rest.trim()).toBe('1337');
    expect(one(runtime, 'STOPSIGNAL').rest.trim()).toBe('SIGTERM');

    const healthcheck = one(runtime, 'HEALTHCHECK');
    const command = /^CMD\s+([\s\S]+)$/.exec(healthcheck.rest.trim());
    expect(command, 'HEALTHCHECK CMD ...').not.toBeNull();
    const argv = execForm(command![1]);
    expect(argv?.[0]).toBe('node');
    expect(argv!.join(' ')).toContain('/_health');
    expect(argv!.join(' ')).not.toMatch(/\b(curl|wget)\b/);
    expect(healthcheck.flags.interval).toBeDefined();
    expect(healthcheck.flags.timeout).toBeDefined();

    const entrypoint = execForm(one(runtime, 'ENTRYPOINT').rest);
    expect(entrypoint).toEqual(['node', 'bin/quorum.js', 'start', '--app', '/app/app']);
    // The default app is the demo, copied to where a real deployment mounts its own.
    const demo = all(runtime, 'COPY').find((c) => /\s\.\/app$|\s\/app\/app\/?$/.test(c.rest));
    expect(demo?.rest).toMatch(/^examples\/blog\s/);
  });

  it('copies only what exists and is not excluded by .dockerignore', () => {
    const ignore = readDockerignore(read(path.join(REPO_ROOT, '.dockerignore')));
    for (const required of ['**/node_modules', 'dist', '**/.quorum', '.git', 'coverage', 'bench/results'])
      expect(ignore, `.dockerignore lists ${required}`).toContain(required);
    expect(dockerIgnored('deploy/compose/.env', ignore)).toBe(true);
    expect(dockerIgnored('examples/blog/.quorum/data.db', ignore)).toBe(true);
    expect(dockerIgnored('node_modules/fastify/package.json', ignore)).toBe(true);

    for (const stage of stages) {
      for (const copy of all(stage, 'COPY')) {
        if (copy.flags.from) continue;
        const parts = execForm(copy.rest) ?? copy.rest.trim().split(/\s+/);
        for (const source of parts.slice(0, -1)) {
          expect(existsSync(path.join(REPO_ROOT, source)), `line ${copy.line}: ${source} exists`).toBe(true);
          expect(dockerIgnored(source, ignore), `line ${copy.line}: ${source} is not ignored`).toBe(false);
        }
      }
    }
  });

  it('the production dependencies cover every package the compiled code imports', () => {
    const pkg = JSON.parse(read(path.join(REPO_ROOT, 'package.json'))) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const missing = new Map<string, string>();
    for (const file of sourceFiles(path.join(REPO_ROOT, 'src'))) {
      // Unit tests beside the code are not compiled into dist/ (tsconfig.build.json excludes them).
      if (file.endsWith('.test.ts')) continue;
      for (const specifier of runtimeImports(read(file))) {
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const parts = specifier.split('/');
        const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
        if (!(name in pkg.dependencies)) missing.set(name, path.relative(REPO_ROOT, file));
      }
    }
    expect(Object.fromEntries(missing), 'imported by src/ but not in "dependencies"').toEqual({});
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Module specifiers a compiled file loads at run time (type-only imports and exports are erased). */
function runtimeImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const match of code.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm))
    found.push(match[1]);
  for (const match of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push(match[1]);
  for (const match of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]);
  return found;
}

// ---------------------------------------------------------------------------------------------------

const nginxBin = findNginx();
const requireServices = process.env.QUORUM_TEST_REQUIRE_SERVICES === '1';
if (!nginxBin) {
  if (requireServices) throw new Error('nginx is not installed; QUORUM_TEST_REQUIRE_SERVICES=1 requires it');
  process.stderr.write('\n*** NOTICE: nginx is not installed. The nginx checks are SKIPPED. ***\n\n');
}

/** The directives that must be the same in the compose configuration and the test template. */
function proxyDirectives(config: string): Record<string, string[]> {
  const code = config
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .join('\n');
  const pick = (name: string) =>
    [...code.matchAll(new RegExp(`^${name}\\s+([^;]*);`, 'gm'))].map((m) => m[1]);
  const map = /map \$http_x_request_id \$quorum_request_id \{([^}]*)\}/.exec(code)?.[1];
  return {
    proxy_pass: pick('proxy_pass'),
    proxy_http_version: pick('proxy_http_version'),
    proxy_set_header: pick('proxy_set_header'),
    proxy_next_upstream: pick('proxy_next_upstream'),
    keepalive: pick('keepalive'),
    requestIdMap: map ? [map.replace(/\s+/g, ' ').trim()] : [],
  };
}

describe.skipIf(!nginxBin)('nginx configurations', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'quorum-nginx-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const composeConf = read(path.join(COMPOSE_DIR, 'nginx.conf'));
  const template = read(path.join(DEPLOY, 'nginx', 'quorum-upstreams.conf.template'));

  it('the test template renders and passes nginx -t', () => {
    const file = path.join(dir, 'template.conf');
    writeFileSync(file, renderNginxConfig({ dir, listenPort: 18080, upstreams: [18081, 18082, 18083] }));
    const check = testNginxConfig(file, dir);
    expect(check.ok, check.output).toBe(true);
  });

  it('the compose configuration passes nginx -t (service names and system paths mapped to local ones)', () => {
    // Each substitution must apply exactly as often as expected, so a change to nginx.conf that this
    // mapping does not understand fails here instead of being skipped.
    const substitutions: Array<[RegExp, (substring: string, ...groups: string[]) => string, number]> = [
      [/^user nginx;$/m, () => unprivilegedUserDirective(), 1],
      [/^pid \/var\/run\/nginx\.pid;$/m, () => `pid ${dir}/compose.pid;`, 1],
      [/\/var\/log\/nginx\//g, () => `${dir}/`, 2],
      [/server quorum-(\d):1337/g, (_s, n) => `server 127.0.0.${n}:1337`, 3],
      [/listen 80;/g, () => 'listen 127.0.0.1:18090;', 1],
      [
        /^http \{$/m,
        () =>
          `http {\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t}_temp;`).join('\n')}`,
        1,
      ],
    ];
    let local = composeConf;
    for (const [pattern, replacement, expected] of substitutions) {
      const count = [
        ...local.matchAll(
          new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'),
        ),
      ].length;
      expect(count, `nginx.conf: ${pattern} matches ${expected} time(s)`).toBe(expected);
      local = local.replace(pattern, replacement);
    }
    const file = path.join(dir, 'compose.conf');
    writeFileSync(file, local);
    const check = testNginxConfig(file, dir);
    expect(check.ok, check.output).toBe(true);
  });

  it('the compose configuration and the test template proxy the same way', () => {
    expect(proxyDirectives(template)).toEqual(proxyDirectives(composeConf));
    const directives = proxyDirectives(composeConf);
    expect(directives.proxy_next_upstream).toEqual(['error timeout http_502 http_503']);
    expect(directives.proxy_set_header).toEqual(
      expect.arrayContaining([
        'X-Request-Id $quorum_request_id',
        'X-Forwarded-For $proxy_add_x_forwarded_for',
        'X-Forwarded-Proto $scheme',
        'Connection ""',
      ]),
    );
    const rendered = renderNginxConfig({ dir: '/tmp/x', listenPort: 1, upstreams: [2, 3] });
    for (const config of [composeConf, rendered]) {
      const code = config.replace(/#.*$/gm, '');
      // Never resend a POST/PATCH that reached a node: it may have been committed there.
      expect(code).not.toContain('non_idempotent');
      expect(code).toMatch(/max_fails=/);
      expect(code).toMatch(/fail_timeout=/);
    }
    expect(composeConf).toMatch(/\$request_id/);
  });
});

// ---------------------------------------------------------------------------------------------------

interface Received {
  readonly method: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** A tiny upstream: answers with its name and the headers it got, or drops the connection ("crashes"). */
async function upstream(name: string, behaviour: 'ok' | 'crash') {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    received.push({ method: req.method ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      if (behaviour === 'crash') return void req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name, requestId: req.headers['x-request-id'], headers: req.headers }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    name,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One request through nginx on a connection of its own (agent: false). fetch's pooled keep-alive
 * sockets can be closed by an old worker under a request just after a reload ("other side closed",
 * seen in CI); that is the client's pool meeting nginx's graceful reload, not what these tests check.
 */
function send(nginx: NginxProcess, method: string, headers: Record<string, string> = {}) {
  const body = method === 'POST' ? '{"data":{}}' : undefined;
  return new Promise<{
    status: number;
    requestId: string | undefined;
    body: { name: string; requestId: string; headers: Obj } | undefined;
  }>((resolve, reject) => {
    const request = http.request(
      `${nginx.url}/api/things`,
      { method, headers: body ? { ...headers, 'content-type': 'application/json' } : headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          const requestId = res.headers['x-request-id'];
          resolve({
            status: res.statusCode ?? 0,
            requestId: Array.isArray(requestId) ? requestId[0] : requestId,
            body: res.statusCode === 200 ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', reject);
    request.end(body);
  });
}

describe.skipIf(!nginxBin)('the test template with a real nginx', () => {
  afterAll(() => stopAllNginx());

  it('proxies with request IDs and forwarding headers, and reloads with other upstreams', async () => {
    const a = await upstream('a', 'ok');
    const b = await upstream('b', 'ok');
    const nginx = await NginxProcess.start({ upstreams: [a.port, b.port] });
    try {
      const names = new Set<string>();
      for (let i = 0; i < 4; i++) names.add((await send(nginx, 'GET')).body!.name);
      expect([...names].sort()).toEqual(['a', 'b']);

      const own = await send(nginx, 'GET', { 'x-request-id': 'client-id.1:2-3' });
      expect(own.body!.requestId).toBe('client-id.1:2-3');
      const generated = await send(nginx, 'GET');
      expect(generated.body!.requestId).toMatch(/^[0-9a-f]{32}$/);
      const invalid = await send(nginx, 'GET', { 'x-request-id': 'has spaces and ünïcode' });
      expect(invalid.body!.requestId).toMatch(/^[0-9a-f]{32}$/);
      expect(generated.body!.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(generated.body!.headers['x-forwarded-proto']).toBe('http');
      expect(nginx.accessLog().join('\n')).toContain('rid=client-id.1:2-3');

      await nginx.reload({ upstreams: [b.port] });
      for (let i = 0; i < 4; i++) expect((await send(nginx, 'GET')).body!.name).toBe('b');
    } finally {
      await nginx.stop();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('reports a configuration nginx rejects with nginx -t output, leaving nothing behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quorum-nginx-bad-'));
    try {
      await expect(NginxProcess.start({ dir, upstreams: [1], failTimeout: 'soon' })).rejects.toThrow(
        /nginx -t rejected[\s\S]*fail_timeout/,
      );
      expect(existsSync(path.join(dir, 'nginx.pid'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retries idempotent requests on the next node, never a POST that reached one', async () => {
    const crashing = await upstream('crashing', 'crash');
    const healthy = await upstream('healthy', 'ok');
    // max_fails=0: no passive health, so round robin keeps sending every other request to the crashing node.
    const nginx = await NginxProcess.start({ upstreams: [crashing.port, healthy.port], maxFails: 0 });
    try {
      const gets = await Promise.all([0, 1, 2, 3].map(() => send(nginx, 'GET')));
      expect(gets.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(gets.every((r) => r.body!.name === 'healthy')).toBe(true);
      expect(crashing.received.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);

      const posts: number[] = [];
      for (let i = 0; i < 4; i++) posts.push((await send(nginx, 'POST')).status);
      const reachedCrashing = crashing.received.filter((r) => r.method === 'POST').length;
      const reachedHealthy = healthy.received.filter((r) => r.method === 'POST').length;
      // Each POST reached exactly one node: the crashed ones answer 502 and were not sent again.
      expect(reachedCrashing).toBeGreaterThan(0);
      expect(reachedCrashing + reachedHealthy).toBe(4);
      expect(posts.filter((s) => s === 502)).toHaveLength(reachedCrashing);
      expect(posts.filter((s) => s === 200)).toHaveLength(reachedHealthy);

      // A stopped node refuses connections: nothing was sent, so even a POST moves on.
      await crashing.close();
      for (const method of ['GET', 'POST']) expect((await send(nginx, method)).status).toBe(200);
    } finally {
      await nginx.stop();
      await Promise.all([crashing.close(), healthy.close()]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => path.join(dir, name));
}

describe('YAML files', () => {
  it('every YAML file under deploy/ parses without errors or warnings', () => {
    const files = [...yamlFiles(COMPOSE_DIR), ...yamlFiles(K8S_DIR)];
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      for (const doc of parseAllDocuments(read(file), { merge: true })) {
        expect(doc.errors.map(String), file).toEqual([]);
        expect(doc.warnings.map(String), file).toEqual([]);
      }
    }
  });
});

describe('docker compose', () => {
  const compose = obj(parse(read(path.join(COMPOSE_DIR, 'docker-compose.yml')), { merge: true }), 'compose');
  const services = obj(compose.services, 'services');
  const nodes = ['quorum-1', 'quorum-2', 'quorum-3'];
  const service = (name: string) => obj(services[name], `service ${name}`);

  it('defines three Quorum nodes, nginx, PostgreSQL 15, Redis 7, Jaeger and Prometheus', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...nodes, 'nginx', 'postgres', 'redis', 'jaeger', 'prometheus'].sort(),
    );
    expect(service('postgres').image).toMatch(/^postgres:15(\b|[.-])/);
    expect(service('redis').image).toMatch(/^redis:7(\b|[.-])/);
    // Jaeger v2 (jaegertracing/jaeger); v1's all-in-one image reached end of life.
    expect(service('jaeger').image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect(service('prometheus').image).toMatch(/^prom\/prometheus:/);
    expect(service('nginx').image).toMatch(/^nginx:/);
    for (const [name, value] of Object.entries(services)) {
      const image = obj(value, name).image;
      if (typeof image === 'string') expectPinnedImage(image, `service ${name}`);
    }
  });

  it('builds the nodes from deploy/Dockerfile and gives them one environment', () => {
    for (const name of nodes) {
      const node = service(name);
      const build = obj(node.build, `${name}.build`);
      const context = path.resolve(COMPOSE_DIR, String(build.context));
      expect(context).toBe(REPO_ROOT);
      expect(existsSync(path.join(context, String(build.dockerfile)))).toBe(true);
      expect(node.env_file).toBe('.env');
      const env = obj(node.environment, `${name}.environment`);
      expect(env.DATABASE_URL).toMatch(
        /^postgres:\/\/quorum:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/quorum$/,
      );
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.QUORUM_SECRET).toMatch(/^\$\{QUORUM_SECRET:\?/);
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
      expect(String(env.PORT)).toBe('1337');
    }
  });

  it('starts nodes after healthy PostgreSQL and Redis, nginx after healthy nodes', () => {
    const dependsOn = (name: string) => obj(service(name).depends_on, `${name}.depends_on`);
    for (const name of nodes) {
      expect(obj(dependsOn(name).postgres, 'postgres').condition).toBe('service_healthy');
      expect(obj(dependsOn(name).redis, 'redis').condition).toBe('service_healthy');
      const test = arr(obj(service(name).healthcheck, 'healthcheck').test, 'test').join(' ');
      expect(test).toContain('/readyz');
    }
    for (const name of nodes) expect(obj(dependsOn('nginx')[name], name).condition).toBe('service_healthy');
    expect(arr(obj(service('postgres').healthcheck, 'healthcheck').test, 'test')).toContain('pg_isready');
    expect(arr(obj(service('redis').healthcheck, 'healthcheck').test, 'test').join(' ')).toContain('ping');
  });

  it('gives each node more than its drain period plus 10 s to stop', () => {
    const example = read(path.join(COMPOSE_DIR, '.env.example'));
    for (const name of nodes) {
      const env = obj(service(name).environment, 'environment');
      const drainMs = Number(interpolatedDefault(String(env.QUORUM_DRAIN_MS)));
      expect(example).toContain(`QUORUM_DRAIN_MS=${drainMs}\n`);
      expect(service(name).stop_signal ?? 'SIGTERM').toBe('SIGTERM');
      expect(durationSeconds(String(service(name).stop_grace_period))).toBeGreaterThan(drainMs / 1000 + 10);
      // nginx must close its idle connections to a stopping node within the 5 s the node waits for that
      // after its drain (src/node/node.ts, IN_FLIGHT_GRACE_MS) before cutting them, or a request can be
      // sent on one as it is cut.
      const upstream =
        /upstream quorum \{([^}]*)\}/.exec(read(path.join(COMPOSE_DIR, 'nginx.conf')))?.[1] ?? '';
      const idle = /^\s*keepalive_timeout\s+(\d+)s;/m.exec(upstream)?.[1];
      expect(idle, 'keepalive_timeout in the upstream block').toBeDefined();
      expect(Number(idle) * 1000).toBeLessThan(Math.min(drainMs, 5000));
    }
  });

  it('mounts files that exist, and a quorum.config.json the configuration schema accepts', () => {
    for (const [name, value] of Object.entries(services)) {
      for (const volume of (obj(value, name).volumes as string[] | undefined) ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.')) expect(existsSync(path.resolve(COMPOSE_DIR, source)), volume).toBe(true);
      }
    }
    const config = JSON.parse(read(path.join(COMPOSE_DIR, 'quorum.config.json'))) as unknown;
    const parsed = configFileSchema.safeParse(config);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data?.server.trustProxy).toBe(true);
  });

  it('a node refuses to start on the placeholders of .env.example', () => {
    const example = Object.fromEntries(
      read(path.join(COMPOSE_DIR, '.env.example'))
        .split('\n')
        .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    const environment = obj(service(nodes[0]).environment, 'environment');
    // DATABASE_URL as compose builds it from POSTGRES_PASSWORD.
    const databaseUrl = String(environment.DATABASE_URL).replace(
      /\$\{POSTGRES_PASSWORD[^}]*\}/,
      example.POSTGRES_PASSWORD,
    );
    expectRefusedPlaceholders({ QUORUM_SECRET: example.QUORUM_SECRET, DATABASE_URL: databaseUrl });
  });

  it('keeps secrets in an env file: every required variable is in .env.example, .env is git-ignored', () => {
    const text = read(path.join(COMPOSE_DIR, 'docker-compose.yml'));
    const required = new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]));
    expect([...required].sort()).toEqual(['POSTGRES_PASSWORD', 'QUORUM_SECRET']);
    const example = read(path.join(COMPOSE_DIR, '.env.example'));
    for (const name of required) expect(example).toMatch(new RegExp(`^${name}=.+$`, 'm'));
    expect(read(path.join(COMPOSE_DIR, '.gitignore')).split('\n')).toContain('.env');
  });

  it('nginx balances the three nodes; Prometheus scrapes each of them', () => {
    const conf = read(path.join(COMPOSE_DIR, 'nginx.conf'));
    const servers = [...conf.matchAll(/^\s*server\s+([\w.-]+:\d+)/gm)].map((m) => m[1]);
    expect(servers).toEqual(nodes.map((n) => `${n}:1337`));

    const prometheus = obj(parse(read(path.join(COMPOSE_DIR, 'prometheus.yml'))), 'prometheus.yml');
    const jobs = arr(prometheus.scrape_configs, 'scrape_configs').map((j) => obj(j, 'job'));
    const quorum = jobs.find((j) => j.job_name === 'quorum');
    expect(quorum?.metrics_path).toBe('/metrics');
    const targets = arr(quorum!.static_configs, 'static_configs').flatMap((c) =>
      arr(obj(c, 'static_config').targets, 'targets'),
    );
    expect(targets).toEqual(nodes.map((n) => `${n}:1337`));
  });
});

// ---------------------------------------------------------------------------------------------------

const API_VERSIONS: Record<string, string> = {
  Namespace: 'v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  PodDisruptionBudget: 'policy/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
};

describe('Kubernetes manifests', () => {
  const files = yamlFiles(K8S_DIR).filter((f) => path.basename(f) !== 'kustomization.yaml');
  const objects = files.flatMap((file) =>
    parseAllDocuments(read(file)).map((doc) => ({ file: path.basename(file), value: obj(doc.toJS(), file) })),
  );
  const ofKind = (kind: string) => {
    const found = objects.filter((o) => o.value.kind === kind);
    expect(found, `one ${kind}`).toHaveLength(1);
    return found[0].value;
  };
  const kustomization = obj(parse(read(path.join(K8S_DIR, 'kustomization.yaml'))), 'kustomization');
  const namespace = String(kustomization.namespace);

  const deployment = ofKind('Deployment');
  const spec = obj(deployment.spec, 'Deployment.spec');
  const template = obj(spec.template, 'template');
  const podLabels = obj(obj(template.metadata, 'template.metadata').labels, 'pod labels');
  const podSpec = obj(template.spec, 'pod spec');
  const containers = arr(podSpec.containers, 'containers').map((c) => obj(c, 'container'));
  const container = containers[0];
  const configMap = ofKind('ConfigMap');
  const secret = ofKind('Secret');
  const selects = (selector: Obj) =>
    Object.entries(obj(selector.matchLabels ?? selector, 'selector')).every(([k, v]) => podLabels[k] === v);

  it('every object has a known kind, the right apiVersion, a name and the namespace', () => {
    expect(objects.map((o) => o.value.kind).sort()).toEqual(Object.keys(API_VERSIONS).sort());
    for (const { file, value } of objects) {
      const kind = String(value.kind);
      expect(value.apiVersion, `${file}: ${kind}`).toBe(API_VERSIONS[kind]);
      const metadata = obj(value.metadata, `${file} metadata`);
      expect(metadata.name, file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      if (kind === 'Namespace') expect(metadata.name).toBe(namespace);
      else expect(metadata.namespace, file).toBe(namespace);
    }
  });

  it('kustomization lists every manifest and retags the Deployment image', () => {
    expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    expect(kustomization.kind).toBe('Kustomization');
    expect(arr(kustomization.resources, 'resources').slice().sort()).toEqual(
      files.map((f) => path.basename(f)).sort(),
    );
    const images = arr(kustomization.images, 'images').map((i) => obj(i, 'image'));
    expect(images.map((i) => i.name)).toContain(imageReference(String(container.image)).name);
    for (const image of images) expect(image.newTag).not.toBe('latest');
  });

  it('Secret holds QUORUM_SECRET and DATABASE_URL (placeholders, marked); ConfigMap the rest, as strings', () => {
    const secretData = obj(secret.stringData, 'stringData');
    expect(Object.keys(secretData).sort()).toEqual(['DATABASE_URL', 'QUORUM_SECRET']);
    expect(String(secretData.DATABASE_URL)).toMatch(/^postgres(ql)?:\/\//);
    expect(String(secretData.QUORUM_SECRET).length).toBeGreaterThanOrEqual(16);
    expect(read(path.join(K8S_DIR, 'secret.yaml'))).toMatch(/PLACEHOLDER/);

    const data = obj(configMap.data, 'ConfigMap.data');
    for (const [key, value] of Object.entries(data)) expect(typeof value, `ConfigMap ${key}`).toBe('string');
    expect(Object.keys(data)).not.toContain('QUORUM_SECRET');
    expect(Object.keys(data)).not.toContain('DATABASE_URL');
    expect(data.PORT).toBe('1337');
  });

  it('a node refuses to start on the placeholders of secret.yaml', () => {
    const secretData = obj(secret.stringData, 'stringData');
    expectRefusedPlaceholders({
      QUORUM_SECRET: String(secretData.QUORUM_SECRET),
      DATABASE_URL: String(secretData.DATABASE_URL),
    });
  });

  it('Deployment: 3 replicas, surge-only rolling updates, selector matching its pods, the pinned image', () => {
    expect(spec.replicas).toBe(3);
    expect(selects(obj(spec.selector, 'selector'))).toBe(true);
    const strategy = obj(spec.strategy, 'strategy');
    expect(strategy.type).toBe('RollingUpdate');
    expect(obj(strategy.rollingUpdate, 'rollingUpdate')).toMatchObject({ maxUnavailable: 0, maxSurge: 1 });
    expect(containers).toHaveLength(1);
    expectPinnedImage(String(container.image), 'Deployment');
    const envFrom = arr(container.envFrom, 'envFrom').map((e) => obj(e, 'envFrom'));
    const refs = envFrom.map((e) => obj(e.configMapRef ?? e.secretRef, 'ref').name);
    expect(refs.sort()).toEqual([obj(configMap.metadata, 'm').name, obj(secret.metadata, 'm').name].sort());
  });

  it('Deployment: liveness on /_health, readiness on /readyz, on the container port', () => {
    const ports = arr(container.ports, 'ports').map((p) => obj(p, 'port'));
    const http = ports.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(1337);
    const probe = (name: string) => obj(obj(container[name], name).httpGet, `${name}.httpGet`);
    for (const [name, expected] of [
      ['livenessProbe', '/_health'],
      ['readinessProbe', '/readyz'],
    ] as const) {
      expect(probe(name).path, name).toBe(expected);
      expect([http!.name, http!.containerPort], name).toContain(probe(name).port);
    }
    if (container.startupProbe) expect(probe('startupProbe').path).toBe('/_health');
  });

  it('Deployment: preStop sleep, and a grace period longer than preStop + drain + 10 s', () => {
    const preStop = obj(obj(container.lifecycle, 'lifecycle').preStop, 'preStop');
    const command = arr(obj(preStop.exec, 'preStop.exec').command, 'command').map(String);
    expect(command[0]).toMatch(/(^|\/)sleep$/);
    const sleepSeconds = Number(command[1]);
    expect(sleepSeconds).toBeGreaterThan(0);
    const drainMs = Number(obj(configMap.data, 'data').QUORUM_DRAIN_MS);
    expect(drainMs).toBeGreaterThan(0);
    expect(Number(podSpec.terminationGracePeriodSeconds)).toBeGreaterThan(sleepSeconds + drainMs / 1000 + 10);
  });

  it('Deployment: resources, non-root, read-only root filesystem with /tmp on an emptyDir', () => {
    const resources = obj(container.resources, 'resources');
    for (const section of ['requests', 'limits'])
      expect(Object.keys(obj(resources[section], section)).sort()).toEqual([
        'cpu',
        'ephemeral-storage',
        'memory',
      ]);
    const podSecurity = obj(podSpec.securityContext, 'pod securityContext');
    expect(podSecurity.runAsNonRoot).toBe(true);
    expect(Number(podSecurity.runAsUser)).toBeGreaterThan(0);
    const security = obj(container.securityContext, 'container securityContext');
    expect(security.readOnlyRootFilesystem).toBe(true);
    expect(security.allowPrivilegeEscalation).toBe(false);
    const mounts = arr(container.volumeMounts, 'volumeMounts').map((m) => obj(m, 'mount'));
    const tmp = mounts.find((m) => m.mountPath === '/tmp');
    const volumes = arr(podSpec.volumes, 'volumes').map((v) => obj(v, 'volume'));
    expect(volumes.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    for (const mount of mounts) expect(volumes.map((v) => v.name)).toContain(mount.name);
  });

  // The image serves its demo app with the configuration defaults, plus the ConfigMap's environment.
  const nodeConfig = () => {
    const appDir = mkdtempSync(path.join(os.tmpdir(), 'quorum-k8s-config-'));
    try {
      const env = Object.fromEntries(
        Object.entries(obj(configMap.data, 'data')).map(([key, value]) => [key, String(value)]),
      );
      return loadConfig({ appDir, env });
    } finally {
      rmSync(appDir, { recursive: true, force: true });
    }
  };

  it('/tmp, where uploads are spooled, has room for several uploads of the configured size limit', () => {
    const mounts = arr(container.volumeMounts, 'volumeMounts').map((m) => obj(m, 'mount'));
    const tmp = mounts.find((m) => m.mountPath === '/tmp')!;
    const volume = arr(podSpec.volumes, 'volumes')
      .map((v) => obj(v, 'volume'))
      .find((v) => v.name === tmp.name)!;
    const sizeLimit = quantityBytes(String(obj(volume.emptyDir, 'emptyDir').sizeLimit));
    const uploadLimit = nodeConfig().upload.sizeLimit;
    expect(sizeLimit, 'emptyDir sizeLimit ≥ 4 uploads at the size limit').toBeGreaterThanOrEqual(
      4 * uploadLimit,
    );
    // The volume counts against the pod's ephemeral storage: the limit must hold it.
    const limits = obj(obj(container.resources, 'resources').limits, 'limits');
    expect(quantityBytes(String(limits['ephemeral-storage']))).toBeGreaterThan(sizeLimit);
  });

  it('the memory limit holds the node plus the images it may decode at once', () => {
    const { upload } = nodeConfig();
    const decoding = upload.imageConcurrency * upload.maxImagePixels * 4; // RGBA, 1 byte per channel
    const limits = obj(obj(container.resources, 'resources').limits, 'limits');
    expect(quantityBytes(String(limits.memory))).toBeGreaterThanOrEqual(256 * 1024 ** 2 + decoding);
  });

  it('the nodes trust the ingress’s forwarding headers (QUORUM_TRUST_PROXY)', () => {
    expect(obj(configMap.data, 'data').QUORUM_TRUST_PROXY).toBeDefined();
    expect(nodeConfig().server.trustProxy).not.toBe(false);
  });

  it('Service selects the pods and targets the named port', () => {
    const service = obj(ofKind('Service').spec, 'Service.spec');
    expect(selects(obj(service.selector, 'selector'))).toBe(true);
    const ports = arr(service.ports, 'ports').map((p) => obj(p, 'port'));
    const containerPorts = arr(container.ports, 'ports').map((p) => obj(p, 'port'));
    for (const port of ports)
      expect(
        containerPorts.some((c) => c.name === port.targetPort || c.containerPort === port.targetPort),
      ).toBe(true);
  });

  it('PodDisruptionBudget keeps 2 of the pods; the autoscaler scales the Deployment on CPU', () => {
    const pdb = obj(ofKind('PodDisruptionBudget').spec, 'PDB.spec');
    expect(pdb.minAvailable).toBe(2);
    expect(selects(obj(pdb.selector, 'selector'))).toBe(true);
    expect(Number(spec.replicas)).toBeGreaterThan(Number(pdb.minAvailable));

    const hpa = obj(ofKind('HorizontalPodAutoscaler').spec, 'HPA.spec');
    expect(obj(hpa.scaleTargetRef, 'scaleTargetRef')).toMatchObject({
      apiVersion: deployment.apiVersion,
      kind: 'Deployment',
      name: obj(deployment.metadata, 'metadata').name,
    });
    expect(Number(hpa.minReplicas)).toBeGreaterThan(Number(pdb.minAvailable));
    expect(Number(hpa.maxReplicas)).toBeGreaterThanOrEqual(Number(hpa.minReplicas));
    const metric = obj(arr(hpa.metrics, 'metrics')[0], 'metric');
    expect(metric.type).toBe('Resource');
    expect(obj(metric.resource, 'resource').name).toBe('cpu');
    // Utilization is relative to the request: the Deployment must request CPU.
    expect(obj(obj(container.resources, 'resources').requests, 'requests').cpu).toBeDefined();
  });
});
