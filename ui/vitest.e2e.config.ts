import { defineConfig } from "vitest/config";

// End-to-end tests of the real app window (scripts/e2e). One app at a time: each test starts
// its own app and driver; the machine has two cores.
export default defineConfig({
  test: {
    environment: "node",
    // scripts/e2e runs the tests; --bench the timings; --screenshots the README's pictures.
    include: process.env.HANDOVER_E2E_BENCH
      ? ["e2e/**/*.bench-e2e.ts"]
      : process.env.HANDOVER_E2E_SHOTS
        ? ["e2e/**/*.shots-e2e.ts"]
        : ["e2e/**/*.e2e.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
