// A class on an ambient cluster (kind, minikube, a campus cluster): no cloud list price applies, so the estimate is
// what the class asks of that cluster: CPU, memory and storage.
import type { ClassConfig } from "../../components/config";
import { classSize } from "../../components/hub/settings";
import { homesPerStudent } from "../../components/hub/servers";
import { hubContainer, proxyContainer } from "../../components/jupyterhub/sizing";
import { bytes, formatBytes } from "../../components/quantity";
import { type Usage, peakServers } from "./estimate";

/** One thing the class requests: what, how much, and how that is counted. */
export interface Request {
  item: string;
  cpu?: string;
  memory?: string;
  storage?: string;
  detail: string;
}

export interface AmbientEstimate {
  stack: string;
  kind: "ambient";
  usage: Usage;
  notes: string[];
  requests: Request[];
}

/** What the class asks of the cluster: its platform pods, one server of each profile, the peak, and storage. */
export function ambientEstimate(stack: string, cls: ClassConfig, usage: Usage): AmbientEstimate {
  const size = classSize(cls);
  const servers = (cls.profiles.length > 0 ? cls.profiles : [undefined]).map((p) => {
    const r = { ...cls.resources, ...p?.resources };
    return { name: p?.slug ?? "default", cpu: r.cpuGuarantee, memory: bytes(r.memoryGuarantee), gpus: p?.gpus ?? 0 };
  });
  const main = servers.find((s) => s.name === (cls.profiles.find((p) => p.default)?.slug ?? servers[0].name))!;
  const peak = peakServers(cls, usage);
  const requests: Request[] = [
    ...Object.entries({ hub: hubContainer(cls), proxy: proxyContainer(cls) }).map(([name, c]) => ({
      item: `${name} pod`,
      cpu: c.requests.cpu,
      memory: c.requests.memory,
      detail: "always running",
    })),
    ...servers.map((s) => ({
      item: `${s.name} server`,
      cpu: String(s.cpu),
      memory: formatBytes(s.memory),
      detail: `each, while running${s.gpus > 0 ? `; ${s.gpus} GPU` : ""}`,
    })),
    {
      item: "peak",
      cpu: String(Math.round(peak * main.cpu * 1000) / 1000),
      memory: formatBytes(peak * main.memory),
      detail: `${peak} ${main.name} servers at once`,
    },
    {
      item: "hub database",
      storage: cls.hub.databaseSize,
      detail: "one claim, kept",
    },
  ];
  if (cls.storage.shared === undefined) {
    const homes = size * homesPerStudent(cls);
    requests.push({
      item: "homes",
      storage: formatBytes(homes * bytes(cls.storage.homeSize)),
      detail: `${homes} claims × ${cls.storage.homeSize}, once each student has started`,
    });
  }
  return {
    stack,
    kind: "ambient",
    usage,
    notes: [
      "An ambient cluster (your kubeconfig's: kind, minikube, a campus cluster): no cloud list prices apply. " +
        "These are the requests the class makes of it.",
    ],
    requests,
  };
}
