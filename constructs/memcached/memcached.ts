/**
 * The memcached pools Tempo queries through, by typed reference: either a pool this app deploys
 * in Tempo's namespace (`Memcached.deploy`, see `memcached-pool.ts`) or one that already exists
 * (`Memcached.existing`). An environment never holds a hostname string for a cache; Tempo's
 * `cache.caches[].memcached`, its NetworkPolicies and the capacity plan read the address, port
 * and size from one of these.
 *
 * How Tempo finds the servers (grafana/tempo v3.0.3 and v2.10.8, `pkg/cache/memcached_client.go`):
 * `net.LookupSRV(service, "tcp", host)` every `update_interval`, then jump-hash over the servers
 * (`consistent_hash`). A headless Service publishes one SRV record per ready pod under its port's
 * name (`_<port>._tcp.<service>.<namespace>.svc.cluster.local`).
 */
import { ConfigError, show } from '../../lib/errors';
import {
  checkDnsLabel,
  checkDnsName,
  checkLabels,
  checkPort,
  checkPortName,
  checkPositiveInteger,
} from '../../lib/validate';
import { resolveResources, ResolvedResources } from '../../lib/resources';
import { serviceHost } from '../../lib/k8s';
import { ComponentIdentity, selectorLabels } from '../../lib/labels';
import { IMAGES } from '../../lib/versions';

/** Port name of the memcached container and headless Service: the SRV service Tempo looks up. */
export const MEMCACHED_PORT = { name: 'client', port: 11211, protocol: 'TCP' } as const;
/**
 * A deployed pool's floor (the capacity plan never plans less), and its size when no plan sizes
 * it: 3 pods (Tempo's jsonnet runs 3) of 1024 MiB item memory each.
 */
export const MEMCACHED_POOL_MINIMUM = { replicas: 3, memoryMiB: 1024 } as const;

/** The memcached exporter's `--web.listen-address` (prom/memcached-exporter v0.16.0 default :9150). */
export const MEMCACHED_EXPORTER_PORT = { name: 'metrics', port: 9150, protocol: 'TCP' } as const;

export interface DeployedMemcachedProps {
  /** StatefulSet, headless Service and PDB name. @default '<tempo name>-memcached' (the first pool), '<tempo name>-memcached-<i>' (the others) */
  readonly name?: string;
  /** Pods of the pool (keys are spread over them by jump hash). @default - from the plan (at least 3), else 3 */
  readonly replicas?: number;
  /** Item memory of each pod, memcached's `-m`, in MiB. @default - from the plan (at least 1024), else 1024 */
  readonly memoryMiB?: number;
  /** Largest item, memcached's `-I` and Tempo's `max_item_size`, in MiB (1–1024). @default 5 (Tempo's jsonnet `memcached_all`) */
  readonly maxItemSizeMiB?: number;
  /** Simultaneous connections per pod, memcached's `-c`. @default 4096 (Tempo's jsonnet) */
  readonly connectionLimit?: number;
  /**
   * CPU of the memcached container (memory follows `memoryMiB`).
   * @default - requests 500m, limits 1
   */
  readonly cpu?: { readonly request?: string; readonly limit?: string };
}

/** Where the servers of an existing pool run, for the NetworkPolicy that lets Tempo reach them. */
export interface MemcachedServerPeer {
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

export interface ExistingMemcachedProps {
  /**
   * The DNS name whose SRV records list the servers: a headless Service
   * (`memcached.cache.svc.cluster.local`). Tempo's `memcached.host`.
   */
  readonly host: string;
  /** The SRV service name: the Service's port name (`_<service>._tcp.<host>`). Tempo's `memcached.service`. */
  readonly service: string;
  /** The servers' port (for the NetworkPolicy). */
  readonly port: number;
  /** Where the servers run. */
  readonly servers: MemcachedServerPeer;
  /**
   * Item memory of the whole pool, in MiB, so the synth can check it against the plan.
   * @default - unknown: not checked
   */
  readonly memoryMiB?: number;
  /** The servers' largest item (`-I`), in MiB: Tempo's `max_item_size`. @default 1 (memcached's default) */
  readonly maxItemSizeMiB?: number;
}

/** What Tempo needs from a pool, after validation. */
export interface MemcachedWiring {
  /** Tempo's `memcached.host` and `memcached.service`. */
  readonly host: string;
  readonly service: string;
  readonly port: number;
  readonly maxItemSizeBytes: number;
  /** Where the servers are (a pool this app deploys: its own pods). */
  readonly peer: MemcachedServerPeer;
  /** Item memory of the pool, in MiB (undefined: unknown). */
  readonly memoryMiB?: number;
  /** Set when this app deploys the pool. */
  readonly deployed?: DeployedMemcachedSettings;
}

/** A pool this app deploys, resolved. */
export interface DeployedMemcachedSettings {
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  readonly memoryMiB: number;
  readonly maxItemSizeMiB: number;
  readonly connectionLimit: number;
  readonly resources: ResolvedResources;
  /** The pods' `app.kubernetes.io/*` identity (`selectorLabels()` selects them). */
  readonly identity: ComponentIdentity;
}

/** The plan's view of a pool, for sizing and the "below the plan" check. */
export interface MemcachedContext {
  /** The Tempo installation and namespace (a deployed pool lives beside it). */
  readonly installation: string;
  readonly namespace: string;
  readonly defaultName: string;
  /** What the plan needs across the pool, and how it would split it (a capacity target only). */
  readonly planned?: {
    readonly requiredMiB: number;
    readonly replicas: number;
    readonly memoryMiBPerReplica: number;
  };
}

function checkItemSize(value: number, property: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 1024)
    throw new ConfigError(
      property,
      `${show(value)} is not valid; memcached's -I takes an integer from 1 to 1024 MiB (e.g. 5)`,
    );
  return value;
}

function belowPlan(
  property: string,
  given: string,
  totalMiB: number,
  planned: NonNullable<MemcachedContext['planned']>,
  fix: string,
): ConfigError {
  return new ConfigError(
    property,
    `${given} = ${totalMiB.toLocaleString('en-US')} MiB is below the ${planned.requiredMiB.toLocaleString('en-US')} MiB the capacity plan needs for the cache roles (SUMMARY.md, read path); ${fix}`,
  );
}

/** A memcached pool of Tempo's caches. */
export abstract class Memcached {
  /** A pool deployed by this app in Tempo's namespace: StatefulSet, headless Service, PDB, exporter sidecar. */
  public static deploy(props: DeployedMemcachedProps = {}): DeployedMemcached {
    return new DeployedMemcached(props);
  }

  /** A pool that already exists (another team's memcached, a managed ElastiCache behind a Service …). */
  public static existing(props: ExistingMemcachedProps): ExistingMemcached {
    return new ExistingMemcached(props);
  }

  /** Validated wiring, sized against the plan. */
  public abstract wiring(property: string, ctx: MemcachedContext): MemcachedWiring;
}

export class DeployedMemcached extends Memcached {
  constructor(private readonly props: DeployedMemcachedProps) {
    super();
  }

  public wiring(property: string, ctx: MemcachedContext): MemcachedWiring {
    const p = this.props;
    const name = checkDnsLabel(p.name ?? ctx.defaultName, `${property}.name`, 52);
    const replicas = checkPositiveInteger(
      p.replicas ?? ctx.planned?.replicas ?? MEMCACHED_POOL_MINIMUM.replicas,
      `${property}.replicas`,
    );
    const memoryMiB = checkPositiveInteger(
      p.memoryMiB ?? ctx.planned?.memoryMiBPerReplica ?? MEMCACHED_POOL_MINIMUM.memoryMiB,
      `${property}.memoryMiB`,
      64,
    );
    if (ctx.planned && replicas * memoryMiB < ctx.planned.requiredMiB) {
      const fix = `raise memoryMiB to ${Math.ceil(ctx.planned.requiredMiB / replicas).toLocaleString('en-US')} or replicas to ${Math.ceil(ctx.planned.requiredMiB / memoryMiB)}, or leave both unset to take the plan's`;
      throw belowPlan(
        p.memoryMiB !== undefined ? `${property}.memoryMiB` : `${property}.replicas`,
        `${replicas} × ${memoryMiB.toLocaleString('en-US')} MiB`,
        replicas * memoryMiB,
        ctx.planned,
        fix,
      );
    }
    const maxItemSizeMiB = checkItemSize(p.maxItemSizeMiB ?? 5, `${property}.maxItemSizeMiB`);
    if (maxItemSizeMiB * 2 > memoryMiB)
      throw new ConfigError(
        `${property}.maxItemSizeMiB`,
        `${maxItemSizeMiB} MiB items do not fit twice into ${memoryMiB} MiB of item memory; lower maxItemSizeMiB or raise memoryMiB`,
      );
    const connectionLimit = checkPositiveInteger(
      p.connectionLimit ?? 4096,
      `${property}.connectionLimit`,
      16,
    );
    // The container holds the items (-m), their slab headers and each connection's buffers.
    const containerMiB = Math.ceil(memoryMiB * 1.1 + 128);
    const resources = resolveResources(
      {
        requests: p.cpu?.request === undefined ? {} : { cpu: p.cpu.request },
        limits: p.cpu?.limit === undefined ? {} : { cpu: p.cpu.limit },
      },
      {
        requests: { cpu: '500m', memory: `${containerMiB}Mi` },
        limits: { cpu: '1', memory: `${containerMiB}Mi` },
      },
      `${property}.cpu`,
    );
    const identity = { name: 'memcached', instance: name, component: 'cache', version: IMAGES.memcached.tag };
    const deployed: DeployedMemcachedSettings = {
      name,
      namespace: ctx.namespace,
      replicas,
      memoryMiB,
      maxItemSizeMiB,
      connectionLimit,
      resources,
      identity,
    };
    return {
      host: serviceHost(name, ctx.namespace),
      service: MEMCACHED_PORT.name,
      port: MEMCACHED_PORT.port,
      maxItemSizeBytes: maxItemSizeMiB * 2 ** 20,
      peer: { namespace: ctx.namespace, podLabels: selectorLabels(identity) },
      memoryMiB: replicas * memoryMiB,
      deployed,
    };
  }
}

export class ExistingMemcached extends Memcached {
  constructor(private readonly props: ExistingMemcachedProps) {
    super();
  }

  public wiring(property: string, ctx: MemcachedContext): MemcachedWiring {
    const p = this.props;
    checkDnsName(
      p.host,
      `${property}.host`,
      "give the host whose SRV records list the servers (a headless Service, e.g. 'memcached.cache.svc.cluster.local'), the port separately",
    );
    // The SRV service is the Service's port name (an IANA service name).
    checkPortName(p.service, `${property}.service`);
    const port = checkPort(p.port, `${property}.port`);
    const peer = p.servers;
    if (!peer || typeof peer !== 'object' || !peer.podLabels || !Object.keys(peer.podLabels).length)
      throw new ConfigError(
        `${property}.servers`,
        "is missing; give the servers' { namespace, podLabels } so the NetworkPolicy lets Tempo reach them",
      );
    checkDnsLabel(peer.namespace, `${property}.servers.namespace`);
    checkLabels(peer.podLabels, `${property}.servers.podLabels`);
    const memoryMiB =
      p.memoryMiB === undefined ? undefined : checkPositiveInteger(p.memoryMiB, `${property}.memoryMiB`);
    if (memoryMiB !== undefined && ctx.planned && memoryMiB < ctx.planned.requiredMiB)
      throw belowPlan(
        `${property}.memoryMiB`,
        `${memoryMiB.toLocaleString('en-US')} MiB`,
        memoryMiB,
        ctx.planned,
        'grow the pool, or deploy one with Memcached.deploy()',
      );
    const maxItemSizeMiB = checkItemSize(p.maxItemSizeMiB ?? 1, `${property}.maxItemSizeMiB`);
    return {
      host: p.host,
      service: p.service,
      port,
      maxItemSizeBytes: maxItemSizeMiB * 2 ** 20,
      peer,
      memoryMiB,
    };
  }
}
