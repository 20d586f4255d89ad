// User placeholders: the lecture schedule as CronJobs, the placeholders' pods and their priority, the scaler's narrow
// RBAC and egress, the room the quota keeps for them, and each bad stack-file value named by its key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultServer,
  placeholderDeployment,
  placeholderPriorityClass,
  scaleCronJob,
  scalerNetworkPolicy,
  scalerRole,
} from "../../components/capacity/manifests";
import { cronAt, placeholderSchedule } from "../../components/capacity/schedule";
import { parseConfig } from "../../components/config";
import { parseLectureTime } from "../../components/config/schema/lecture";
import { classSize, hubSettings } from "../../components/hub/settings";
import { platformContainers } from "../../components/jupyterhub/manifests";
import { quotaHard } from "../../components/namespace/manifests";
import { runStack } from "../../tools/harness/mockrun";
import { problems, withClass } from "../support/stacks";

const devWith = (placeholders: unknown, change: (cls: any) => void = () => undefined) =>
  withClass("dev", (c) => {
    c.placeholders = placeholders;
    change(c);
  });
const classOf = (placeholders: unknown, change?: (cls: any) => void) =>
  parseConfig(devWith(placeholders, change)).class!;
const lecture = (when: string) => parseLectureTime(when) as Exclude<ReturnType<typeof parseLectureTime>, string>;

describe("the lecture schedule", () => {
  it("reads days, time and zone", () => {
    assert.deepEqual(parseLectureTime("Mon/Wed 10:00 America/Los_Angeles"), {
      days: ["Mon", "Wed"],
      hour: 10,
      minute: 0,
      timeZone: "America/Los_Angeles",
    });
  });

  it("puts each change on its days, in cron's numbering (Sunday 0)", () => {
    assert.equal(cronAt(lecture("Mon/Wed/Fri 10:00 UTC"), -15), "45 9 * * 1,3,5");
    assert.equal(cronAt(lecture("Sun 10:30 UTC"), 80), "50 11 * * 0");
  });

  it("moves a change across midnight to the day before or after", () => {
    // 00:05 on Monday, 15 minutes early: Sunday 23:50
    assert.equal(cronAt(lecture("Mon 00:05 UTC"), -15), "50 23 * * 0");
    // 23:30 on Saturday and Sunday, 80 minutes long: ends on Sunday and Monday at 00:50
    assert.equal(cronAt(lecture("Sat/Sun 23:30 UTC"), 80), "50 0 * * 0,1");
  });

  it("holds a lecture's count from its lead to its end, then the standing count; the class size by default", () => {
    const cls = classOf({
      count: 1,
      leadMinutes: 20,
      lectures: [{ when: "Tue/Thu 14:00 America/New_York", minutes: 90, count: 30 }, { when: "Fri 09:00 UTC" }],
    });
    assert.deepEqual(placeholderSchedule(cls.placeholders, classSize(cls)), [
      { name: "lecture-0-start", schedule: "40 13 * * 2,4", timeZone: "America/New_York", replicas: 30 },
      { name: "lecture-0-end", schedule: "30 15 * * 2,4", timeZone: "America/New_York", replicas: 1 },
      { name: "lecture-1-start", schedule: "40 8 * * 5", timeZone: "UTC", replicas: classSize(cls) },
      { name: "lecture-1-end", schedule: "20 10 * * 5", timeZone: "UTC", replicas: 1 },
    ]);
  });
});

describe("classhub:class.placeholders: stack-file errors", () => {
  it("names the key, the value and what is allowed", () => {
    assert.deepEqual(
      problems(
        devWith({
          count: -1,
          lectures: [
            { when: "Mon 10:00" },
            { when: "Mon/Thr 10:00 UTC" },
            { when: "Mon 10:00 Europe/Atlantis" },
            { when: "Mon/Mon 10:00 UTC" },
            { when: "Mon 10:00 UTC", minutes: 5 },
          ],
          leadMinutes: 500,
        }),
      ),
      [
        "classhub:class.placeholders.count = -1: expected at least 0",
        'classhub:class.placeholders.lectures[0].when = "Mon 10:00": expected "<days> <HH:MM> <time zone>", e.g. "Mon/Wed 10:00 America/Los_Angeles"',
        "classhub:class.placeholders.lectures[1].when = \"Mon/Thr 10:00 UTC\": unknown day Thr; days are Mon, Tue, Wed, Thu, Fri, Sat, Sun, joined by '/'",
        'classhub:class.placeholders.lectures[2].when = "Mon 10:00 Europe/Atlantis": unknown time zone Europe/Atlantis; expected an IANA name such as America/New_York',
        'classhub:class.placeholders.lectures[3].when = "Mon/Mon 10:00 UTC": a day is listed twice',
        "classhub:class.placeholders.lectures[4].minutes = 5: expected at least 10",
        "classhub:class.placeholders.leadMinutes = 500: expected at most 120",
      ],
    );
  });
});

describe("the placeholders' objects", () => {
  const cls = classOf({ count: 2, lectures: [{ when: "Mon 10:00 UTC" }] });
  const settings = hubSettings(cls, { userPool: true });

  it("yield to any student and never evict anything themselves", () => {
    const priority = placeholderPriorityClass("dev");
    assert.ok((priority.value as number) < 0, "below the default priority, 0, of students' servers");
    assert.equal(priority.preemptionPolicy, "Never");
    assert.equal(priority.globalDefault, false);
    assert.equal((priority.metadata as any).name, "classhub-dev-placeholder");
  });

  it("are as big as the default server, where it runs, requests equal to limits, Pod Security restricted", () => {
    const d = placeholderDeployment("dev", 2, defaultServer(settings.spawner), "registry.k8s.io/pause:3.10") as any;
    const pod = d.spec.template.spec;
    assert.equal(d.spec.replicas, 2);
    assert.equal(pod.priorityClassName, "classhub-dev-placeholder");
    assert.deepEqual(pod.nodeSelector, settings.spawner.nodeSelector);
    assert.deepEqual(pod.tolerations, settings.spawner.tolerations);
    const [c] = pod.containers;
    assert.deepEqual(c.resources.requests, c.resources.limits);
    assert.equal(c.resources.requests.memory, `${settings.spawner.memGuarantee / 2 ** 20}Mi`);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.terminationGracePeriodSeconds, 0);
  });

  it("follow the default profile and its default choices", () => {
    const profiled = classOf({ count: 1 }, (c) => {
      c.profiles = [
        { slug: "small", displayName: "Small" },
        {
          slug: "big",
          displayName: "Big",
          default: true,
          resources: { memoryGuarantee: "4Gi", memoryLimit: "8Gi" },
          placement: { nodeSelector: { disk: "ssd" } },
          options: [
            {
              name: "cpu",
              displayName: "CPU",
              choices: [
                { slug: "two", displayName: "Two", resources: { cpuGuarantee: 2, cpuLimit: 2 }, default: true },
                { slug: "four", displayName: "Four", resources: { cpuGuarantee: 4, cpuLimit: 4 } },
              ],
            },
          ],
        },
      ];
    });
    const server = defaultServer(hubSettings(profiled, { userPool: false }).spawner);
    assert.equal(server.memory, 4 * 2 ** 30);
    assert.equal(server.cpu, 2);
    assert.equal(server.nodeSelector.disk, "ssd");
  });

  it("change count by a CronJob in the lecture's time zone, with kubectl and nothing else", () => {
    const [start] = placeholderSchedule(cls.placeholders, classSize(cls));
    const job = scaleCronJob("dev", start, "registry.k8s.io/kubectl:v1.35.4") as any;
    assert.equal(job.metadata.name, "placeholders-lecture-0-start");
    assert.equal(job.spec.schedule, "45 9 * * 1");
    assert.equal(job.spec.timeZone, "UTC");
    assert.equal(job.spec.concurrencyPolicy, "Forbid");
    const pod = job.spec.jobTemplate.spec.template.spec;
    assert.equal(pod.serviceAccountName, "placeholder-scaler");
    assert.deepEqual(
      [...pod.containers[0].command, ...pod.containers[0].args],
      ["kubectl", "--namespace", "dev", "scale", "deployment/user-placeholder", `--replicas=${classSize(cls)}`],
    );
    assert.equal(pod.securityContext.runAsNonRoot, true);
  });

  it("the scaler may scale the placeholders and nothing else, and reach only the API server", () => {
    assert.deepEqual((scalerRole("dev") as any).rules, [
      {
        apiGroups: ["apps"],
        resources: ["deployments", "deployments/scale"],
        resourceNames: ["user-placeholder"],
        verbs: ["get", "patch"],
      },
    ]);
    const policy = scalerNetworkPolicy("dev", { addresses: ["10.0.0.1"], ports: [443] }) as any;
    assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
    assert.equal(policy.spec.ingress, undefined);
    assert.deepEqual(policy.spec.egress, [
      { to: [{ ipBlock: { cidr: "10.0.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });
});

describe("the quota keeps room for the placeholders beside every student", () => {
  it("their most at once, at a server's guarantee, and the scaler's pod", () => {
    const none = classOf({});
    const held = classOf({ count: 1, lectures: [{ when: "Mon 10:00 UTC", count: 4 }] });
    const before = quotaHard(none, platformContainers(none));
    const after = quotaHard(held, platformContainers(held));
    assert.equal(Number(after.pods) - Number(before.pods), 4 + 1);
    const mi = (q: string) => Number(q.replace(/Mi$/, ""));
    assert.equal(
      mi(after["requests.memory"]) - mi(before["requests.memory"]),
      4 * (hubSettings(none, { userPool: false }).spawner.memGuarantee / 2 ** 20) + 32,
    );
  });
});

describe("under the mocks", () => {
  it("the data8 example holds 600 placeholders around its lectures, and a class without any has no such objects", async () => {
    const run = await runStack("data8-fa26");
    const jobs = run.resources.filter((r) => r.type === "kubernetes:batch/v1:CronJob");
    assert.deepEqual(
      jobs.map((j) => [j.inputs.metadata.name, j.inputs.spec.schedule, j.inputs.spec.timeZone]),
      [
        ["placeholders-lecture-0-start", "45 9 * * 1,3,5", "America/Los_Angeles"],
        ["placeholders-lecture-0-end", "50 10 * * 1,3,5", "America/Los_Angeles"],
      ],
    );
    const [deployment] = run.resources.filter((r) => r.name.endsWith("placeholders-deployment"));
    assert.equal(deployment.inputs.spec.replicas, 0);
    assert.deepEqual(deployment.options.ignoreChanges, ["spec.replicas"]);
    const priority = run.resources.find((r) => r.type === "kubernetes:scheduling.k8s.io/v1:PriorityClass")!;
    assert.ok(deployment.options.dependsOn.includes(`${priority.type}::${priority.name}`));

    const dev = await runStack("dev");
    assert.deepEqual(
      dev.resources.filter((r) => r.type.startsWith("classhub:capacity") || r.type.endsWith(":CronJob")),
      [],
    );
  });
});

describe("with packing", () => {
  it("placeholders use the class's packing scheduler, as its servers do", () => {
    const cls = classOf({ count: 1 }, (c) => (c.packing = { scheduler: true }));
    const spawner = hubSettings(cls, { userPool: false }).spawner;
    const d = placeholderDeployment("dev", 1, defaultServer(spawner), "registry.k8s.io/pause:3.10") as any;
    assert.equal(d.spec.template.spec.schedulerName, "demo-dev-user-scheduler");
    assert.equal(d.spec.template.spec.schedulerName, spawner.schedulerName);
  });
});
