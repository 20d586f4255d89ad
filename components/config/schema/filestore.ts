// classhub:cluster.gke.filestore: one Filestore instance in the cluster's VPC, for classes' shared homes.
import { z } from "zod";
import { count } from "./values";

/** Filestore service tiers and the smallest instance each allows, in GiB. */
export const FILESTORE_MIN_GB = { BASIC_HDD: 1024, BASIC_SSD: 2560, ZONAL: 1024, REGIONAL: 1024 } as const;
export const FILESTORE_TIERS = Object.keys(FILESTORE_MIN_GB) as (keyof typeof FILESTORE_MIN_GB)[];

export const filestoreSchema = z
  .strictObject({
    tier: z
      .enum(FILESTORE_TIERS)
      .default("BASIC_HDD")
      .describe("Filestore service tier: `BASIC_HDD`, `BASIC_SSD`, `ZONAL` (zonal) or `REGIONAL`."),
    capacityGb: count(1024, 102400)
      .default(1024)
      .describe(
        "Size of the share in GiB: at least 1024 (2560 for `BASIC_SSD`). It bounds every class on it together; " +
          "nothing limits one student or one class within it.",
      ),
    zone: z
      .string()
      .regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, { error: "expected a zone such as us-central1-b" })
      .optional()
      .describe(
        "Zone of a `BASIC_HDD`, `BASIC_SSD` or `ZONAL` instance, in `region`. Defaults to the first of " +
          "`nodeLocations`, else `<region>-b`. A `REGIONAL` instance spans the region.",
      ),
  })
  .refine((f) => f.capacityGb >= FILESTORE_MIN_GB[f.tier], {
    error: (issue) => {
      const f = issue.input as { tier: keyof typeof FILESTORE_MIN_GB };
      return `expected capacityGb of at least ${FILESTORE_MIN_GB[f.tier]} for tier ${f.tier}`;
    },
  })
  .optional()
  .describe(
    "A Filestore instance (share `classhub`) in the cluster's VPC, for classes with " +
      "`classhub:class.storage.shared: {filestore: {}}`; each class uses the folder `<namespace>` of the share. " +
      "The share's root must be writable by uid 1000 or gid 100, which the platform team sees to once (docs/gke.md).",
  );
