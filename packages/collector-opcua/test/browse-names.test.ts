import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger, freePort } from '@shopfloor/testkit';
import { DataType, MessageSecurityMode, nodesets, OPCUACertificateManager, OPCUAServer, SecurityPolicy, Variant, type UAObject } from 'node-opcua';
import { startOpcUaCollector, type OpcUaCollector } from '../src/index.ts';
import { eventually, recordingPipeline } from './recording-store.ts';

// Browse names that are not tag segments, on a server of our own (node-opcua): names with spaces
// and symbols are sanitised; too long names, two names that sanitise alike and nodes deeper than a
// tag path allows are reported, not bound; properties are not followed.
let server: OPCUAServer;
let certificateManager: OPCUACertificateManager;
let collector: OpcUaCollector | undefined;

beforeAll(async () => {
  certificateManager = new OPCUACertificateManager({
    rootFolder: join(tmpdir(), `shopfloor-opcua-test-pki-${userInfo().username}`),
    automaticallyAcceptUnknownCertificate: true,
  });
  server = new OPCUAServer({
    port: await freePort(),
    host: '127.0.0.1',
    hostname: '127.0.0.1',
    nodesets: [nodesets.standard],
    securityModes: [MessageSecurityMode.None],
    securityPolicies: [SecurityPolicy.None],
    allowAnonymous: true,
    serverCertificateManager: certificateManager,
    isAuditing: false,
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const namespace = addressSpace.getOwnNamespace();
  const variable = (parent: UAObject, browseName: string, dataType: DataType, value: unknown, how: 'organizedBy' | 'componentOf' = 'organizedBy') => {
    const node = namespace.addVariable({ [how]: parent, browseName, dataType: DataType[dataType] });
    node.setValueFromSource(new Variant({ dataType, value }));
    return node;
  };
  const line = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: 'Line 7', nodeId: 's=line7' });
  const oil = variable(line, 'Oil Temp/°C', DataType.Double, 71.5);
  namespace
    .addVariable({ propertyOf: oil, browseName: 'Note', dataType: 'String' })
    .setValueFromSource(new Variant({ dataType: DataType.String, value: 'a property' }));
  variable(line, 'x y', DataType.Boolean, true);
  variable(line, 'x_y', DataType.Boolean, false);
  variable(line, 'L'.repeat(70), DataType.Double, 1);
  variable(line, 'Counter', DataType.UInt32, 42);
  const press = namespace.addObject({ organizedBy: line, browseName: 'Press 1' });
  variable(press, 'Force', DataType.Double, 12.5, 'componentOf');
  let folder: UAObject = line;
  for (let depth = 1; depth <= 11; depth++) {
    folder = namespace.addFolder(folder, { browseName: `d${depth}` });
    if (depth === 10) variable(folder, 'w', DataType.String, 'ten deep');
    if (depth === 11) variable(folder, 'v', DataType.String, 'eleven deep');
  }
  await server.start();
}, 30_000);

afterAll(async () => {
  await collector?.close();
  await server.shutdown(0);
  await certificateManager.dispose();
});

describe('browse names as tag segments', () => {
  it('binds sanitised names and reports the nodes it cannot bind', async () => {
    const logger = createCapturingLogger();
    const { pipeline, store } = recordingPipeline(logger);
    collector = await startOpcUaCollector(
      {
        id: 'opc-ua',
        servers: [
          {
            id: 'line-7',
            endpointUrl: `opc.tcp://127.0.0.1:${server.endpoints[0]!.port}`,
            publishingIntervalMs: 50,
            items: [{ path: 'edge/counter', browsePath: '/Objects/1:Line 7/1:Counter' }],
            browse: [{ root: 'ns=1;s=line7', tagPrefix: 'line-7', samplingIntervalMs: 50 }],
          },
        ],
      },
      { pipeline, logger },
    );
    const deep = 'd1/d2/d3/d4/d5/d6/d7/d8/d9/d10';
    expect(collector.bindings().map((binding) => binding.tag)).toEqual([
      'edge/counter',
      'line-7/Oil_Temp__C',
      'line-7/x_y',
      'line-7/Counter',
      'line-7/Press_1/Force',
      `line-7/${deep}/w`,
    ]);
    expect(collector.problems()).toEqual([
      {
        server: 'line-7',
        kind: 'unmapped',
        origin: 'servers[0].browse[0]',
        detail: `"ns=1;s=line7/1:${deep.replaceAll('/', '/1:')}/1:d11/1:v" is not bound: it is more than 11 levels below the root (a tag path holds at most 12 segments)`,
      },
      {
        server: 'line-7',
        kind: 'unmapped',
        origin: 'servers[0].browse[0]',
        detail: '"ns=1;s=line7/1:x_y" is not bound: its tag "line-7/x_y" is already bound by servers[0].browse[0] ("ns=1;s=line7/1:x y")',
      },
      {
        server: 'line-7',
        kind: 'unmapped',
        origin: 'servers[0].browse[0]',
        detail: `"ns=1;s=line7/1:${'L'.repeat(70)}" is not bound: browse name "${'L'.repeat(70)}": the browse name is 70 characters long (a tag segment holds at most 64)`,
      },
    ]);
    expect(
      logger.entries.filter((entry) => entry.message === 'OPC UA browsed nodes that cannot become tags were skipped').map((entry) => entry.meta['count']),
    ).toEqual([3]);
    await eventually(() => collector!.bindings().every((binding) => store.last(binding.tag) !== undefined), 'a value of every bound tag');
    expect(
      Object.fromEntries(
        collector
          .bindings()
          .map((binding) => binding.tag)
          .map((tag) => [tag, store.last(tag)?.value]),
      ),
    ).toEqual({
      'edge/counter': 42,
      'line-7/Oil_Temp__C': 71.5,
      'line-7/x_y': true,
      'line-7/Counter': 42,
      'line-7/Press_1/Force': 12.5,
      [`line-7/${deep}/w`]: 'ten deep',
    });
    expect(collector.health().devices[0]).toMatchObject({ connected: true, errors: 0 });
  });
});
