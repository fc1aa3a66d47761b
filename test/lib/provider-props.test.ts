/**
 * The synth-time check of a provider's props: what cannot work is refused with the provider's path and what to do;
 * tokens are left to deploy time.
 */
import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { validateProviderProps, type FinSpaceUserSettingsProviderProps } from '../../lib/provider-props';
import { newStack } from '../support/stacks';

/** Checks `props` as the provider `Stack/P` would. */
const validate = (props: FinSpaceUserSettingsProviderProps) => () => validateProviderProps(new Construct(newStack(), 'P'), props);

describe('timeout: 30 to 900 seconds', () => {
  test.each([10, 29, 901])('%i s is rejected with the rule', (seconds) => {
    expect(validate({ timeout: Duration.seconds(seconds) })).toThrow(
      `Stack/P: timeout is ${seconds} s; it must be 30 to 900 seconds (Lambda's maximum), so that retries have room to work. Choose a timeout in that range.`,
    );
  });

  test.each([30, 900])('%i s (an end of the range) is allowed', (seconds) => {
    expect(validate({ timeout: Duration.seconds(seconds) })).not.toThrow();
  });
});

test.each([
  ['security groups', (vpc: ec2.IVpc) => ({ securityGroups: [new ec2.SecurityGroup(vpc, 'Sg', { vpc })] })],
  ['subnets', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })],
])('%s without a VPC are rejected with what to do', (_name, props) => {
  const vpc = new ec2.Vpc(newStack(), 'Vpc', { maxAzs: 1, natGateways: 0 });
  expect(validate(props(vpc))).toThrow('Stack/P: vpcSubnets and securityGroups need vpc; pass the VPC, or leave them out.');
});

describe('responseUrlStandIn: an origin (scheme://host[:port], http or https), or a token', () => {
  test.each(['http://localhost:4566', 'https://stand-in.example', 'http://127.0.0.1:8080'])('%s is accepted', (origin) => {
    expect(validate({ responseUrlStandIn: origin })).not.toThrow();
  });

  test.each(['http://localhost:4566/', 'ftp://localhost', 'localhost:4566', 'not a url', 'http://localhost:4566/path'])(
    '%s is refused, saying what an origin is',
    (value) => {
      expect(validate({ responseUrlStandIn: value })).toThrow(
        new Error(
          `Stack/P: responseUrlStandIn ${JSON.stringify(value)} is not an origin; it must be scheme://host[:port] ` +
            '(http or https, no path or trailing slash), such as http://localhost:4566 for LocalStack.',
        ),
      );
    },
  );

  test('a token is left to deploy time', () => {
    const scope = new Construct(newStack(), 'P');
    const standIn = new CfnParameter(scope, 'StandIn').valueAsString;
    expect(() => validateProviderProps(scope, { responseUrlStandIn: standIn })).not.toThrow();
  });
});
