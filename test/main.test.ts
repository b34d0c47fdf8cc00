import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator } from './support/discord-emulator.js';
import { tempDir } from './support/harness.js';

const ALICE = '1400000000000000001';

/** Runs `npm start`'s entry point (the compiled dist/src/main.js) as a child process with the given environment. */
function startMain(env: Record<string, string>, command: [string, string[]] = [process.execPath, ['dist/src/main.js']]) {
  const child = spawn(command[0], command[1], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (text: string, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!stdout.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" in the output:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, exited, until, output: () => ({ stdout, stderr }) };
}

// What `npm start` does first: compile dist/ when the sources are newer than it (a no-op after `npm ci`).
beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
}, 120_000);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('npm start', () => {
  it('without a token, says in one line which variables to set and points at the demo', async () => {
    const { exited, output } = startMain({});
    expect(await exited).toBe(2);
    expect(output().stderr.trim()).toBe(
      'steward: set DISCORD_TOKEN and TASKS_CHANNEL_ID (see README: Setting up the bot), or run `npm run demo` to try it against a local Discord emulator',
    );
  });

  it('a bad value stops it with one line naming the variable', async () => {
    const { exited, output } = startMain({ MAX_CONCURRENT_RUNS: 'lots' });
    expect(await exited).toBe(2);
    expect(output().stderr.trim()).toBe('steward: MAX_CONCURRENT_RUNS="lots" is not valid: expected a whole number ≥ 1');
  });

  it('a refused URL is named without the password or query it carried', async () => {
    const { exited, output } = startMain({ ANTHROPIC_API_KEY: 'sk-ant-api03-startup-secret', ANTHROPIC_BASE_URL: 'https://user:PASSWORD@llm.example:99999/v1?key=abc' });
    expect(await exited).toBe(2);
    expect(output().stderr.trim()).toBe('steward: ANTHROPIC_BASE_URL="https://[redacted]@llm.example:99999/v1?[redacted]" is not valid: expected an http(s) URL');
    expect(output().stdout + output().stderr).not.toMatch(/PASSWORD|key=abc|startup-secret/);
  });

  it('connects, answers commands, and on SIGTERM stops cleanly with exit code 0', { timeout: 60_000 }, async () => {
    const discord = new DiscordEmulator({ users: [{ id: ALICE, username: 'alice' }] });
    await discord.start();
    const { dir, cleanup } = tempDir();
    cleanups.push(() => discord.stop(), cleanup);
    const bot = startMain({
      DISCORD_TOKEN: 'test-token',
      TASKS_CHANNEL_ID: discord.tasksChannelId,
      GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiUrl,
      STEWARD_DB: join(dir, 'steward.db'),
    });
    cleanups.push(() => void bot.child.kill('SIGKILL'));
    await bot.until('"event":"steward_started"');
    const trace = await discord.slash(ALICE, 'budget');
    await trace.answered();

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output().stdout).toContain('"event":"engine_stopped"');
    expect(bot.output().stdout).not.toContain('test-token');
  });

  it('SIGTERM sent to the `npm start` process (as Docker, systemd and pm2 send it) stops the bot itself, cleanly', { timeout: 60_000 }, async () => {
    const discord = new DiscordEmulator({ users: [{ id: ALICE, username: 'alice' }] });
    await discord.start();
    const { dir, cleanup } = tempDir();
    cleanups.push(() => discord.stop(), cleanup);
    const npm = startMain(
      { DISCORD_TOKEN: 'test-token', TASKS_CHANNEL_ID: discord.tasksChannelId, GUILD_ID: discord.guildId, DISCORD_API_URL: discord.apiUrl, STEWARD_DB: join(dir, 'steward.db') },
      ['npm', ['start', '--silent']],
    );
    cleanups.push(() => void npm.child.kill('SIGKILL'));
    await npm.until('"event":"steward_started"');
    // The bot's own process, as its log says (pino writes the pid on every line).
    const botPid = Number(/"pid":(\d+)[^\n]*"event":"steward_started"/.exec(npm.output().stdout)?.[1]);
    expect(botPid).not.toBe(npm.child.pid);

    npm.child.kill('SIGTERM');
    expect(await npm.exited).toBe(0);
    expect(npm.output().stdout).toContain('"event":"engine_stopped"');
    const alive = () => {
      try {
        process.kill(botPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(), 'the bot process ended with npm').toBe(false);
  });
});
