import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails a test during which the Discord emulator refused a body the bot sent (as Discord would).
    setupFiles: ['test/support/discord-refusal-guard.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
