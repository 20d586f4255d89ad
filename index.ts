// classhub: one JupyterHub per class. Validates this stack's config, builds it, exports its outputs.
import { loadConfig } from "./components/config";
import { buildStack } from "./components/stack";

export = buildStack(loadConfig());
