// make bench-lecture --homes existing: every student's home exists before the burst, as at any lecture but the
// first of the term. On the local node a new home costs a local-path-provisioner helper pod, about 2.5 s each and
// one after the other, which at the first lecture of a large class outweighs everything the hub and proxy do.
import type { Live } from "../../test/live/support";
import { waitFor } from "../../test/support/wait";

/** The claim KubeSpawner would create for a student's home (classhub's pvcNameTemplate claim-{user_server}). */
export const homeClaim = (ns: string, user: string, size: string) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: `claim-${user}`, namespace: ns },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
});

/**
 * A pod that mounts every claim, which makes the provisioner create their volumes (the storage class binds on first
 * use) and does nothing else; restricted, as the namespace requires.
 */
export const binder = (ns: string, claims: string[], image: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "lecture-homes", namespace: ns },
  spec: {
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "bind",
        image,
        imagePullPolicy: "Never",
        command: ["sh", "-c", "true"],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        volumeMounts: claims.map((claim) => ({ name: claim, mountPath: `/homes/${claim}` })),
      },
    ],
    volumes: claims.map((claim) => ({ name: claim, persistentVolumeClaim: { claimName: claim } })),
  },
});

/** Creates the students' homes and waits until each is bound; the hub then finds them, as KubeSpawner does. */
export async function createHomes(live: Live, ns: string, users: string[], size: string): Promise<void> {
  const claims = users.map((user) => homeClaim(ns, user, size));
  await live.kubectl("apply", "-f", live.file({ apiVersion: "v1", kind: "List", items: claims }));
  const names = claims.map((c) => c.metadata.name);
  await live.kubectl("apply", "-f", live.file(binder(ns, names, live.env.images.HELPER_IMAGE)));
  await waitFor(
    async () => {
      const pvcs = (await live.json("get", "pvc", "-n", ns)).items as any[];
      return names.every((name) => pvcs.find((p) => p.metadata.name === name)?.status.phase === "Bound");
    },
    30 * 60_000,
    `${names.length} homes bound in ${ns}`,
    2000,
  );
  await live.kubectl("delete", "pod", "lecture-homes", "-n", ns, "--wait=true");
}
