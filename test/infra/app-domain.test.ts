import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStage, StageSettingsError, stages } from '../../config/stages.js';
import { thrownBy } from '../support/thrown.js';
import { type Synthesized, synthFarewell } from './support/synth.js';

const dev = stages.dev;
const CERTIFICATE =
  'arn:aws:acm:eu-west-1:123456789012:certificate/0f4c1b2e-1111-4222-8333-444455556666';

/** The FAREWELL_PUBLIC_URL (the links' base) of every function of a synthesized stage. */
function linkBases(synthesized: Synthesized): unknown[] {
  return [synthesized.stateful, synthesized.stateless].flatMap((template) =>
    Object.values(template.findResources('AWS::Lambda::Function'))
      .map((fn) => fn.Properties?.Environment?.Variables?.FAREWELL_PUBLIC_URL)
      .filter((url) => url !== undefined),
  );
}

describe('a production stage', () => {
  it('is refused without a custom domain, naming the setting', () => {
    const message = thrownBy(StageSettingsError, () =>
      resolveStage('prod', { prod: { ...dev, production: true } }),
    ).message;

    expect(message).toContain('stages.prod.appDomain: is required for a production stage');
  });

  it('is what a stage is unless it says production: false', () => {
    const { production: _production, ...unmarked } = dev ?? {};

    expect(() => resolveStage('prod', { prod: unmarked })).toThrow(/stages\.prod\.appDomain/);
    expect(resolveStage('dev').production).toBe(false);
  });

  it('refuses a certificate without the domain it is for, or in another region', () => {
    const without = thrownBy(StageSettingsError, () =>
      resolveStage('prod', { prod: { ...dev, certificateArn: CERTIFICATE } }),
    ).message;
    const elsewhere = thrownBy(StageSettingsError, () =>
      resolveStage('prod', {
        prod: {
          ...dev,
          appDomain: 'app.farewell.example.com',
          certificateArn: CERTIFICATE.replace('eu-west-1', 'us-east-1'),
        },
      }),
    ).message;

    expect(without).toContain('stages.prod.appDomain: is required with certificateArn');
    expect(elsewhere).toContain(
      'stages.prod.certificateArn: must be in the stage region eu-west-1',
    );
  });
});

describe('a custom domain with a certificate the stack creates', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthFarewell({
      full: false,
      stage: 'prod',
      stages: {
        prod: {
          ...dev,
          production: true,
          account: '123456789012',
          appDomain: 'app.farewell.example.com',
        },
      },
    });
  }, 60_000);

  afterAll(() => synthesized.remove());

  it('keeps a DNS-validated certificate and the API domain name in the stateful stack', () => {
    const { stateful, stateless } = synthesized;
    stateful.hasResource('AWS::CertificateManager::Certificate', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        DomainName: 'app.farewell.example.com',
        ValidationMethod: 'DNS',
      }),
    });
    stateful.hasResource('AWS::ApiGatewayV2::DomainName', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        DomainName: 'app.farewell.example.com',
        DomainNameConfigurations: [
          Match.objectLike({ EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }),
        ],
      }),
    });
    stateless.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    stateless.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  });

  it('maps the domain to the HTTP API from the stateless stack', () => {
    const [apiId] = Object.keys(synthesized.stateless.findResources('AWS::ApiGatewayV2::Api'));
    synthesized.stateless.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: apiId },
      DomainName: { 'Fn::ImportValue': Match.stringLikeRegexp('Stateful') },
      Stage: Match.anyValue(),
    });
  });

  it('gives every function links on the custom domain, not the execute-api URL', () => {
    const bases = linkBases(synthesized);

    expect(bases.length).toBe(4);
    for (const base of bases) expect(base).toBe('https://app.farewell.example.com');
    const outputs = synthesized.stateless.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AppUrl?.Value).toBe('https://app.farewell.example.com');
  });

  it('prints the CNAME record that points the domain at the regional API endpoint', () => {
    const outputs = synthesized.stateful.toJSON().Outputs as Record<string, { Value: unknown }>;
    const [domainId] = Object.keys(
      synthesized.stateful.findResources('AWS::ApiGatewayV2::DomainName'),
    );

    expect(outputs.AppDomainCname?.Value).toEqual({
      'Fn::Join': [
        '',
        ['app.farewell.example.com CNAME ', { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] }],
      ],
    });
  });
});

describe('a custom domain with an existing certificate', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthFarewell({
      full: false,
      stage: 'prod',
      stages: {
        prod: {
          ...dev,
          production: true,
          appDomain: 'app.farewell.example.com',
          certificateArn: CERTIFICATE,
        },
      },
    });
  }, 60_000);

  afterAll(() => synthesized.remove());

  it('uses the certificate given and creates none', () => {
    synthesized.stateful.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    synthesized.stateful.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: CERTIFICATE })],
    });
  });
});

describe('a stage without a custom domain (dev)', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthFarewell({ full: false });
  }, 60_000);

  afterAll(() => synthesized.remove());

  it('links to the API URL and creates no domain', () => {
    synthesized.stateful.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    synthesized.stateless.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
    for (const base of linkBases(synthesized)) {
      expect(JSON.stringify(base)).toContain('ApiEndpoint');
    }
  });
});
