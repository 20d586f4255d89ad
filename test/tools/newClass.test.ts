// `npm run new-class`: a stack file written from a stack to start from, the config block only, checked by the
// program's own schema, never over an existing file, with errors that name the flag; and its questions.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { readStackFile } from "../../tools/harness/stackfile";
import { SIZES } from "../../tools/classes/classStack";
import { ToolError } from "../../tools/classes/cli";
import { fromDefaults, newClass } from "../../tools/classes/newClass";
import { askMissing, type Asker } from "../../tools/classes/prompts";
import { fixture, project, runTool } from "./fixtures/project";

const GOOGLE = {
  course: "ml101",
  term: "fa26",
  from: "data8-fa26",
  admins: ["Prof@berkeley.edu"],
  clientId: "1234567890-ml101fa26.apps.googleusercontent.com",
  hostname: "ml101.datahub.berkeley.edu",
  students: 300,
};

/** The problems `pulumi up` reports for a stack file in `dir`, read as the Pulumi CLI hands it to the program. */
function upProblems(dir: string, stack: string): string[] {
  const file = readStackFile(stack, dir);
  const json = (key: string) => (file.config[key] === undefined ? undefined : JSON.parse(file.config[key]));
  try {
    parseConfig({
      stack,
      cluster: json("classhub:cluster"),
      class: json("classhub:class"),
      hasOauthClientSecret: "classhub:oauthClientSecret" in file.config,
      keys: Object.keys(file.config),
      readFile: (f) => fs.readFileSync(path.resolve(dir, f), "utf8"),
      readBytes: (f) => fs.readFileSync(path.resolve(dir, f)),
    });
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
}

const classOf = (dir: string, stack: string) => JSON.parse(readStackFile(stack, dir).config["classhub:class"]);

describe("new-class writes a stack file", () => {
  it("from an example: the config block only, the class's own keys replaced, admins lowercased, valid but for the OAuth secret", () => {
    const dir = project();
    const r = newClass({ ...GOOGLE, size: "medium", dir });
    assert.equal(r.stack, "ml101-fa26");
    const text = fs.readFileSync(path.join(dir, "Pulumi.ml101-fa26.yaml"), "utf8");
    assert.ok(text.startsWith("# ml101-fa26: written by `npm run new-class`, starting from Pulumi.data8-fa26.yaml.\n"));
    assert.doesNotMatch(text, /encryptionsalt|secure:|data8\.datahub|Data 8/);
    assert.deepEqual(Object.keys(readStackFile("ml101-fa26", dir).config), ["classhub:cluster", "classhub:class"]);
    const cls = classOf(dir, "ml101-fa26");
    assert.deepEqual(
      { name: cls.name, term: cls.term, admins: cls.admins, students: cls.expectedStudents, hostname: cls.hostname },
      { name: "ml101", term: "fa26", admins: ["prof@berkeley.edu"], students: 300, hostname: GOOGLE.hostname },
    );
    assert.deepEqual(cls.auth, { type: "google", clientId: GOOGLE.clientId, hostedDomain: ["berkeley.edu"] });
    assert.deepEqual(cls.resources, SIZES.medium);
    assert.equal(cls.branding, undefined);
    for (const key of ["cluster", "auth settings", "image", "files", "egress"]) assert.ok(r.kept.includes(key), key);
    for (const key of ["name", "admins", "expectedStudents", "hostname", "branding"]) assert.ok(!r.kept.includes(key));
    assert.deepEqual(upProblems(dir, "ml101-fa26"), [
      "classhub:oauthClientSecret: required with auth type google; run 'pulumi config set --secret " +
        "classhub:oauthClientSecret <secret>'",
    ]);
  });

  it("never replaces an existing stack file or roster file, unless --force", () => {
    const dir = project();
    newClass({ ...GOOGLE, dir });
    const file = path.join(dir, "Pulumi.ml101-fa26.yaml");
    const first = fs.readFileSync(file, "utf8");
    assert.throws(
      () => newClass({ ...GOOGLE, admins: ["other@berkeley.edu"], dir }),
      new ToolError(
        "Pulumi.ml101-fa26.yaml exists; nothing written. Pass --force to replace it, or pick another --course or --term",
      ),
    );
    assert.equal(fs.readFileSync(file, "utf8"), first);
    fs.writeFileSync(path.join(dir, "rosters/ml102-fa26.txt"), "# kept\n");
    assert.throws(
      () => newClass({ ...GOOGLE, course: "ml102", rosterExport: fixture("classroom-grades.csv"), dir }),
      new ToolError(
        "rosters/ml102-fa26.txt exists; nothing written. Pass --force to replace it, or pick another --course or --term",
      ),
    );
    assert.equal(fs.existsSync(path.join(dir, "Pulumi.ml102-fa26.yaml")), false);
    newClass({ ...GOOGLE, admins: ["other@berkeley.edu"], force: true, dir });
    assert.deepEqual(classOf(dir, "ml101-fa26").admins, ["other@berkeley.edu"]);
  });

  it("imports the roster export into rosters/<stack>.txt and names it in the stack file", () => {
    const dir = project();
    const r = newClass({ ...GOOGLE, students: undefined, rosterExport: fixture("classroom-grades.csv"), dir });
    assert.equal(r.roster?.file, "rosters/ml101-fa26.txt");
    assert.equal(classOf(dir, "ml101-fa26").rosterFile, "rosters/ml101-fa26.txt");
    const roster = fs.readFileSync(path.join(dir, "rosters/ml101-fa26.txt"), "utf8").split("\n").slice(2, -1);
    assert.deepEqual(roster, [
      "alovelace@berkeley.edu",
      "aturing@berkeley.edu",
      "bliskov@berkeley.edu",
      "ghopper@berkeley.edu",
    ]);
  });

  it("a roster row that cannot be used stops it, by line, before anything is written", () => {
    const dir = project();
    assert.throws(
      () => newClass({ ...GOOGLE, from: "gpu-seminar-fa26", rosterExport: fixture("github-logins.txt"), dir }),
      (e: Error) =>
        e instanceof ToolError &&
        e.message.endsWith(
          "github-logins.txt: 2 row(s) cannot be used; nothing written:\n" +
            '  line 7: "alan_turing" expected a GitHub login\n' +
            "  line 8: \"bliskov@berkeley.edu\" expected a GitHub login; GitHub logins have no '@'",
        ),
    );
    assert.deepEqual(fs.readdirSync(path.join(dir, "rosters")), ["gpu-seminar-fa26.txt"]);
  });

  it("problems are the schema's, each naming the flag that sets the key", () => {
    const dir = project();
    assert.throws(
      () => newClass({ ...GOOGLE, term: "Fall 2026", image: "quay.io/jupyter/scipy-notebook:latest", dir }),
      new ToolError(
        "The class would be invalid; nothing written:\n" +
          "  - classhub:class.term = \"Fall 2026\": expected a term: lowercase letters, digits and '-', starting and " +
          "ending with a letter or digit (--term)\n" +
          "  - classhub:class.image = \"quay.io/jupyter/scipy-notebook:latest\": the tag 'latest' is not pinned; name " +
          "an exact tag or digest (--image)",
      ),
    );
    assert.throws(
      () => newClass({ ...GOOGLE, from: "gpu-seminar-fa26", admins: ["prof-lee"], dir }),
      new ToolError(
        "The class would be invalid; nothing written:\n" +
          "  - classhub:class.roster = []: is empty and nothing else admits students: nobody could log in; add " +
          "students, or set auth.allowedOrganizations (--roster-file)",
      ),
    );
  });

  it("a login type other than the example's: a fresh auth block, or the stacks that have the provider's settings", () => {
    const dir = project();
    const signups = path.join(dir, "signups.txt");
    fs.writeFileSync(signups, "octo-ada\ngrace-hopper\n");
    newClass({ ...GOOGLE, auth: "github", clientId: "Iv23liMl101", admins: ["prof-lee"], rosterExport: signups, dir });
    assert.deepEqual(classOf(dir, "ml101-fa26").auth, { type: "github", clientId: "Iv23liMl101" });
    assert.throws(
      () => newClass({ ...GOOGLE, course: "ml102", auth: "cilogon", dir }),
      new ToolError(
        "--auth cilogon: --from data8-fa26 logs in with google; cilogon needs the provider's settings, which come " +
          "from a stack that uses it: --from stat20-sp27",
        2,
      ),
    );
  });

  it("starts from a class only, and a node port is never carried to another class", () => {
    const dir = project();
    assert.throws(
      () => newClass({ ...GOOGLE, from: "platform", dir }),
      new ToolError(
        "--from platform: a cluster-only stack; start from a class stack: data8-fa26, dev, ds100-sp27, " +
          "gpu-seminar-fa26, stat20-sp27",
        2,
      ),
    );
    const signups = path.join(dir, "signups.txt");
    fs.writeFileSync(signups, "student4\nstudent5\n");
    newClass({ course: "dev", term: "ta", from: "dev", admins: ["ta"], rosterExport: signups, dir });
    const cls = classOf(dir, "dev-ta");
    assert.equal(cls.nodePort, undefined);
    assert.equal(cls.serviceType, "NodePort");
  });

  it("without a terminal, missing answers are named as flags", () => {
    assert.throws(
      () => newClass({ course: "ml101", dir: project() }),
      new ToolError("missing --term, --from, --admins; run it in a terminal to be asked, or see --help", 2),
    );
  });
});

describe("new-class asks in a terminal for what the flags leave out", () => {
  /** Answers each question from `answers` by its first words, and records what it was offered. */
  function scripted(answers: Record<string, string>) {
    const asked: string[] = [];
    const answer = (message: string, offered: string) => {
      asked.push(`${message} [${offered}]`);
      const key = Object.keys(answers).find((k) => message.startsWith(k));
      assert.ok(key !== undefined, `unexpected question: ${message}`);
      return Promise.resolve(answers[key]);
    };
    const ask: Asker = {
      input: (message, options) => answer(message, options?.default ?? ""),
      select: (message, choices, defaultChoice) => answer(message, `${choices.join("|")}; ${defaultChoice ?? ""}`),
    };
    return { ask, asked };
  }

  it("asks only for what is missing, offering the starting stack's values, and the answers make a valid class", async () => {
    const dir = project();
    const { ask, asked } = scripted({
      "Course name": "ml101",
      "How do people log in": "google",
      "OAuth client id": GOOGLE.clientId,
      Hostname: GOOGLE.hostname,
      Admins: " prof@berkeley.edu , ta@berkeley.edu",
      Roster: fixture("classroom-grades.csv"),
      "Students' image": "quay.io/jupyter/datascience-notebook:2025-10-06",
      "Server size": "small",
    });
    const given = await askMissing({ term: "fa26", from: "data8-fa26" }, [], (s) => fromDefaults(dir, s), ask);
    assert.deepEqual(asked, [
      "Course name (e.g. data8): []",
      "How do people log in? [dummy|github|google|generic-oauth|cilogon; google]",
      "OAuth client id (register the app first): []",
      "Hostname of the hub: [ml101.datahub.berkeley.edu]",
      "Admins (course staff logins, comma-separated): []",
      "Roster: an LMS export or a list of logins (blank for none yet): []",
      "Students' image, with a pinned tag: [quay.io/jupyter/datascience-notebook:2025-10-06]",
      "Server size per student: [as in the stack I start from|small|medium|large; as in the stack I start from]",
    ]);
    assert.deepEqual(given.admins, ["prof@berkeley.edu", "ta@berkeley.edu"]);
    newClass({ ...given, dir });
    assert.deepEqual(classOf(dir, "ml101-fa26").resources, SIZES.small);
  });

  it("without a roster it asks for the class size; dummy login asks for no OAuth app", async () => {
    const dir = project();
    const { ask, asked } = scripted({ "How do people log in": "dummy", Roster: "", "Expected number": "25" });
    const given = await askMissing(
      {
        course: "dev",
        term: "lab",
        from: "dev",
        admins: ["ta"],
        image: "quay.io/jupyter/minimal-notebook:2025-10-06",
        size: "small",
      },
      [],
      (s) => fromDefaults(dir, s),
      ask,
    );
    assert.deepEqual(
      asked.map((q) => q.split(/[?:]/)[0]),
      ["How do people log in", "Roster", "Expected number of students (blank if the roster will say)"],
    );
    assert.equal(given.students, 25);
  });
});

describe("the new-class command", () => {
  it("--help lists every answer it takes", () => {
    const r = runTool("newClass.ts", ["--help"], project());
    assert.equal(r.status, 0);
    for (const flag of [
      "--course",
      "--term",
      "--from",
      "--auth",
      "--admins",
      "--roster-file",
      "--image",
      "--size",
      "--force",
    ]) {
      assert.ok(r.stdout.includes(flag), `--help lacks ${flag}`);
    }
  });

  it("writes the stack file from flags alone and prints the next steps", () => {
    const dir = project();
    const r = runTool(
      "newClass.ts",
      [
        "--course",
        "ml101",
        "--term",
        "fa26",
        "--from",
        "data8-fa26",
        "--admins",
        "prof@berkeley.edu",
        "--client-id",
        GOOGLE.clientId,
        "--hostname",
        GOOGLE.hostname,
        "--students",
        "300",
      ],
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "Wrote Pulumi.ml101-fa26.yaml, starting from Pulumi.data8-fa26.yaml.");
    assert.ok(
      lines.includes("  1. pulumi stack init ml101-fa26   (on a shared backend: pulumi stack init <org>/ml101-fa26)"),
    );
    assert.ok(lines.includes("     pulumi config set --secret classhub:oauthClientSecret <its secret>"));
    assert.ok(lines.includes("  3. npm run render -- ml101-fa26   (what it deploys; no cluster needed)"));
    assert.ok(fs.existsSync(path.join(dir, "Pulumi.ml101-fa26.yaml")));
  });

  it("refuses a bad flag value before asking anything, exiting 2", () => {
    const r = runTool("newClass.ts", ["--size", "huge"], project());
    assert.equal(r.status, 2);
    assert.equal(
      r.stderr,
      "error: option '--size <size>' argument 'huge' is invalid. Allowed choices are small, medium, large.\n",
    );
  });
});
