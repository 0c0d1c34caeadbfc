import { afterAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '@shopfloor/engine';
import { createPlant, defaultPlantDescription } from '@shopfloor/simulator';
import modbusSerial from 'modbus-serial';
import { startModbusServers, type ModbusServers } from '../src/index.ts';
import { createFakePlant } from './fake-plant.ts';

// modbus-serial's own client: concurrent reads over several connections, coils and integer
// setpoints (on a plant that has them), restart on the same ports, and nothing left running.
// modbus-serial is CommonJS: its class is `module.exports`, also exported as `.default`.
const ModbusClient = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusClient>;
const started: ModbusServers[] = [];
const clients: ModbusClient[] = [];

async function connect(port: number, unit = 1): Promise<ModbusClient> {
  const client = new ModbusClient();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(unit);
  client.setTimeout(3_000);
  clients.push(client);
  return client;
}

async function closeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => new Promise<void>((resolve) => client.close(() => resolve()))));
}

function codeOf(error: unknown): unknown {
  return (error as { modbusCode?: unknown }).modbusCode;
}

afterAll(async () => {
  await closeClients();
  for (const servers of started.splice(0)) await servers.close();
  // Every socket of the suite is gone (STYLE.md §11).
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap' || kind === 'TCPServerWrap')).toEqual([]);
});

describe('Modbus TCP servers read by modbus-serial', () => {
  it('answers concurrent 100-register reads on several connections, bad ones with 02, all consistent', async () => {
    const plant = createPlant(defaultPlantDescription());
    const servers = await startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: 1 }, { logger: createSilentLogger() });
    started.push(servers);
    const port = servers.servers[0]?.port ?? 0;
    const reference = await (await connect(port)).readInputRegisters(0, 100);
    const connections = await Promise.all([1, 2, 3, 4].map(() => connect(port)));
    const outcomes = await Promise.all(
      connections.flatMap((client, connection) =>
        Array.from({ length: 25 }, (_, index) =>
          (index + connection) % 5 === 0
            ? client.readInputRegisters(9_990, 4).then(
                () => 'answered',
                (error: unknown) => codeOf(error),
              )
            : client.readInputRegisters(0, 100).then((result) => result.data),
        ),
      ),
    );
    const good = outcomes.filter((outcome) => Array.isArray(outcome));
    expect(good.length).toBe(80);
    for (const data of good) expect(data).toEqual(reference.data);
    expect(outcomes.filter((outcome) => outcome === 2).length).toBe(20);
  });

  it('reads and writes coils and integer setpoints, refusing the read-only ones', async () => {
    const plant = createFakePlant([
      { name: 'start-command', dataType: 'bool', writable: true, value: false },
      { name: 'ready', dataType: 'bool', writable: false, value: true },
      { name: 'batch-size', dataType: 'int', writable: true, min: 1, max: 500, value: 10 },
      { name: 'recipe-id', dataType: 'int', writable: true, min: 0, value: 7 },
    ]);
    const servers = await startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: 3, perLine: false }, { logger: createSilentLogger() });
    started.push(servers);
    expect(servers.servers.map((server) => server.plc)).toEqual(['acme/site/area/line/cell']);
    const layout = servers.registerMap.entries
      .filter((entry) => entry.role !== 'copy')
      .map((entry) => [entry.table, entry.address, entry.dataType, entry.tag.split('/').at(-1)]);
    expect(layout).toEqual([
      ['coil', 0, 'bool', 'start-command'],
      ['discrete-input', 0, 'bool', 'ready'],
      ['holding-register', 0, 'int16', 'batch-size'],
      ['holding-register', 1, 'int32', 'recipe-id'],
    ]);
    const client = await connect(servers.servers[0]?.port ?? 0, 3);
    await client.writeCoil(0, true);
    expect((await client.readCoils(0, 1)).data[0]).toBe(true);
    expect((await client.readCoils(20_000, 1)).data[0]).toBe(true); // copy of discrete input 0
    await client.writeRegisters(0, [250, 0x0001, 0x0002]);
    expect(plant.writes.slice(1)).toEqual([
      { path: 'acme/site/area/line/cell/station/batch-size', value: 250 },
      { path: 'acme/site/area/line/cell/station/recipe-id', value: 65_538 },
    ]);
    const refused = await Promise.all([
      client.writeRegister(0, 501).catch(codeOf), // batch-size above 500
      client.writeRegister(0, 0xffff).catch(codeOf), // -1, below 1
      client.writeCoil(20_000, false).catch(codeOf), // read-only copy
      client.writeCoil(1, true).catch(codeOf), // no coil there
      client.readCoils(0, 2).catch(codeOf), // coil 1 is not mapped
    ]);
    expect(refused).toEqual([3, 3, 2, 2, 2]);
    expect(plant.writes).toHaveLength(3);
  });

  it('refuses options that cannot work, naming the option', async () => {
    const plant = createPlant(defaultPlantDescription());
    const logger = createSilentLogger();
    await expect(startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: 0 }, { logger })).rejects.toThrow(
      'Modbus server option unitId: expected an integer from 1 to 255, found 0',
    );
    await expect(startModbusServers(plant, { host: '127.0.0.1', basePort: 65_535, unitId: 1 }, { logger })).rejects.toThrow(
      '2 PLCs from port 65535 would need ports up to 65536',
    );
  });

  it('starts again on the same ports after close', async () => {
    const plant = createPlant(defaultPlantDescription());
    const first = await startModbusServers(plant, { host: '127.0.0.1', basePort: 0, unitId: 1 }, { logger: createSilentLogger() });
    const client = await connect(first.servers[0]?.port ?? 0);
    await client.readInputRegisters(0, 2);
    await first.close();
    const basePort = first.servers[0]?.port ?? 0;
    let again: ModbusServers;
    try {
      again = await startModbusServers(plant, { host: '127.0.0.1', basePort, unitId: 1 }, { logger: createSilentLogger() });
    } catch (error) {
      // basePort + 1 was free a moment ago, not now: nothing this test is about.
      if (!String(error).includes('EADDRINUSE')) throw error;
      return;
    }
    started.push(again);
    expect(again.servers[0]?.port).toBe(basePort);
    expect(again.servers[1]?.port).toBe(basePort + 1);
    await closeClients();
    expect((await (await connect(basePort)).readInputRegisters(0, 2)).data).toHaveLength(2);
  });
});
