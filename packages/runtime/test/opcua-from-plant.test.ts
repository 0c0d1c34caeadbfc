import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline, TagDirectory, createSilentLogger, pipelineDefaults, type PointStore } from '@shopfloor/engine';
import type { Point } from '@shopfloor/model';
import { startOpcUaCollector, type OpcUaCollector } from '@shopfloor/collector-opcua';
import { createPlant, defaultPlantDescription, multiSitePlant } from '@shopfloor/simulator';
import { startOpcUaServer, type OpcUaServer } from '@shopfloor/simulator-opcua';
import { opcUaBrowseForLine } from '../src/roles/opcua-from-plant.ts';

// The edge's OPC UA collector, given the browse entry for one line, binds every tag of that line
// of the simulator's OPC UA server under the plant's own paths.

const plant = createPlant(defaultPlantDescription());
let server: OpcUaServer | undefined;
let collector: OpcUaCollector | undefined;

afterAll(async () => {
  await collector?.close();
  await server?.close();
});

describe('opcUaBrowseForLine', () => {
  it('roots the browse at the first line by default, or at a line given by name or path', () => {
    expect(opcUaBrowseForLine(plant.machines(), { namespaceIndex: 1 })).toEqual({
      root: 'ns=1;s=acme/plant1/machining/line1',
      tagPrefix: 'acme/plant1/machining/line1',
    });
    expect(opcUaBrowseForLine(plant.machines(), { namespaceIndex: 1, line: 'line2', samplingIntervalMs: 500 })).toEqual({
      root: 'ns=1;s=acme/plant1/forming/line2',
      tagPrefix: 'acme/plant1/forming/line2',
      samplingIntervalMs: 500,
    });
    expect(opcUaBrowseForLine(plant.machines(), { namespaceIndex: 3, line: 'acme/plant1/forming/line2' }).root).toBe('ns=3;s=acme/plant1/forming/line2');
  });

  it('names the lines when the line is unknown, and asks for a path when a name is ambiguous', () => {
    expect(() => opcUaBrowseForLine(plant.machines(), { namespaceIndex: 1, line: 'line9' })).toThrow(
      'the plant has no line "line9" (lines: acme/plant1/machining/line1, acme/plant1/forming/line2)',
    );
    const twoSites = createPlant(multiSitePlant(2));
    expect(() => opcUaBrowseForLine(twoSites.machines(), { namespaceIndex: 1, line: 'line1' })).toThrow(
      /^the line name "line1" is ambiguous: give its path \(/,
    );
  });

  it('lets the collector bind and read every tag of the line from the simulator', async () => {
    server = await startOpcUaServer(plant, { port: 0, host: '127.0.0.1', publishingIntervalMs: 50 }, { logger: createSilentLogger() });
    const newest = new Map<string, Point>();
    const store: PointStore = {
      async write(batch) {
        for (const point of batch) newest.set(point.tag, point);
        return { stored: batch.length, rejected: [] };
      },
      latest: async () => new Map(),
      range: async () => [],
      downsample: async () => [],
      aggregate: async () => [],
      tags: async () => [...newest.keys()],
      close: async () => undefined,
    };
    const logger = createSilentLogger();
    const pipeline = new Pipeline(pipelineDefaults, { store, directory: new TagDirectory(), logger });
    const browse = opcUaBrowseForLine(plant.machines(), { namespaceIndex: server.namespaceIndex, line: 'line2', samplingIntervalMs: 50 });
    collector = await startOpcUaCollector(
      { id: 'opc-ua', servers: [{ id: 'simulator', endpointUrl: server.endpointUrl, publishingIntervalMs: 50, browse: [browse] }] },
      { pipeline, logger },
    );
    const lineTags = plant.tags.filter((tag) => tag.path.startsWith('acme/plant1/forming/line2/')).map((tag) => tag.path);
    expect(
      collector
        .bindings()
        .map((binding) => binding.tag)
        .sort(),
    ).toEqual(lineTags.sort());
    const deadline = Date.now() + 10_000;
    while (!lineTags.every((tag) => newest.has(tag)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lineTags.filter((tag) => newest.get(tag)?.value !== plant.value(tag))).toEqual([]);
  });
});
