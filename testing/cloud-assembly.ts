/**
 * Reads a cloud assembly (cdk.out) for the local runner: the stacks' templates, their Lambda functions with the asset
 * each would run, and the intrinsic functions resolved with made-up but well-formed physical names and ARNs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DeployTarget {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

export const LOCAL_TARGET: DeployTarget = { account: '123456789012', region: 'us-east-1', partition: 'aws' };

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

export interface Template {
  readonly Resources: Record<string, TemplateResource>;
}

export interface AssemblyStack {
  readonly stackName: string;
  readonly template: Template;
  /** The folder of the assembly, for asset paths. */
  readonly assemblyDir: string;
  /** File assets by the S3 object key the template names, from the asset manifests. */
  readonly assetPathsByObjectKey: ReadonlyMap<string, string>;
}

/** The stacks of a cloud assembly (manifest.json, artifacts of type aws:cloudformation:stack). */
export function readAssembly(assemblyDir: string): AssemblyStack[] {
  const manifestPath = path.join(assemblyDir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json); run \`cdk synth\` first.`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string; file?: string } }>;
  };
  const assetPathsByObjectKey = new Map<string, string>();
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const assets = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.file), 'utf8')) as {
      files?: Record<string, { source: { path?: string }; destinations: Record<string, { objectKey: string }> }>;
    };
    for (const file of Object.values(assets.files ?? {})) {
      if (!file.source.path) continue;
      for (const destination of Object.values(file.destinations)) assetPathsByObjectKey.set(destination.objectKey, file.source.path);
    }
  }
  return Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile)
    .map(([id, artifact]) => ({
      stackName: artifact.properties?.stackName ?? id,
      template: JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties!.templateFile!), 'utf8')) as Template,
      assemblyDir,
      assetPathsByObjectKey,
    }));
}

/** Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) of one stack. */
export class IntrinsicResolver {
  constructor(
    private readonly stack: AssemblyStack,
    private readonly target: DeployTarget = LOCAL_TARGET,
  ) {}

  /** A deterministic physical name, as CloudFormation makes them: stack name, logical id, suffix. */
  physicalName(logicalId: string): string {
    return `${this.stack.stackName}-${logicalId}`.slice(0, 64);
  }

  arnOf(logicalId: string): string {
    const resource = this.stack.template.Resources[logicalId];
    const { partition, region, account } = this.target;
    const name = this.physicalName(logicalId);
    switch (resource?.Type) {
      case 'AWS::IAM::Role': {
        // IAM puts a role's path (default /) between role and its name.
        const rolePath = this.resolve(resource.Properties?.Path);
        return `arn:${partition}:iam::${account}:role${typeof rolePath === 'string' ? rolePath : '/'}${name}`;
      }
      case 'AWS::Lambda::Function':
        return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      default:
        return `arn:${partition}:local:${region}:${account}:${logicalId}/${name}`;
    }
  }

  private pseudo(name: string): string | undefined {
    const { partition, region, account } = this.target;
    const values: Record<string, string> = {
      'AWS::Partition': partition,
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::StackName': this.stack.stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${account}:stack/${this.stack.stackName}/00000000-0000-4000-8000-000000000000`,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NoValue': '',
    };
    return values[name];
  }

  private ref(name: string): string {
    return this.pseudo(name) ?? (this.stack.template.Resources[name] ? this.physicalName(name) : name);
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      switch (fn) {
        case 'Ref':
          return this.ref(arg as string);
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = (Array.isArray(arg) ? arg : String(arg).split('.')) as [string, string];
          return attribute === 'Arn' ? this.arnOf(logicalId) : `${this.physicalName(logicalId)}.${attribute}`;
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number | string, unknown];
          return (this.resolve(list) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, unknown];
          return String(this.resolve(source)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
          return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
            if (vars[name] !== undefined) return String(this.resolve(vars[name]));
            const [logicalId, attribute] = name.split('.');
            return attribute ? String(this.resolve({ 'Fn::GetAtt': [logicalId, attribute] })) : this.ref(name);
          });
        }
        default:
          break;
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }
}

/** What CloudFormation properties look like at the handler: every scalar a string. */
export function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

export interface LambdaFunctionSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  readonly runtime: string;
  /** The file and export the `Handler` property names (index.handler: index.js, export handler). */
  readonly file: string;
  readonly exportName: string;
  /** The `Handler` property as the template gives it (file.export, the file relative to the code's folder). */
  readonly handler?: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Record<string, string>;
  readonly roleArn?: string;
  /** LoggingConfig.ApplicationLogLevel: under the JSON log format, Lambda sets it as AWS_LAMBDA_LOG_LEVEL. */
  readonly applicationLogLevel?: string;
  /** LoggingConfig.LogGroup, resolved. @default /aws/lambda/<function name> */
  readonly logGroupName?: string;
}

/** The function as Lambda would run it: its asset folder from the assembly, handler, runtime, timeout, environment. */
export function lambdaFunctionSpec(stack: AssemblyStack, logicalId: string, resolver: IntrinsicResolver): LambdaFunctionSpec {
  const resource = stack.template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`${logicalId} is not an AWS::Lambda::Function in ${stack.stackName}`);
  const props = resource.Properties ?? {};
  // The asset folder: from the asset metadata the CLI adds, else from the asset manifest by the code's S3 key.
  const objectKey = (props.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const assetPath =
    resource.Metadata?.['aws:asset:path'] ?? (typeof objectKey === 'string' ? stack.assetPathsByObjectKey.get(objectKey) : undefined);
  if (typeof assetPath !== 'string') {
    throw new Error(
      `${stack.stackName}/${logicalId}: its code is not a file asset of this assembly (no aws:asset:path metadata, no asset with its S3Key).`,
    );
  }
  const handler = String(props.Handler ?? '');
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`${stack.stackName}/${logicalId} has Handler ${JSON.stringify(handler)}; expected file.export`);
  const environment = (resolver.resolve((props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) ?? {}) as Record<
    string,
    unknown
  >;
  const logging = (props.LoggingConfig ?? {}) as { ApplicationLogLevel?: unknown; LogGroup?: unknown };
  return {
    logicalId,
    functionName: resolver.physicalName(logicalId),
    arn: resolver.arnOf(logicalId),
    runtime: String(props.Runtime ?? ''),
    file: path.join(path.resolve(stack.assemblyDir, assetPath), `${handler.slice(0, dot)}.js`),
    exportName: handler.slice(dot + 1),
    handler,
    timeoutSeconds: Number(props.Timeout ?? 3),
    memoryMb: Number(props.MemorySize ?? 128),
    environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])),
    roleArn: props.Role === undefined ? undefined : String(resolver.resolve(props.Role)),
    ...(logging.ApplicationLogLevel !== undefined ? { applicationLogLevel: String(logging.ApplicationLogLevel) } : {}),
    ...(logging.LogGroup !== undefined ? { logGroupName: String(resolver.resolve(logging.LogGroup)) } : {}),
  };
}

/** The logical id of the Lambda function a custom resource's ServiceToken points at, in the same template. */
export function serviceTokenFunction(properties: Record<string, unknown>): string | undefined {
  const token = properties.ServiceToken as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const getAtt = token?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Arn' ? getAtt[0] : undefined;
}
