// classhub:class.storage: students' homes, one disk each or subdirectories of one shared filesystem, and the
// course folder and staff view that a shared filesystem allows.
import { z } from "zod";
import { memory } from "./values";

const absolutePath = z.string().regex(/^\/[\w./-]*$/, { error: "expected an absolute path" });
/** A PersistentVolumeClaim name: an RFC 1123 subdomain. */
const claimName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: "expected a PersistentVolumeClaim name" });

const showKeys = (input: unknown) =>
  typeof input === "object" && input !== null ? `{${Object.keys(input).join(", ")}}` : JSON.stringify(input);

/** Where a shared filesystem comes from. */
export const SHARED_SOURCES = ["nfs", "claim", "filestore"] as const;
export type SharedSource = (typeof SHARED_SOURCES)[number];

const shared = z
  .union(
    [
      z.strictObject({
        nfs: z
          .strictObject({
            server: z
              .string()
              .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, { error: "expected a DNS name or IPv4 address" })
              .describe("The NFS server's DNS name or address, reachable from the nodes (kubelet mounts it)."),
            path: absolutePath.describe(
              "The exported directory for this class, e.g. `/exports/data100-sp27`. Its root must be writable by " +
                "uid 1000 or gid 100 (owned `1000:100`, or exported with `all_squash,anonuid=1000,anongid=100`).",
            ),
            capacity: memory
              .optional()
              .describe(
                "The export's size, a quantity; it is the volume's recorded capacity and what the namespace quota " +
                  "counts. NFS enforces none of it. Defaults to the class size times `storage.homeSize`.",
              ),
          })
          .describe(
            "An NFS export given by address and path. classhub creates a PersistentVolume for it " +
              "(`classhub-<namespace>-shared`, ReadWriteMany, `Retain`) and the claim `classhub-shared` bound to it.",
          ),
      }),
      z.strictObject({
        claim: claimName.describe(
          "An existing ReadWriteMany PersistentVolumeClaim in the class namespace, e.g. one the platform team " +
            "provisions with a CSI driver (Filestore, CephFS, csi-driver-nfs). classhub neither creates nor deletes it.",
        ),
      }),
      z.strictObject({
        filestore: z
          .strictObject({})
          .describe(
            "The Filestore instance of the class's GKE cluster (`classhub:cluster.gke.filestore`), from the cluster " +
              "stack (`source: stack`) or a cluster this stack creates. The class uses the directory `<namespace>` " +
              "of its share, so classes never see each other's files.",
          ),
      }),
    ],
    {
      // A union's issue carries no input of its own: name the keys that were given.
      error: (issue) =>
        `expected one of {nfs: {server, path}}, {claim: <name>}, {filestore: {}}; got ${showKeys(issue.input)}`,
    },
  )
  .optional()
  .describe(
    "Homes on one shared ReadWriteMany filesystem instead of one disk per student: each student's home is the " +
      "subdirectory `home/<user>` of it, created by the hub as uid 1000 before the first start. Nothing enforces a " +
      "limit per student: one student can fill the filesystem, whose own size (the export, the Filestore " +
      "instance) bounds the whole class. Switching an existing class between per-student disks and a shared " +
      "filesystem is refused; see the course staff guide for moving homes.",
  );

export const storageSchema = z
  .strictObject({
    homeSize: memory
      .default("10Gi")
      .describe("Size of each student's home volume, a quantity such as `10Gi`. Not enforced with `shared`."),
    mountPath: absolutePath
      .default("/home/jovyan")
      .describe("Where the home volume is mounted in the student's server."),
    shared,
    courseFolder: z
      .strictObject({
        mountPath: absolutePath
          .optional()
          .describe("Where servers mount it. Defaults to `<mountPath>/course`, inside the home."),
      })
      .optional()
      .describe(
        "A course folder on the shared filesystem (its subdirectory `course`), read-only for students and " +
          "writable for staff: the admins and, with `auth.staffGroups`, those groups' members. Needs `shared`.",
      ),
    staffHomes: z
      .strictObject({
        mountPath: absolutePath
          .optional()
          .describe("Where staff servers mount it. Defaults to `<mountPath>/homes`, inside the home."),
        readOnly: z
          .boolean()
          .default(true)
          .describe("Mount the homes read-only; false lets staff write into students' homes, e.g. feedback."),
      })
      .optional()
      .describe(
        "Staff servers also mount every home (the shared filesystem's `home` directory, one folder per user), for " +
          "grading. Needs `shared`.",
      ),
    switchedFrom: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Where homes lived before, exactly as the refusal of a switch names it (e.g. `per-student disks`), once " +
          "every home has been copied to the new place: it lets that one switch through. Remove it afterwards.",
      ),
  })
  .prefault({})
  .describe(
    "Students' homes. By default KubeSpawner creates one claim per student, `claim-<user>`, which outlives the " +
      "server, the user and a `pulumi destroy`; with `shared` every home is a folder of one shared filesystem.",
  );

export type StorageConfig = z.output<typeof storageSchema>;
