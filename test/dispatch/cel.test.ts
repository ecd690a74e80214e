import { CommitStatusExprError, compileCommitStatusExpr, createFluxCelEnvironment } from '@notiflux/dispatch';
import { describe, expect, it } from 'vitest';

// The objects of notification-controller's own test (provider_commit_status_test.go).
const variables = {
  event: {
    involvedObject: { kind: 'Kustomization', name: 'gitops-system', namespace: 'flux-system' },
    severity: 'info',
    message: 'Reconciliation finished',
    reason: 'ReconciliationSucceeded',
    metadata: { environment: 'production', foo: 'Bar' },
  },
  alert: { metadata: { name: 'test-alert', namespace: 'flux-system' }, spec: { eventSeverity: 'info' } },
  provider: {
    metadata: { name: 'github-status', uid: '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a' },
    spec: { type: 'github' },
  },
};

describe('compileCommitStatusExpr: the expressions of Flux docs and tests', () => {
  it.each([
    [
      // docs/spec/v1beta3/providers.md, "Custom Commit Status Messages"
      "(event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.foo + '/' + provider.metadata.uid.split('-').first().value()).lowerAscii()",
      'kustomization/gitops-system/bar/0c9c2e41',
    ],
    [
      "(event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.?missing.orValue('default') + '/' + provider.metadata.uid.split('-').first().value()).lowerAscii()",
      'kustomization/gitops-system/default/0c9c2e41',
    ],
    [
      "event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.environment + '/' + provider.metadata.uid",
      'Kustomization/gitops-system/production/0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a',
    ],
    [
      "event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.environment + '/' + provider.metadata.uid.split('-').first().value()",
      'Kustomization/gitops-system/production/0c9c2e41',
    ],
    [
      "event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.environment + '/' + provider.metadata.uid + '/' + alert.metadata.name",
      'Kustomization/gitops-system/production/0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a/test-alert',
    ],
    [
      "(event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.environment + '/' + provider.metadata.uid + '/' + alert.metadata.name).lowerAscii()",
      'kustomization/gitops-system/production/0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a/test-alert',
    ],
    [
      "'%s/%s'.format([event.involvedObject.kind, provider.metadata.uid.split('-').last().value()])",
      'Kustomization/bebc1984d67a',
    ],
    ['event.metadata.environment', 'production'],
  ])('%s', (expression, expected) => {
    expect(compileCommitStatusExpr(expression).evaluate(variables)).toBe(expected);
  });

  it.each([
    // upstream: an unknown variable does not compile
    "event.involvedObject.kind + '/' + event.involvedObject.name + '/' + notification.metadata.name",
    "kustomization.metadata.name + '/' + provider.metadata.uid",
    // a boolean is not a commit status
    "event.involvedObject.kind == 'Kustomization'",
    'size(event.metadata)',
    // syntax
    "event.involvedObject.kind + '/",
    '(event.metadata.foo',
    "'x'.noSuchFunction()",
  ])('refuses %s when it is compiled', (expression) => {
    let error: unknown;
    try {
      compileCommitStatusExpr(expression);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CommitStatusExprError);
    expect((error as CommitStatusExprError).phase).toBe('parse');
    expect((error as Error).message).toContain(`failed to parse the CEL expression '${expression}'`);
  });

  it('fails at evaluation on a missing key, as upstream (no such key)', () => {
    const compiled = compileCommitStatusExpr("event.involvedObject.kind + '/' + event.metadata.notfound");
    let error: unknown;
    try {
      compiled.evaluate(variables);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CommitStatusExprError);
    expect((error as CommitStatusExprError).phase).toBe('evaluate');
    expect((error as Error).message).toMatch(
      /^failed to evaluate the CEL expression '.*': No such key: notfound$/,
    );
  });

  it('fails at evaluation when a dynamic result is not a string', () => {
    const compiled = compileCommitStatusExpr('event.metadata.count');
    expect(() =>
      compiled.evaluate({ ...variables, event: { ...variables.event, metadata: { count: 3 } } }),
    ).toThrowError(/failed to evaluate CEL expression as string/);
  });

  it('fails at evaluation when first() of an empty list has no value', () => {
    const compiled = compileCommitStatusExpr(
      "provider.metadata.uid.split('-').filter(s, s == 'x').first().value()",
    );
    expect(() => compiled.evaluate(variables)).toThrowError(
      /failed to evaluate the CEL expression .*Optional value is not present/,
    );
  });
});

const env = createFluxCelEnvironment([]);
const run = (expression: string): unknown => env.evaluate(expression, {});

describe("the functions registered for Flux's environment, against cel-go's documented outputs", () => {
  it.each([
    // ext.Strings (cel-go ext/README.md)
    ["'hello'.charAt(4)", 'o'],
    ["'hello'.charAt(5)", ''],
    ["'a😀b'.charAt(1)", '😀'],
    ["'hello hello'.replace('he', 'we')", 'wello wello'],
    ["'hello hello'.replace('he', 'we', -1)", 'wello wello'],
    ["'hello hello'.replace('he', 'we', 1)", 'wello hello'],
    ["'hello hello'.replace('he', 'we', 0)", 'hello hello'],
    ["'abc'.replace('', '-')", '-a-b-c-'],
    ["'abc'.replace('', '-', 2)", '-a-bc'],
    ["'gums'.reverse()", 'smug'],
    ["'John Smith'.reverse()", 'htimS nhoJ'],
    ["'a😀b'.reverse()", 'b😀a'],
    [`strings.quote('single-quote with "double quote"')`, '"single-quote with \\"double quote\\""'],
    ['strings.quote("two escape sequences \\a\\n")', '"two escape sequences \\a\\n"'],
    ["strings.quote('tab\\there\\\\')", '"tab\\there\\\\"'],
    // format (cel-go ext/formatting_v2_test.go)
    ["'no substitution'.format([])", 'no substitution'],
    ["'str is %s and some more'.format(['filler'])", 'str is filler and some more'],
    ["'%% and also %%'.format([])", '% and also %'],
    ["'%%%s%%'.format(['text'])", '%text%'],
    ["'%d %d %d, %s %s %s'.format([1, 2, 3, 'A', 'B', 'C'])", '1 2 3, A B C'],
    ["'%.3f'.format([1.2345])", '1.234'],
    ["'this is 5 in binary: %b'.format([5])", 'this is 5 in binary: 101'],
    ["'this is -5 in binary: %b'.format([-5])", 'this is -5 in binary: -101'],
    ["'unsigned 64 in binary: %b'.format([64u])", 'unsigned 64 in binary: 1000000'],
    ["'bit set from bool: %b'.format([true])", 'bit set from bool: 1'],
    ["'%o'.format([11])", '13'],
    ["'%o'.format([-11])", '-13'],
    ["'this is an unsigned octal: %o'.format([65535u])", 'this is an unsigned octal: 177777'],
    ["'%x is 30 in hexadecimal'.format([30])", '1e is 30 in hexadecimal'],
    ["'%X is 20 in hexadecimal'.format([30])", '1E is 20 in hexadecimal'],
    ["'%x is -30 in hexadecimal'.format([-30])", '-1e is -30 in hexadecimal'],
    ["'%X is 6000 in hexadecimal'.format([6000u])", '1770 is 6000 in hexadecimal'],
    ["'%x'.format(['Hello world!'])", '48656c6c6f20776f726c6421'],
    ["'%X'.format(['Hello world!'])", '48656C6C6F20776F726C6421'],
    ["'%x'.format([b'byte string'])", '6279746520737472696e67'],
    ["'%.6e'.format([1052.032911275])", '1.052033e+03'],
    ["'%f'.format([2.71828])", '2.718280'],
    ["'%e'.format([2.71828])", '2.718280e+00'],
    ["'%s'.format([2.71])", '2.71'],
    ["'%s'.format([[2.71]])", '[2.71]'],
    ["'%s'.format([0.000000002])", '0.000000002'],
    ["'%f'.format([double('NaN')])", 'NaN'],
    ["'%f'.format([double('Infinity')])", 'Infinity'],
    ["'%f'.format([double('-Infinity')])", '-Infinity'],
    ["'%d'.format([64u])", '64'],
    ["'null: %s'.format([null])", 'null: null'],
    ["'%s'.format([999999999999])", '999999999999'],
    ["'some bytes: %s'.format([b'xyz'])", 'some bytes: xyz'],
    ["'%s'.format([timestamp('2023-02-03T23:31:20Z')])", '2023-02-03T23:31:20Z'],
    ["'%s'.format([duration('6347s')])", '6347s'],
    [
      "'%s'.format([['abc', 3.14, null, [9, 8, 7, 6], timestamp('2023-02-03T23:31:20Z')]])",
      '[abc, 3.14, null, [9, 8, 7, 6], 2023-02-03T23:31:20Z]',
    ],
    ["'%s'.format([{'key2': 7200.0, 'key1': 'xyz', 'key3': true}])", '{key1: xyz, key2: 7200, key3: true}'],
    // ext.Sets
    ['sets.contains([], [])', true],
    ['sets.contains([], [1])', false],
    ['sets.contains([1, 2, 3, 4], [2, 3])', true],
    ['sets.contains([1, 2.0, 3u], [1.0, 2u, 3])', true],
    ['sets.equivalent([], [])', true],
    ['sets.equivalent([1], [1, 1])', true],
    ['sets.equivalent([1], [1u, 1.0])', true],
    ['sets.equivalent([1, 2, 3], [3u, 2.0, 1])', true],
    ['sets.equivalent([1, 2], [1])', false],
    ['sets.intersects([1], [])', false],
    ['sets.intersects([1], [1, 2])', true],
    ['sets.intersects([[1], [2, 3]], [[1, 2], [2, 3.0]])', true],
    ["sets.intersects(['a'], ['b'])", false],
    // ext.Encoders; the unpadded form decodes, as cel-go's code does (its README says error)
    ["base64.encode(b'hello')", 'aGVsbG8='],
    ["base64.decode('aGVsbG8=').string()", 'hello'],
    ["base64.decode('aGVsbG8').string()", 'hello'],
    // the optional library
    ['[1, 2, 3].first().value()', 1n],
    ['[1, 2, 3].last().value()', 3n],
    ['[].first().hasValue()', false],
    ['[].last().hasValue()', false],
    ["[].first().orValue('none')", 'none'],
    ["optional.ofNonZeroValue('').hasValue()", false],
    ['optional.ofNonZeroValue([]).hasValue()', false],
    ['optional.ofNonZeroValue(0).hasValue()', false],
    ["optional.ofNonZeroValue('x').value()", 'x'],
    ['optional.unwrap([optional.of(42), optional.none()])', [42n]],
    ['[optional.of(42), optional.none()].unwrapOpt()', [42n]],
    // built into the library, checked here so a library upgrade cannot change them unnoticed
    ["'hello hello hello'.split(' ', 2)", ['hello', 'hello hello']],
    ["'hello hello hello'.split(' ', 0)", []],
    ["['hello', 'mellow'].join(' ')", 'hello mellow'],
    ["'hello mellow'.lastIndexOf('ello', 6)", 1n],
    ["'tacocat'.substring(0, 4)", 'taco'],
    ["'  \\ttrim\\n    '.trim()", 'trim'],
    ["'TacoCat'.upperAscii()", 'TACOCAT'],
  ])('%s', (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it.each([
    ["'hello'.charAt(-1)", /index out of range: -1/],
    ["'hello'.charAt(6)", /index out of range: 6/],
    ["'%s %s'.format(['a'])", /index 1 out of range/],
    ["'%q'.format(['a'])", /unrecognized formatting clause "q"/],
    ["'%d'.format(['a'])", /decimal clause can only be used on ints, uints, and doubles, was given string/],
    ["'%b'.format([1.5])", /only ints, uints, and bools can be formatted as binary, was given double/],
    ["'%o'.format(['a'])", /octal clause can only be used on ints and uints, was given string/],
    ["'%x'.format([1.5])", /only ints, uints, bytes, and strings can be formatted as hex, was given double/],
    ["'%s'.format([optional.none()])", /string clause can only be used on/],
    ["'abc%'.format([1])", /unexpected end of string/],
    ["base64.decode('a-b')", /illegal base64 data at input byte 1/],
    ['[].first().value()', /Optional value is not present/],
  ])('%s fails', (expression, message) => {
    expect(() => run(expression)).toThrowError(message);
  });
});

describe('the examples of docs/manifests.md', () => {
  it('evaluates the guide’s expressions', () => {
    const event = { involvedObject: { kind: 'Kustomization', name: 'apps' }, metadata: {} };
    const alert = { metadata: { name: 'on-call' } };
    const provider = { metadata: { uid: '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a' } };
    expect(
      compileCommitStatusExpr("event.involvedObject.kind + '/' + alert.metadata.name").evaluate({
        event,
        alert,
        provider,
      }),
    ).toBe('Kustomization/on-call');
    expect(
      compileCommitStatusExpr(
        "(event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.?env.orValue('default') + '/' + provider.metadata.uid.split('-').first().value()).lowerAscii()",
      ).evaluate({ event, alert, provider }),
    ).toBe('kustomization/apps/default/0c9c2e41');
  });
});
