// `npm run roster -- import`: LMS exports and lists read by line, logins as the hub compares them, the roster file
// the stack names written and checked with the rules `pulumi up` applies, and a 5,000-student class measured
// against the ConfigMap limit.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { SETTINGS_FILE } from "../../components/hub/settings";
import { kubernetesObjects } from "../../tools/dev/render";
import { runStack } from "../../tools/harness/mockrun";
import { readStackFile } from "../../tools/harness/stackfile";
import { ToolError } from "../../tools/classes/cli";
import { type Export, readExport } from "../../tools/classes/exports";
import { parseAuth } from "../../tools/classes/logins";
import { importRoster } from "../../tools/classes/rosterImport";
import { configOf, readStackDoc } from "../../tools/classes/stackDoc";
import { rawConfig } from "../support/stacks";
import { fixture, project, runTool } from "./fixtures/project";

const authOf = (stack: string) => parseAuth((rawConfig(stack).class as { auth: unknown }).auth);
const read = (name: string, stack: string, options = {}) =>
  readExport(fs.readFileSync(fixture(name), "utf8"), name, authOf(stack), options);
const logins = (r: Export) => r.students.map((s) => `${s.line} ${s.login}`);

/** The roster `pulumi up` would see: the stack file as the CLI hands it over, validated by the program's schema. */
function deployedRoster(dir: string, stack: string): string[] {
  const file = readStackFile(stack, dir);
  const json = (key: string) => (file.config[key] === undefined ? undefined : JSON.parse(file.config[key]));
  return parseConfig({
    stack,
    cluster: json("classhub:cluster"),
    class: json("classhub:class"),
    hasOauthClientSecret: "classhub:oauthClientSecret" in file.config,
    keys: Object.keys(file.config),
    readFile: (f) => fs.readFileSync(path.resolve(dir, f), "utf8"),
  }).class!.roster;
}

const GOOGLE_HINT = "Google logins are the account's email address";

describe("LMS exports and lists", () => {
  it("a Canvas gradebook: SIS Login ID, with the domain added; Points Possible and the test student skipped", () => {
    const r = read("canvas-gradebook.csv", "data8-fa26", { domain: "Berkeley.edu" });
    assert.equal(r.format, "canvas");
    assert.equal(r.headerLine, 1);
    assert.equal(r.column, 'column "SIS Login ID"');
    assert.deepEqual(logins(r), [
      "3 alovelace@berkeley.edu",
      "4 ghopper@berkeley.edu",
      "5 aturing@berkeley.edu",
      "6 bliskov@berkeley.edu",
      "8 mhamilton@berkeley.edu",
      "9 dknuth@berkeley.edu",
      "10 kjohnson@berkeley.edu",
    ]);
    assert.deepEqual(r.skipped, [
      { line: 2, message: "Canvas's points row" },
      { line: 12, message: "Canvas's test student" },
    ]);
    assert.deepEqual(r.duplicates, [{ line: 11, value: "mhamilton@berkeley.edu", message: "again (line 8)" }]);
    assert.deepEqual(r.bad, [{ line: 7, value: "Dijkstra, Edsger", message: 'has no login in column "SIS Login ID"' }]);
  });

  it("bare logins for a class that logs in by email are refused by line, with the reason", () => {
    const r = read("canvas-gradebook.csv", "data8-fa26");
    assert.deepEqual(r.bad[0], {
      line: 3,
      value: "alovelace",
      message: `expected a user@domain login; ${GOOGLE_HINT}`,
    });
    assert.deepEqual(
      r.students.map((s) => s.login),
      ["dknuth@berkeley.edu"],
    );
  });

  it("a Moodle participants download: byte-order mark, email column, case folded, the hosted domain enforced", () => {
    const r = read("moodle-participants.csv", "data8-fa26");
    assert.equal(r.format, "moodle");
    assert.equal(r.column, 'column "Email address"');
    assert.deepEqual(logins(r), [
      "2 ada.lovelace@berkeley.edu",
      "3 ghopper@berkeley.edu",
      "4 aturing@berkeley.edu",
      "7 mhamilton@berkeley.edu",
    ]);
    assert.deepEqual(r.duplicates, [{ line: 8, value: "ghopper@berkeley.edu", message: "again (line 3)" }]);
    assert.deepEqual(
      r.bad.map((b) => [b.line, b.value, b.message.split(";")[0]]),
      [
        [
          5,
          "barbara.liskov@gmail.com",
          'is outside auth.hostedDomain ["berkeley.edu"], and Google login refuses other domains before it reads the roster',
        ],
        [6, "Edsger", 'has no login in column "Email address"'],
        [9, "kjohnson@berkeley", "expected a user@domain login"],
      ],
    );
  });

  it("a Google Classroom grades download: email column; its points and class-average rows skipped", () => {
    const r = read("classroom-grades.csv", "data8-fa26");
    assert.equal(r.format, "classroom");
    assert.equal(r.column, 'column "Email Address"');
    assert.deepEqual(
      r.students.map((s) => s.login),
      ["alovelace@berkeley.edu", "ghopper@berkeley.edu", "aturing@berkeley.edu", "bliskov@berkeley.edu"],
    );
    assert.deepEqual(r.skipped, [
      { line: 2, message: "Classroom's points row" },
      { line: 7, message: "Classroom's average" },
    ]);
    assert.deepEqual(r.bad, []);
  });

  it("a list of GitHub logins: no header, comments and blank lines skipped, logins checked as GitHub's", () => {
    const r = read("github-logins.txt", "gpu-seminar-fa26");
    assert.equal(r.format, "list");
    assert.equal(r.headerLine, undefined);
    assert.equal(r.column, "column 1");
    assert.deepEqual(logins(r), ["2 octo-ada", "3 grace-hopper", "5 alan-turing", "9 edsger-d"]);
    assert.deepEqual(r.duplicates, [{ line: 6, value: "grace-hopper", message: "again (line 3)" }]);
    assert.deepEqual(r.bad, [
      { line: 7, value: "alan_turing", message: "expected a GitHub login" },
      { line: 8, value: "bliskov@berkeley.edu", message: "expected a GitHub login; GitHub logins have no '@'" },
    ]);
  });

  it("a list of emails with a header row and CRLF line ends keeps true line numbers", () => {
    const r = read("emails-crlf.csv", "stat20-sp27");
    assert.equal(r.headerLine, 1);
    assert.deepEqual(logins(r), ["2 ada.lovelace@berkeley.edu", "3 visitor@stanford.edu", "5 ghopper@berkeley.edu"]);
  });

  it("--column picks the login column by header, in any case, or by number", () => {
    const byName = read("canvas-gradebook.csv", "gpu-seminar-fa26", { column: "sis user id" });
    const byNumber = read("canvas-gradebook.csv", "gpu-seminar-fa26", { column: "3" });
    assert.equal(byName.column, 'column "SIS User ID"');
    assert.deepEqual(byName.students, byNumber.students);
    assert.equal(byName.students[0].login, "3034111111");
  });

  it("a column that is not there, or a domain for logins without '@', is refused naming the flag", () => {
    assert.throws(
      () => read("canvas-gradebook.csv", "data8-fa26", { column: "Email" }),
      new ToolError(
        '--column "Email": no such column; Student, ID, SIS User ID, SIS Login ID, Section, Homework 1 (1094417), ' +
          "Lab 1: Expressions (1094420), Quiz #1 (1094431), Current Score, Unposted Current Score, Final Score, " +
          "Unposted Final Score",
        2,
      ),
    );
    assert.throws(
      () => read("github-logins.txt", "gpu-seminar-fa26", { domain: "berkeley.edu" }),
      new ToolError("--domain berkeley.edu: this class's github logins have no '@'", 2),
    );
    assert.throws(
      () => read("github-logins.txt", "gpu-seminar-fa26", { column: "Email" }),
      new ToolError('--column "Email": no such column; it has no header row; give the column\'s number', 2),
    );
  });

  it("a header without a login column asks for --column", () => {
    const auth = authOf("data8-fa26");
    assert.throws(
      () => readExport("Student,ID,Section\nAda,1,001\n", "grades.csv", auth),
      new ToolError('grades.csv:1: no login column among "Student", "ID", "Section"; name it with --column', 2),
    );
  });

  it("a broken CSV names the file and line", () => {
    assert.throws(
      () => readExport('email\n"ada@berkeley.edu\n', "list.csv", authOf("data8-fa26")),
      (e: Error) => e instanceof ToolError && e.message.startsWith("list.csv:2: not readable as CSV: Quote Not Closed"),
    );
  });
});

describe("roster import writes the roster the stack uses", () => {
  it("replaces the stack's roster file, reports added, removed and unchanged, and `pulumi up` reads it back", () => {
    const dir = project();
    const before = fs.readFileSync(path.join(dir, "rosters/gpu-seminar-fa26.txt"), "utf8").split("\n").slice(1, -1);
    const list = path.join(dir, "export.txt");
    // two students dropped the class, three joined; one is typed in capitals
    fs.writeFileSync(list, [...before.slice(2), "New-Student", "late-joiner", "transfer-7"].join("\n"));
    const r = importRoster("gpu-seminar-fa26", list, { dir });
    assert.equal(r.written, true);
    assert.equal(r.rosterFile, "rosters/gpu-seminar-fa26.txt");
    assert.equal(r.pointedStack, false);
    assert.deepEqual(r.changes, {
      added: ["new-student", "late-joiner", "transfer-7"],
      removed: before.slice(0, 2),
      unchanged: 38,
    });
    const expected = [...before.slice(2), "new-student", "late-joiner", "transfer-7"].sort();
    assert.deepEqual(deployedRoster(dir, "gpu-seminar-fa26"), expected);
  });

  it("a stack without a roster file gets rosters/<stack>.txt, named in its stack file with nothing else changed", () => {
    const dir = project();
    const stackFile = path.join(dir, "Pulumi.data8-fa26.yaml");
    const original = fs.readFileSync(stackFile, "utf8");
    const r = importRoster("data8-fa26", fixture("canvas-gradebook.csv"), {
      dir,
      domain: "berkeley.edu",
      skipBad: true,
    });
    assert.equal(r.written, true);
    assert.equal(r.pointedStack, true);
    const admins = "    admins: [instructor@berkeley.edu, head-gsi@berkeley.edu, gsi-1@berkeley.edu]\n";
    assert.equal(
      fs.readFileSync(stackFile, "utf8"),
      original.replace(admins, `${admins}    rosterFile: rosters/data8-fa26.txt\n`),
    );
    assert.equal(
      fs.readFileSync(path.join(dir, "rosters/data8-fa26.txt"), "utf8"),
      "# Students of data8-fa26, one login per line, from canvas-gradebook.csv (Canvas gradebook export).\n" +
        "# Written by `npm run roster -- import data8-fa26 <file>`, which replaces this file; Pulumi.data8-fa26.yaml names it.\n" +
        "alovelace@berkeley.edu\naturing@berkeley.edu\nbliskov@berkeley.edu\ndknuth@berkeley.edu\n" +
        "ghopper@berkeley.edu\nkjohnson@berkeley.edu\nmhamilton@berkeley.edu\n",
    );
    assert.equal(deployedRoster(dir, "data8-fa26").length, 7);
  });

  it("writes nothing while a row cannot be used, unless --skip-bad; --dry-run writes nothing", () => {
    const dir = project();
    const target = path.join(dir, "rosters/data8-fa26.txt");
    assert.equal(importRoster("data8-fa26", fixture("moodle-participants.csv"), { dir }).written, false);
    assert.equal(importRoster("data8-fa26", fixture("classroom-grades.csv"), { dir, dryRun: true }).written, false);
    assert.equal(fs.existsSync(target), false);
    assert.equal(importRoster("data8-fa26", fixture("moodle-participants.csv"), { dir, skipBad: true }).written, true);
    assert.equal(fs.readFileSync(target, "utf8").split("\n").length, 2 + 4 + 1);
  });

  it("refuses a stack whose roster is inline, and a cluster-only stack", () => {
    const dir = project();
    assert.throws(
      () => importRoster("stat20-sp27", fixture("emails-crlf.csv"), { dir }),
      new ToolError(
        "Pulumi.stat20-sp27.yaml: classhub:class.roster lists 1 student(s) inline; an import replaces the whole " +
          "roster, so put them in the file you import (or delete the key) and run it again",
        2,
      ),
    );
    assert.throws(
      () => importRoster("platform", fixture("emails-crlf.csv"), { dir }),
      new ToolError("Pulumi.platform.yaml: has no classhub:class; a cluster-only stack has no roster", 2),
    );
  });

  it("an import that would make the stack invalid writes nothing and names the key", () => {
    const dir = project();
    const before = fs.readFileSync(path.join(dir, "rosters/gpu-seminar-fa26.txt"), "utf8");
    // an export of a course whose students all dropped: only the header row is left
    const list = path.join(dir, "export.csv");
    fs.writeFileSync(list, "login\n");
    assert.throws(
      () => importRoster("gpu-seminar-fa26", list, { dir }),
      new ToolError(
        "The roster would make Pulumi.gpu-seminar-fa26.yaml invalid; nothing written:\n" +
          "  - classhub:class.roster = []: is empty and nothing else admits students: nobody could log in; add " +
          "students, or set auth.allowedOrganizations",
      ),
    );
    assert.equal(fs.readFileSync(path.join(dir, "rosters/gpu-seminar-fa26.txt"), "utf8"), before);
  });
});

describe("the roster command", () => {
  it("--help names every format and flag", () => {
    const r = runTool("roster.ts", ["import", "--help"], project());
    assert.equal(r.status, 0);
    for (const text of [
      "Canvas gradebook",
      "Moodle participants",
      "Google Classroom",
      "--column",
      "--domain",
      "--skip-bad",
      "--dry-run",
    ]) {
      assert.ok(r.stdout.includes(text), `--help lacks ${text}:\n${r.stdout}`);
    }
  });

  it("prints what changed, and the rows it could not use by line, exiting 1 when it wrote nothing", () => {
    const dir = project();
    fs.copyFileSync(fixture("github-logins.txt"), path.join(dir, "signups.txt"));
    const r = runTool("roster.ts", ["import", "gpu-seminar-fa26", "signups.txt"], dir);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "signups.txt: list of logins, no header row, logins from column 1: 4 students");
    assert.ok(lines.includes("  line 8: \"bliskov@berkeley.edu\" expected a GitHub login; GitHub logins have no '@'"));
    assert.ok(lines.includes("rosters/gpu-seminar-fa26.txt: added 4, removed 40, unchanged 0"));
    assert.ok(
      lines.includes(
        "Nothing written. Fix those rows in the file (or pass --skip-bad to import the others) and run it again.",
      ),
    );
  });

  it("a file that cannot be read is named, with exit code 2", () => {
    const r = runTool("roster.ts", ["import", "data8-fa26", "missing.csv"], project());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^missing\.csv: cannot be read \(ENOENT/);
  });
});

describe("a 5,000-student class", () => {
  it("fits the hub ConfigMap, which Kubernetes limits to 1 MiB", async (t) => {
    const MIB = 1024 * 1024;
    const dir = project();
    const names = ["ada", "grace", "alan", "barbara", "edsger", "frances", "katherine", "margaret", "donald", "radia"];
    const rows = Array.from({ length: 5000 }, (_, i) => {
      const login = `${names[i % 10]}.student${String(i).padStart(4, "0")}`;
      return `"Student ${i}, ${names[i % 10]}",${100000 + i},${3030000000 + i},${login},DATA C8 LEC 001,10.00`;
    });
    const canvas = path.join(dir, "gradebook.csv");
    fs.writeFileSync(
      canvas,
      ["Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (1)", "    Points Possible,,,,,10.00", ...rows].join(
        "\n",
      ),
    );
    assert.equal(importRoster("data8-fa26", canvas, { dir, domain: "berkeley.edu" }).read.students.length, 5000);

    const hubConfigBytes = async (rosterFile: string | undefined) => {
      const cls = { ...(configOf(readStackDoc(dir, "data8-fa26"))["classhub:class"] as object), rosterFile };
      const run = await runStack("data8-fa26", { class: cls }, dir);
      const map = kubernetesObjects(run.resources).find((o) => o.kind === "ConfigMap" && o.data?.[SETTINGS_FILE]);
      // what the API server counts against the limit: every key and value of data (there is no binaryData)
      return Object.entries(map!.data as Record<string, string>).reduce(
        (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
        0,
      );
    };
    const withRoster = await hubConfigBytes(path.join(dir, "rosters/data8-fa26.txt"));
    const without = await hubConfigBytes(undefined);
    const perStudent = (withRoster - without) / 5000;
    t.diagnostic(
      `hub ConfigMap: ${withRoster} bytes with 5,000 students (${((100 * withRoster) / MIB).toFixed(1)}% of 1 MiB), ` +
        `${without} without a roster; ${perStudent.toFixed(1)} bytes a student, so about ` +
        `${Math.floor((MIB - without) / perStudent)} such students fit`,
    );
    assert.ok(withRoster < MIB, `${withRoster} bytes do not fit a ConfigMap`);
  });
});
