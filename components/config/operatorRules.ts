// Rules for the keys operators add to a class (files, egress) that span other keys: the home's mount path, the
// class namespace. Called from classProblems with the same report.
import type { ClassConfig } from "./schema";

type Report = (key: string, value: unknown, message: string) => void;

const inside = (dir: string, file: string) => file === dir || file.startsWith(`${dir.replace(/\/$/, "")}/`);

/** Files land outside the home, each path once. */
function fileProblems(cls: ClassConfig, report: Report) {
  const seen = new Set<string>();
  cls.files.forEach((f, i) => {
    if (inside(cls.storage.mountPath, f.path)) {
      report(
        `files[${i}].path`,
        f.path,
        `is inside the home volume (storage.mountPath ${cls.storage.mountPath}), which the student owns and keeps; ` +
          "place the file elsewhere, e.g. under /etc",
      );
    }
    if (seen.has(f.path)) report(`files[${i}].path`, f.path, "is listed twice; list each path once");
    seen.add(f.path);
  });
}

/** Students never reach their own namespace beyond the hub and the proxy: that would open their peers' servers. */
function egressProblems(cls: ClassConfig, report: Report) {
  cls.egress.services.forEach((s, i) => {
    if (s.namespace === cls.namespace) {
      report(
        `egress.services[${i}].namespace`,
        s.namespace,
        "is the class's own namespace; students' servers reach only its hub and proxy there, never each other",
      );
    }
  });
}

export function operatorProblems(cls: ClassConfig, report: Report) {
  fileProblems(cls, report);
  egressProblems(cls, report);
}
