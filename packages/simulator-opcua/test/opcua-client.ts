import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { OPCUACertificateManager, OPCUAClient, type ClientSession } from 'node-opcua';

export interface TestClient {
  readonly session: ClientSession;
  close(): Promise<void>;
}

/**
 * node-opcua's client, anonymous over security None, with its certificate kept in the temp dir
 * (made once) rather than in the home directory, and no reconnection: a test sees a failure.
 */
export async function connectClient(endpointUrl: string): Promise<TestClient> {
  const clientCertificateManager = new OPCUACertificateManager({
    rootFolder: join(tmpdir(), `shopfloor-opcua-client-pki-${userInfo().username}`),
    automaticallyAcceptUnknownCertificate: true,
  });
  const client = OPCUAClient.create({
    applicationName: 'shopfloor-test',
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
    clientCertificateManager,
  });
  await client.connect(endpointUrl);
  const session = await client.createSession();
  return {
    session,
    async close() {
      await session.close().catch(() => undefined);
      await client.disconnect();
      await clientCertificateManager.dispose();
    },
  };
}
