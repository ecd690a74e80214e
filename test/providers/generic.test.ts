import { createNotifier, NotifierError } from '@notiflux/providers';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import {
  sampleEvent,
  sampleEventJson,
  upstreamTestEvent,
  upstreamTestEventJson,
} from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

describe('generic', () => {
  it('POSTs the event as Go-canonical JSON with Gotk-Component', async () => {
    const server = await receiver();
    await notifier({ type: 'generic', address: `${server.url}/hook?cluster=prod` }).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hook?cluster=prod');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['gotk-component']).toBe('kustomize-controller');
    expect(request?.headers['x-signature']).toBeUndefined();
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleEventJson);
    expect(JSON.parse(request?.body ?? '')).toEqual(sampleEvent);
  });

  it('sends the upstream test event byte for byte, with custom headers from the spec and the Secret', async () => {
    const server = await receiver();
    await notifier({
      type: 'generic',
      address: server.url,
      headers: { Authorization: 'token', 'X-Signature': 'should be preserved' },
      secret: { headers: 'X-Cluster: prod-eu' },
    }).post(upstreamTestEvent);
    const [request] = server.requests;
    expect(request?.body).toBe(upstreamTestEventJson);
    expect(request?.headers).toMatchObject({
      authorization: 'token',
      'x-signature': 'should be preserved',
      'x-cluster': 'prod-eu',
      'gotk-component': 'source-controller',
    });
  });

  it('lets user headers override Content-Type and Gotk-Component', async () => {
    const server = await receiver();
    await notifier({
      type: 'generic',
      address: server.url,
      headers: { 'content-type': 'application/cloudevents+json', 'GOTK-COMPONENT': 'relay' },
    }).post(sampleEvent);
    expect(server.requests[0]?.headers['content-type']).toBe('application/cloudevents+json');
    expect(server.requests[0]?.headers['gotk-component']).toBe('relay');
  });

  it('turns userinfo in the address into Basic auth, unless a header sets Authorization', async () => {
    const server = await receiver();
    const withUserinfo = server.url.replace('://', '://flux:p%40ss@');
    await notifier({ type: 'generic', address: `${withUserinfo}/basic` }).post(sampleEvent);
    await notifier({ type: 'generic', address: withUserinfo, headers: { Authorization: 'Bearer own' } }).post(
      sampleEvent,
    );
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('flux:p@ss').toString('base64')}`,
    );
    expect(server.requests[0]?.path).toBe('/basic');
    expect(server.requests[1]?.headers.authorization).toBe('Bearer own');
  });

  it('sends an empty Gotk-Component when the event has no controller', async () => {
    const server = await receiver();
    await notifier({ type: 'generic', address: server.url }).post({
      ...sampleEvent,
      reportingController: '',
    });
    expect(server.requests[0]?.rawHeaders).toContain('Gotk-Component');
    expect(server.requests[0]?.headers['gotk-component']).toBe('');
  });

  it('forwards commit-status updates and every severity (post never filters)', async () => {
    const server = await receiver();
    const generic = notifier({ type: 'generic', address: server.url });
    await generic.post({ ...sampleEvent, severity: 'info', metadata: { commit_status: 'update' } });
    await generic.post({ ...sampleEvent, severity: 'trace', reason: 'Progressing' });
    expect(server.requests).toHaveLength(2);
  });

  it('encodes the request without sending, with header values and userinfo redacted', async () => {
    const generic = createNotifier({
      type: 'generic',
      address: 'https://flux:hunter2@hooks.example.com/flux',
      headers: { 'X-Api-Key': 'key-123' },
    });
    expect(await generic.encode(sampleEvent)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://hooks.example.com/flux',
        headers: {
          'Content-Type': 'application/json',
          'Gotk-Component': 'kustomize-controller',
          'X-Api-Key': '<redacted>',
          Authorization: '<redacted>',
        },
        body: sampleEventJson,
      },
    ]);
  });

  it('requires an absolute http(s) address, naming the field', () => {
    for (const address of [undefined, '', 'hooks.example.com', 'ftp://hooks.example.com', '/hook']) {
      const attempt = () =>
        createNotifier({ type: 'generic', ...(address === undefined ? {} : { address }) });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid generic provider spec: address: /);
    }
  });

  it('refuses a reportingController with CR, LF or NUL as INVALID_EVENT, in encode and post alike', async () => {
    const server = await receiver();
    const generic = notifier({ type: 'generic', address: server.url });
    for (const reportingController of [
      'kustomize\r\nX-Injected: 1',
      'kustomize\ncontroller',
      'kustomize\0',
    ]) {
      const event = { ...sampleEvent, reportingController };
      await expect(generic.encode(event)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        providerType: 'generic',
      });
      await expect(generic.post(event)).rejects.toMatchObject({
        code: 'INVALID_EVENT',
        message: expect.stringContaining('reportingController'),
      });
    }
    expect(server.requests).toHaveLength(0);
  });

  it('sends a reportingController above U+00FF as its UTF-8 bytes', async () => {
    const server = await receiver();
    await notifier({ type: 'generic', address: server.url }).post({
      ...sampleEvent,
      reportingController: 'контроллер',
    });
    const raw = server.requests[0]?.rawHeaders ?? [];
    const value = raw[raw.indexOf('Gotk-Component') + 1] ?? '';
    expect(Buffer.from(value, 'latin1').toString('utf8')).toBe('контроллер');
  });
});
