// Lint: typescript-eslint's recommended rules over the sources, tests and scripts; formatting is prettier's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "src/assets/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      // Types and Node's globals are checked by tsc (and undefined names in .mjs would fail at once when run).
      "no-undef": "off",
      // Terminal escapes (ANSI colours, control characters) are what some patterns match on purpose.
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  // Tests may reach into loosely typed JSON and mocks.
  { files: ["test/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  // Small files: one concept each.
  { files: ["src/**/*.ts"], rules: { "max-lines": ["error", { max: 300, skipBlankLines: false, skipComments: false }] } },
);
