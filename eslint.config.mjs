import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "policy/node_modules/", "policy/bin/", "render/", ".venv/", ".pulumi-state/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Mock state and Kubernetes objects are loosely typed by nature.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
