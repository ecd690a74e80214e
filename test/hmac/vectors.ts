/** Signature test vectors, copied literally (never recomputed by the code under test): docs/design/signatures.md. */

/** The shared sample event, Go-canonical JSON, 549 bytes. */
export const sampleBody =
  '{"involvedObject":{"kind":"Kustomization","namespace":"apps","name":"webapp","uid":"7d0cdc51-ddcf-4743-b223-83ca5c699632","apiVersion":"kustomize.toolkit.fluxcd.io/v1"},"severity":"error","timestamp":"2022-10-28T07:26:19Z","message":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","reason":"ValidationFailed","metadata":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","summary":"Cluster: prod-eu"},"reportingController":"kustomize-controller","reportingInstance":"kustomize-controller-7c7b47f5f-8bhrp"}';
export const sampleKey = 'my-hmac-token';

/** The sample body's HMAC under `sampleKey`, per algorithm. */
export const sampleMacs = {
  sha1: '958c116fb01068aa9a5952152d45865957cba7f1',
  sha224: '14c02df4525e0d357f058bab5e7ec1fb04545017ec57d8f3cef7b64d',
  sha256: '368a12935d6b21cce8bdda3949a20835bfcad390707b7656c58f0e318c10ea99',
  sha384: '3d5745bac1a1ab9b244b6c8102acc50b82514b3740304eff7160751ba350c2f87c9908f9cf2bfd64100b05fbe9b0c3f9',
  sha512:
    'f2c1bc993f216a43f356bcd39f9a726f71643ae36fc00891d6ba4ad3de0e087981e8b7aa93bef84e202b459a3c00a59965b6e3d0daa5202c21ddf29bcbaff0bb',
} as const;

/** Upstream's vector (`internal/notifier/forwarder_test.go`). */
export const upstreamBody =
  '{"involvedObject":{"kind":"GitRepository","namespace":"gitops-system","name":"webapp"},"severity":"info","timestamp":"2022-09-30T06:40:29Z","message":"message","reason":"reason","metadata":{"test":"metadata"},"reportingController":"source-controller","reportingInstance":"source-controller-xyz"}';
export const upstreamKey = '7152fed34dd6149a7c75a276c510da27cb6f82b0';
export const upstreamSignature = 'sha256=65b018549b1254e7226d1c08f9567ee45bc9de0fc4e7b1a40253f9a018b08be7';

/** GitHub's documentation vector. */
export const github = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
} as const;

/** Nexus-style (bare HMAC-SHA1 hex). */
export const nexus = {
  secret: 'nexus-secret',
  body: '{"test":"payload"}',
  signature: '21215e06f092c1c604bcfc2eaea3fdfe11c387b8',
} as const;

/** Foundries.io jobserv. */
export const jobServ = {
  secret: 'UseSomethingGoodHere',
  body: '{"build_id": 67, "status": "PASSED", "trigger_name": "containers-devel"}',
  signature: 'sha256:2d4a04c33b8778fb956e8a8e988d4df90525bd6833e559a5de4cd6a1dc67ebfc',
} as const;

/** The Standard Webhooks specification's test vector. */
export const standardWebhook = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;
