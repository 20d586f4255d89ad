// Pinned upstream images of the pods that only wait (placeholders, the pre-puller's) and of the placeholders'
// scaler. A module of its own: the config schema reads them as defaults, before any builder is loaded.
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";
export const SCALER_IMAGE = "registry.k8s.io/kubectl:v1.35.4";
