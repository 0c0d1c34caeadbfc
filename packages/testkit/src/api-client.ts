/** A tiny authenticated JSON client for tests against a running node's API. */
export interface TestApi {
  get<T = Record<string, unknown>>(path: string, token?: string | null): Promise<{ status: number; body: T }>;
  /** Polls `path` until `accept(body)` holds, or fails after `timeoutMs`. */
  until<T = Record<string, unknown>>(path: string, accept: (body: T) => boolean, timeoutMs?: number): Promise<T>;
}

export function testApi(baseUrl: string, token: string): TestApi {
  const get = async <T>(path: string, override?: string | null) => {
    const headers: Record<string, string> = {};
    const used = override === undefined ? token : override;
    if (used !== null) headers['authorization'] = `Bearer ${used}`;
    const response = await fetch(`${baseUrl}${path}`, { headers });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text) as T };
  };
  return {
    get,
    async until<T>(path: string, accept: (body: T) => boolean, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        const { status, body } = await get<T>(path);
        last = body;
        if (status === 200 && accept(body)) return body;
        if (Date.now() > deadline)
          throw new Error(`GET ${path} did not reach the expected state within ${timeoutMs} ms; last body: ${JSON.stringify(last).slice(0, 500)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
