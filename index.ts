// classhub: one JupyterHub per class. Validates this stack's config, refuses to move existing homes by accident,
// builds it, exports its outputs.
import { loadConfig } from "./components/config";
import { buildStack } from "./components/stack";
import { refuseHomeStorageSwitch } from "./components/storage/homeStorage";

const config = loadConfig();
export = (config.class === undefined ? Promise.resolve() : refuseHomeStorageSwitch(config.class)).then(() =>
  buildStack(config),
);
