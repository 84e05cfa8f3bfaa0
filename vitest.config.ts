import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-preload/**/*.test.ts', 'src-renderer/**/*.test.{ts,tsx}', 'bench/**/*.test.ts', 'src-shared/**/*.test.ts', 'src-server/**/*.test.ts'],
    environment: 'node',
    // Real SQLite files and real loopback servers: give slow disks room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
})
