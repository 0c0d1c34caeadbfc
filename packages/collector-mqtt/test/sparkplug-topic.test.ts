import { describe, expect, it } from 'vitest';
import { parseSparkplugTopic, sparkplugHostTopics } from '../src/sparkplug/index.ts';

describe('parseSparkplugTopic', () => {
  it('reads node, device and STATE topics', () => {
    expect(
      [
        'spBv1.0/plant1/NBIRTH/gw-1',
        'spBv1.0/plant1/NDATA/gw-1',
        'spBv1.0/plant1/DDATA/gw-1/press 4',
        'spBv1.0/plant1/DDEATH/gw-1/press4',
        'spBv1.0/STATE/scada-1',
      ].map(parseSparkplugTopic),
    ).toEqual([
      { type: 'NBIRTH', group: 'plant1', edgeNode: 'gw-1' },
      { type: 'NDATA', group: 'plant1', edgeNode: 'gw-1' },
      { type: 'DDATA', group: 'plant1', edgeNode: 'gw-1', device: 'press 4' },
      { type: 'DDEATH', group: 'plant1', edgeNode: 'gw-1', device: 'press4' },
      { type: 'STATE', hostId: 'scada-1' },
    ]);
  });

  it('says what is wrong with a topic it cannot read', () => {
    expect(
      [
        'spAv1.0/plant1/NDATA/gw-1',
        'spBv1.0/plant1/NDATA',
        'spBv1.0/plant1/NDATA/gw-1/press4',
        'spBv1.0/plant1/DDATA/gw-1',
        'spBv1.0/plant1/XDATA/gw-1',
        'spBv1.0//NDATA/gw-1',
        'spBv1.0/+/NDATA/gw-1',
      ].map(parseSparkplugTopic),
    ).toEqual([
      { type: 'invalid', problem: 'topic "spAv1.0/plant1/NDATA/gw-1" does not start with "spBv1.0/"' },
      { type: 'invalid', problem: 'topic "spBv1.0/plant1/NDATA" has 3 levels; expected spBv1.0/<group>/<message type>/<edge node>[/<device>]' },
      { type: 'invalid', problem: 'topic "spBv1.0/plant1/NDATA/gw-1/press4": NDATA topics have 4 levels (spBv1.0/<group>/NDATA/<edge node>)' },
      { type: 'invalid', problem: 'topic "spBv1.0/plant1/DDATA/gw-1": DDATA topics have 5 levels (spBv1.0/<group>/DDATA/<edge node>/<device>)' },
      { type: 'invalid', problem: 'topic "spBv1.0/plant1/XDATA/gw-1": "XDATA" is not a Sparkplug message type' },
      { type: 'invalid', problem: 'topic "spBv1.0//NDATA/gw-1" has an empty level at position 2' },
      { type: 'invalid', problem: 'topic "spBv1.0/+/NDATA/gw-1" holds the MQTT wildcard level "+"' },
    ]);
  });
});

describe('sparkplugHostTopics', () => {
  it('subscribes to births, data and deaths of every group, and to its own STATE', () => {
    expect(sparkplugHostTopics('scada-1')).toEqual([
      'spBv1.0/+/NBIRTH/+',
      'spBv1.0/+/NDATA/+',
      'spBv1.0/+/NDEATH/+',
      'spBv1.0/+/DBIRTH/+/+',
      'spBv1.0/+/DDATA/+/+',
      'spBv1.0/+/DDEATH/+/+',
      'spBv1.0/STATE/scada-1',
    ]);
  });

  it('narrows to the given groups', () => {
    expect(sparkplugHostTopics('scada-1', ['line1'])).toEqual([
      'spBv1.0/line1/NBIRTH/+',
      'spBv1.0/line1/NDATA/+',
      'spBv1.0/line1/NDEATH/+',
      'spBv1.0/line1/DBIRTH/+/+',
      'spBv1.0/line1/DDATA/+/+',
      'spBv1.0/line1/DDEATH/+/+',
      'spBv1.0/STATE/scada-1',
    ]);
  });
});
