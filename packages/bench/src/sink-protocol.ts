/** Parent → raw sink child: the do-nothing consumers that give the raw reference rates. */
export type SinkCommand =
  /** aedes: a broker in this process with an in-process `subscribe('#')` handler; mqtt: an mqtt.js subscriber to `url` (QoS 1 unless told). */
  | { readonly type: 'start'; readonly mode: 'aedes' }
  | { readonly type: 'start'; readonly mode: 'mqtt'; readonly url: string; readonly filter: string; readonly qos?: 0 | 1 }
  | { readonly type: 'count' }
  | { readonly type: 'close' };

export type SinkReply =
  | { readonly type: 'started'; readonly port: number }
  /** Messages consumed since start (topics starting with '$' not counted). */
  | { readonly type: 'count'; readonly messages: number }
  | { readonly type: 'error'; readonly message: string };
