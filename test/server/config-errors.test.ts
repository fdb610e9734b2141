/**
 * A bad environment value stops `node dist/src/main.js` before it opens or creates anything:
 * exit code 2 and one line on stderr that names the variable (and does not repeat a secret).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { BUNDLED_GEOIP_DB } from '../../src/clientinfo/country.js';
import { catalogueJson } from '../support/plans.js';

const MAIN = path.resolve('dist/src/main.js');
const VARIABLES = ['PORT', 'HOST', 'PUBLIC_URL', 'DATABASE_URL', 'TESSERA_API_KEY', 'TESSERA_MASTER_KEY', 'TESSERA_DATA_DIR', 'LOG_LEVEL', 'TRUST_PROXY', 'UV_THREADPOOL_SIZE', 'GEOIP_DB', 'TESSERA_REGION', 'TESSERA_PLANS', 'TESSERA_DEFAULT_PLAN'];

/** Runs main in `cwd` with only `env` set of the configuration variables. */
function runMain(cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !VARIABLES.includes(name)));
  const child = spawn(process.execPath, [MAIN], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A value wrongly accepted would start a server: stop it so the test fails instead of hanging.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Every path under `dir`. */
function contents(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('configuration errors', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-config-'));
  const aFile = path.join(root, 'a-file');
  fs.writeFileSync(aFile, 'not a folder');
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  /** Plan catalogue files, each wrong in one way (and one right). */
  const plansFile = (name: string, text: string) => {
    const file = path.join(root, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const withoutPro = catalogueJson();
  delete withoutPro.plans.pro;
  const plans = {
    notJson: plansFile('plans-not-json.json', '{"plans": {"free": '),
    noPro: plansFile('plans-no-pro.json', JSON.stringify(withoutPro)),
    badCount: plansFile('plans-bad-count.json', JSON.stringify(catalogueJson({ free: { max_users: 'many' } }))),
    badFlag: plansFile('plans-bad-flag.json', JSON.stringify(catalogueJson({ basic: { 'mfa.webauthn': 1 } }))),
    unknownMember: plansFile('plans-unknown-member.json', JSON.stringify(catalogueJson({ pro: { max_widgets: 3 } as never }))),
    extraPlan: plansFile('plans-extra-plan.json', JSON.stringify({ plans: { ...catalogueJson().plans, gold: catalogueJson().plans.pro } })),
    good: plansFile('plans-good.json', JSON.stringify(catalogueJson({ free: { max_users: 42, hooks: 2 } }))),
  };

  const secretKey = 'secret-but-short';
  const cases: Array<[variable: string, value: () => string, secret?: string]> = [
    ['PORT', () => 'ninety'],
    ['PORT', () => '70000'],
    ['PORT', () => '80.5'],
    ['HOST', () => 'not a host'],
    ['HOST', () => 'http://example.com'],
    ['PUBLIC_URL', () => 'id.example.com'],
    ['PUBLIC_URL', () => 'ftp://id.example.com'],
    ['PUBLIC_URL', () => 'https://id.example.com/?tenant=1'],
    ['DATABASE_URL', () => 'mysql://admin:hunter2-secret@db/tessera', 'hunter2-secret'],
    ['DATABASE_URL', () => 'sqlite:'],
    ['DATABASE_URL', () => `sqlite:${root}`],
    ['TESSERA_API_KEY', () => 'too-short', 'too-short'],
    ['TESSERA_API_KEY', () => 'k'.repeat(513)],
    ['TESSERA_MASTER_KEY', () => secretKey.slice(0, 10), secretKey.slice(0, 10)],
    ['TESSERA_MASTER_KEY', () => Buffer.alloc(16, 7).toString('base64')],
    ['TESSERA_MASTER_KEY', () => ' a passphrase with a space around it ', 'a passphrase with a space around it'],
    ['TESSERA_DATA_DIR', () => aFile],
    ['TESSERA_DATA_DIR', () => path.join(aFile, 'data')],
    ['LOG_LEVEL', () => 'verbose'],
    ['TRUST_PROXY', () => '10.0.0.1, not-an-address'],
    ['TRUST_PROXY', () => '10.0.0.0/33'],
    ['UV_THREADPOOL_SIZE', () => '0'],
    ['UV_THREADPOOL_SIZE', () => 'many'],
    ['UV_THREADPOOL_SIZE', () => '5000'],
    ['GEOIP_DB', () => path.join(root, 'no-such.mmdb')],
    ['GEOIP_DB', () => aFile],
    ['GEOIP_DB', () => root],
    ['TESSERA_REGION', () => 'EU 1'],
    ['TESSERA_REGION', () => '-eu'],
    ['TESSERA_REGION', () => 'r'.repeat(33)],
    ['TESSERA_DEFAULT_PLAN', () => 'gold'],
    ['TESSERA_DEFAULT_PLAN', () => 'Free'],
    ['TESSERA_PLANS', () => path.join(root, 'no-such-plans.json')],
    ['TESSERA_PLANS', () => root],
    ['TESSERA_PLANS', () => plans.notJson],
    ['TESSERA_PLANS', () => plans.noPro],
    ['TESSERA_PLANS', () => plans.badCount],
    ['TESSERA_PLANS', () => plans.badFlag],
    ['TESSERA_PLANS', () => plans.unknownMember],
    ['TESSERA_PLANS', () => plans.extraPlan],
  ];
  for (const [variable, value, secret] of cases) {
    test(`${variable}=${JSON.stringify(value().replace(root, '<tmp>').slice(0, 40))}: exit 2, one line naming it, nothing created`, async () => {
      const cwd = fs.mkdtempSync(path.join(root, 'cwd-'));
      const before = contents(root);
      const run = await runMain(cwd, { [variable]: value() });
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, run.stderr);
      assert.ok(run.stderr.endsWith('\n'));
      assert.match(lines[0]!, new RegExp(`^Configuration error: ${variable} `));
      assert.equal(run.stdout, '');
      if (secret) assert.ok(!run.stderr.includes(secret), 'the secret is not repeated');
      assert.deepEqual(contents(cwd), [], 'nothing created in the working folder (./data is the default)');
      assert.deepEqual(contents(root), before, 'nothing created anywhere else either');
      assert.equal(fs.readFileSync(aFile, 'utf8'), 'not a folder');
    });
  }

  test('a refused plan catalogue is named to the place in the file, in one line', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        assert.ok(!error.message.includes('\n'), error.message);
        return error.message;
      }
      assert.fail('accepted');
    };
    assert.match(refusal({ TESSERA_PLANS: path.join(root, 'no-such-plans.json') }), /^TESSERA_PLANS file ".*no-such-plans\.json" cannot be read \(ENOENT\)$/);
    assert.match(refusal({ TESSERA_PLANS: plans.notJson }), /^TESSERA_PLANS file ".*" is not valid JSON: /);
    assert.match(refusal({ TESSERA_PLANS: plans.noPro }), /: plans\.pro is missing \(every plan must be defined: free, basic, pro, enterprise, on-premise\)$/);
    assert.match(refusal({ TESSERA_PLANS: plans.badCount }), /: plans\.free\.max_users must be an integer from -1 \(no limit\) to 2147483647, got "many"$/);
    assert.match(refusal({ TESSERA_PLANS: plans.badFlag }), /: plans\.basic\.mfa\.webauthn must be true or false, got 1$/);
    assert.match(refusal({ TESSERA_PLANS: plans.unknownMember }), /: plans\.pro\.max_widgets is not a plan detail/);
    assert.match(refusal({ TESSERA_PLANS: plans.extraPlan }), /: plans\.gold is not a plan \(the plans are free, basic, pro, enterprise, on-premise\)$/);
    assert.equal(refusal({ TESSERA_DEFAULT_PLAN: 'gold' }), 'TESSERA_DEFAULT_PLAN must be one of free, basic, pro, enterprise, on-premise, got "gold"');
  });

  test('the plan catalogue: the shipped one and on-premise by default; an operator\'s file and default plan when given', () => {
    const shipped = loadConfig({});
    assert.equal(shipped.defaultPlan, 'on-premise');
    assert.deepEqual(shipped.plans, catalogueJson().plans);
    const own = loadConfig({ TESSERA_PLANS: plans.good, TESSERA_DEFAULT_PLAN: 'basic' });
    assert.equal(own.defaultPlan, 'basic');
    assert.equal(own.plans.free.max_users, 42);
    assert.equal(own.plans.free.hooks, 2);
  });

  test('valid values are taken as documented', () => {
    const dataDir = path.join(root, 'not-yet', 'data');
    const config = loadConfig({
      PORT: '8080',
      HOST: '::',
      PUBLIC_URL: 'https://id.example.com/auth/',
      TESSERA_DATA_DIR: dataDir,
      TESSERA_API_KEY: 'k'.repeat(16),
      TESSERA_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '10.0.0.0/8, ::1',
      UV_THREADPOOL_SIZE: '16',
      TESSERA_REGION: 'eu-central-2',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '::');
    assert.equal(config.publicUrl, 'https://id.example.com/auth');
    assert.equal(config.databaseUrl, `sqlite:${path.join(dataDir, 'tessera.db')}`, 'the default database lives in the data folder');
    assert.equal(config.masterKeyFile, path.join(dataDir, 'master.key'));
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '::1']);
    assert.equal(config.region, 'eu-central-2');
    assert.equal(loadConfig({}).region, 'tr-1', "seed 002's region by default");
    assert.equal(fs.existsSync(path.join(root, 'not-yet')), false, 'checking creates nothing');
    assert.equal(loadConfig({ PORT: '', HOST: '' }).port, 9011, 'an empty value is an unset one');
    assert.equal(loadConfig({}).geoipDb, undefined, 'the bundled country database unless GEOIP_DB names one');
    assert.equal(loadConfig({ GEOIP_DB: BUNDLED_GEOIP_DB }).geoipDb, BUNDLED_GEOIP_DB);
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://u@db.internal:5432/tessera' }).databaseUrl, 'postgresql://u@db.internal:5432/tessera');
  });
});
