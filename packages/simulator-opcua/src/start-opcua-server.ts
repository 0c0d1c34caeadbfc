import { createServer, type AddressInfo } from 'node:net';
import { hostname as machineHostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@shopfloor/model';
import type { Closeable, Logger } from '@shopfloor/engine';
import { MessageSecurityMode, nodesets, OPCUACertificateManager, OPCUAServer, SecurityPolicy } from 'node-opcua';
import { addPlant, type ServedPlant } from './plant-address-space.ts';

export interface OpcUaServerOptions {
  /** 0: a free port, found before the server starts (node-opcua needs a number). */
  readonly port: number;
  /** Interface to listen on (default: all) and the host of the endpoint URL (default: this machine's name). */
  readonly host?: string;
  /** MinimumSamplingInterval of every tag, ≥ 1: subscriptions see new plant values at most this often (default 500 ms). */
  readonly publishingIntervalMs?: number;
  /** Where the server keeps its certificate and key (default: a per-user folder in the temp dir, reused by later starts). */
  readonly pkiFolder?: string;
}

export interface OpcUaServerDeps {
  readonly logger: Logger;
}

export interface OpcUaServer extends Closeable {
  /** `opc.tcp://<host>:<port>`, security None, anonymous. */
  readonly endpointUrl: string;
  readonly port: number;
  /** Namespace index of the plant's nodes (`ns=<index>;s=<path>`); 1. */
  readonly namespaceIndex: number;
}

export const opcUaServerDefaults = { publishingIntervalMs: 500 } as const;
/** The URI of the plant's namespace and of the server application. */
export const simulatorNamespaceUri = 'urn:shopfloor:simulator';
const freePortAttempts = 5;

/**
 * Starts a node-opcua server whose address space is the plant (docs/opcua.md): security mode
 * None, anonymous, only the standard nodeset loaded, and a certificate made once and kept in
 * `pkiFolder`, so a start takes about a second rather than several.
 */
export async function startOpcUaServer(plant: ServedPlant, options: OpcUaServerOptions, deps: OpcUaServerDeps): Promise<OpcUaServer> {
  const samplingIntervalMs = options.publishingIntervalMs ?? opcUaServerDefaults.publishingIntervalMs;
  // 0 would make every tag exception-based, and a getter never announces a change.
  if (!Number.isFinite(samplingIntervalMs) || samplingIntervalMs < 1) {
    throw new InputError('SF_CONFIG_INVALID', `OPC UA server option publishingIntervalMs: expected a number of milliseconds ≥ 1, found ${samplingIntervalMs}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new InputError('SF_CONFIG_INVALID', `OPC UA server option port: expected an integer from 0 to 65535, found ${options.port}`);
  }
  const logger = deps.logger.child({ part: 'opcua' });
  const startedAt = performance.now();
  for (let attempt = 1; ; attempt++) {
    const port = options.port === 0 ? await freePort(options.host) : options.port;
    const certificateManager = new OPCUACertificateManager({
      rootFolder: options.pkiFolder ?? defaultPkiFolder(),
      automaticallyAcceptUnknownCertificate: true,
    });
    const server = new OPCUAServer({
      port,
      ...(options.host !== undefined ? { host: options.host } : {}),
      hostname: endpointHost(options.host),
      nodesets: [nodesets.standard],
      securityModes: [MessageSecurityMode.None],
      securityPolicies: [SecurityPolicy.None],
      allowAnonymous: true,
      serverCertificateManager: certificateManager,
      serverInfo: { applicationUri: simulatorNamespaceUri, productUri: simulatorNamespaceUri, applicationName: { text: 'Shopfloor simulator' } },
      buildInfo: { productName: 'Shopfloor simulator', manufacturerName: 'Shopfloor', softwareVersion: '0.1.0' },
      isAuditing: false,
      maxConnectionsPerEndpoint: 100,
      serverCapabilities: { maxSessions: 100 },
    });
    const stop = async (): Promise<void> => {
      await server.shutdown(0);
      await certificateManager.dispose();
    };
    try {
      await server.initialize();
      const initializedAt = performance.now();
      const addressSpace = server.engine.addressSpace;
      if (addressSpace === null) throw new Error('node-opcua gave no address space after initialize()');
      const namespace = addressSpace.getOwnNamespace();
      const variables = addPlant(addressSpace, namespace, plant, {
        samplingIntervalMs,
        onWriteRefused: (tag, value, status, reason) =>
          logger.debug('OPC UA write refused', { tag: tag.path, value: String(value), status: status.name, reason }),
      });
      const builtAt = performance.now();
      await server.start();
      const endpointUrl = server.getEndpointUrl();
      const timings = {
        initializeMs: Math.round(initializedAt - startedAt),
        addressSpaceMs: Math.round(builtAt - initializedAt),
        startupMs: Math.round(performance.now() - startedAt),
      };
      logger.info('OPC UA server listening', { endpointUrl, variables, ...timings });
      let closing: Promise<void> | undefined;
      return { endpointUrl, port, namespaceIndex: namespace.index, close: () => (closing ??= stop()) };
    } catch (error) {
      await stop().catch(() => undefined);
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || String(error).includes('EADDRINUSE');
      if (options.port === 0 && inUse && attempt < freePortAttempts) continue;
      throw new InputError('SF_CONFIG_INVALID', `OPC UA server cannot start on ${options.host ?? 'all interfaces'}:${port}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** Kept between runs so the certificate is made once; per user, as the key inside is private. */
function defaultPkiFolder(): string {
  return join(tmpdir(), `shopfloor-opcua-pki-${userInfo().username}`);
}

/** An explicit host names the endpoint; listening on all interfaces, the machine's name does. */
function endpointHost(host: string | undefined): string {
  return host === undefined || host === '0.0.0.0' || host === '::' ? machineHostname() : host;
}

function freePort(host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host ?? '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
