import { defineConfig } from "vite";

// Tauri loads the built files from ui/dist; no dev server is needed to run the app.
export default defineConfig({
  clearScreen: false,
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, sourcemap: false },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
