#!/bin/sh
# The student image's default command. Spawned by JupyterHub (which always sets JUPYTERHUB_API_TOKEN), it
# runs the single-user server, which takes its URL, port and hub address from the JUPYTERHUB_* variables;
# started by hand, a plain JupyterLab on every address (a container's loopback is its own). Arguments go to
# whichever runs.
if [ -n "${JUPYTERHUB_API_TOKEN:-}" ]; then
  exec jupyterhub-singleuser "$@"
fi
exec jupyter lab --ip=0.0.0.0 "$@"
