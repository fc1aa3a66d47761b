/**
 * Applies a synthesized app's Custom::FinSpaceUserSettings without AWS, as CloudFormation would (Create, Update, Delete,
 * rollback and replacement cleanup), invoking the handler asset in Lambda-like containers against the FinSpace emulator.
 */
import { randomUUID } from 'node:crypto';
import { RESOURCE_TYPE, RESPONSE_URL_STAND_IN_ENV } from '../lib/handler-contract';
import {
  IntrinsicResolver,
  lambdaFunctionSpec,
  LOCAL_TARGET,
  readAssembly,
  serviceTokenFunction,
  stringifyScalars,
  type DeployTarget,
} from './cloud-assembly';
import {
  sendRequest,
  withServiceProperties,
  type Exchange,
  type ResourceState,
  type StepKind,
  type StepRecord,
} from './cloudformation-request';
import { FinSpaceEmulator } from './finspace-emulator';
import { createLambdaContainer } from './lambda-container';
import type { LambdaContainer } from './lambda-environment';
import { ResponseReceiver } from './response-receiver';

// Exported from here before ./cloudformation-request held them; test/hardening/fault-matrix.test.ts imports them here.
export { AUDIT_MARK, auditRecords, type AuditRecord, type StepKind, type StepRecord } from './cloudformation-request';

export interface LocalDeploymentOptions {
  /** The cloud assembly folder (cdk.out). */
  readonly assemblyDir: string;
  /** @default account 123456789012, us-east-1, partition aws */
  readonly target?: DeployTarget;
  /** An emulator to use (its users as they are). @default a new one, seeded with every user the template names */
  readonly emulator?: FinSpaceEmulator;
  /** Receives the handler containers' log lines. */
  readonly onLog?: (line: string) => void;
}

/** A FinSpace user id the runner registers, per environment, with the handler's role as its API principal. */
export const LOCAL_ADMIN_USER_ID = 'local-admin';

export class LocalDeployment {
  static async start(options: LocalDeploymentOptions): Promise<LocalDeployment> {
    const target = options.target ?? LOCAL_TARGET;
    const emulator = options.emulator ?? (await FinSpaceEmulator.start({ region: target.region }));
    const receiver = await ResponseReceiver.start();
    let deployment: LocalDeployment;
    try {
      deployment = new LocalDeployment(options, target, emulator, receiver, options.emulator === undefined);
    } catch (error) {
      await receiver.close();
      if (!options.emulator) await emulator.close();
      throw error;
    }
    if (!options.emulator) deployment.seedEmulator();
    return deployment;
  }

  /** Every step taken, in order. */
  readonly steps: StepRecord[] = [];
  /** Every event sent to a handler and the raw answer PUT for it, in order (to check what leaves the handler). */
  readonly exchanges: Exchange[] = [];
  private readonly resources: ResourceState[] = [];
  private readonly functions = new Map<string, LambdaContainer>();
  /** How each function's container is made, for a second one beside it (Lambda runs concurrent events apart). */
  private readonly containerOf = new Map<string, () => LambdaContainer>();

  private constructor(
    options: LocalDeploymentOptions,
    target: DeployTarget,
    readonly emulator: FinSpaceEmulator,
    private readonly receiver: ResponseReceiver,
    private readonly ownsEmulator: boolean,
  ) {
    for (const stack of readAssembly(options.assemblyDir)) {
      const resolver = new IntrinsicResolver(stack, target);
      for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
        if (resource.Type !== RESOURCE_TYPE) continue;
        const functionLogicalId = serviceTokenFunction(resource.Properties ?? {});
        if (!functionLogicalId) throw new Error(`${stack.stackName}/${logicalId}: its ServiceToken is not a function of the same template`);
        this.resources.push({
          stack,
          resolver,
          logicalId,
          functionLogicalId,
          retained: resource.DeletionPolicy === 'Retain',
          properties: stringifyScalars(resolver.resolve(resource.Properties ?? {})) as Record<string, unknown>,
          exists: false,
        });
        const key = `${stack.stackName}/${functionLogicalId}`;
        if (!this.functions.has(key)) {
          const spec = lambdaFunctionSpec(stack, functionLogicalId, resolver);
          if (!spec.runtime.startsWith('nodejs'))
            throw new Error(`${key} has runtime ${spec.runtime}; the local runner runs Node.js handlers`);
          const loggingConfig = stack.template.Resources[functionLogicalId].Properties?.LoggingConfig as
            { LogFormat?: unknown } | undefined;
          const container = () =>
            createLambdaContainer(spec, {
              onLog: options.onLog,
              logFormat: loggingConfig?.LogFormat === 'JSON' ? 'JSON' : 'Text',
              extraEnvironment: {
                ...emulator.lambdaEnvironment(spec.roleArn ?? resolver.arnOf(functionLogicalId)),
                // The handler answers only CloudFormation's ResponseURLs, and this runner's receiver stands in for them.
                [RESPONSE_URL_STAND_IN_ENV]: new URL(receiver.url()).origin,
              },
            });
          this.containerOf.set(key, container);
          this.functions.set(key, container());
        }
      }
    }
    if (this.resources.length === 0) throw new Error(`${options.assemblyDir} has no ${RESOURCE_TYPE} resources`);
  }

  /** The custom resources, as `stack/logicalId`. */
  get resourceIds(): string[] {
    return this.resources.map((r) => `${r.stack.stackName}/${r.logicalId}`);
  }

  /** The handler functions, with the runtime the template names and the file they run. */
  get handlerFunctions(): LambdaContainer[] {
    return [...this.functions.values()];
  }

  /** The resource's properties as CloudFormation would send them now. */
  propertiesOf(logicalId: string): Record<string, unknown> {
    return structuredClone(this.find(logicalId).properties);
  }

  physicalIdOf(logicalId: string): string | undefined {
    return this.find(logicalId).physicalResourceId;
  }

  /** Stack create: a Create for every resource; if any fails, CloudFormation's rollback deletes them all. */
  async createAll(): Promise<StepRecord[]> {
    const steps: StepRecord[] = [];
    for (const resource of this.resources) {
      const step = await this.send('Create', resource, 'Create');
      steps.push(step);
      resource.physicalResourceId = step.physicalResourceId;
      resource.exists = true;
      if (step.status !== 'SUCCESS') break;
    }
    if (steps.some((s) => s.status !== 'SUCCESS')) {
      for (const resource of this.resources.filter((r) => r.exists).reverse()) {
        steps.push(await this.send('Rollback', resource, 'Delete'));
        resource.exists = false;
      }
    }
    return steps;
  }

  /**
   * Stack update: an Update for each resource whose properties change. When all succeed, replaced resources
   * (a new physical id) get CloudFormation's cleanup Delete for the old id. When one fails, CloudFormation rolls
   * back every resource it updated: an Update back to the old properties, or a Delete of a replacement.
   */
  async update(changes: Record<string, Record<string, unknown>>): Promise<StepRecord[]> {
    const steps: StepRecord[] = [];
    const updated: Array<{ resource: ResourceState; old: Record<string, unknown>; oldPhysicalId?: string }> = [];
    let failed = false;
    for (const [logicalId, properties] of Object.entries(changes)) {
      const resource = this.find(logicalId);
      const old = resource.properties;
      const oldPhysicalId = resource.physicalResourceId;
      resource.properties = withServiceProperties(resource.properties, properties);
      const step = await this.send('Update', resource, 'Update', old);
      steps.push(step);
      updated.push({ resource, old, oldPhysicalId });
      if (step.status === 'SUCCESS') resource.physicalResourceId = step.physicalResourceId;
      else {
        failed = true;
        break;
      }
    }
    for (const { resource, old, oldPhysicalId } of updated.reverse()) {
      const replaced = resource.physicalResourceId !== oldPhysicalId;
      if (failed) {
        if (replaced) {
          steps.push(await this.send('Rollback', resource, 'Delete'));
        } else {
          const failedProperties = resource.properties;
          resource.properties = old;
          steps.push(await this.send('Rollback', resource, 'Update', failedProperties));
        }
        resource.properties = old;
        resource.physicalResourceId = oldPhysicalId;
      } else if (replaced) {
        steps.push(await this.send('Cleanup', { ...resource, properties: old, physicalResourceId: oldPhysicalId }, 'Delete'));
      }
    }
    return steps;
  }

  /** Stack delete: a Delete for every resource, in reverse order; a retained one (DeletionPolicy Retain) gets none. */
  async deleteAll(): Promise<StepRecord[]> {
    const steps: StepRecord[] = [];
    for (const resource of [...this.resources].reverse()) {
      if (!resource.exists) continue;
      if (resource.retained) {
        resource.exists = false;
        continue;
      }
      steps.push(await this.send('Delete', resource, 'Delete'));
      resource.exists = false;
    }
    return steps;
  }

  /**
   * CloudFormation cancelling a Create still at work and sending its rollback Delete, which it can
   * (cloudformation-coverage-roadmap#1814): the Create starts, and once `deleteWhen` resolves the Delete of the physical
   * id CloudFormation generates for it runs in a second container, as Lambda runs it beside the first. Both steps, in
   * the order they ended.
   */
  async createInterruptedByDelete(logicalId: string, deleteWhen: () => Promise<void>): Promise<StepRecord[]> {
    const resource = this.find(logicalId);
    const second = this.containerOf.get(`${resource.stack.stackName}/${resource.functionLogicalId}`)!();
    try {
      const ended: StepRecord[] = [];
      const create = this.send('Create', resource, 'Create').then((step) => ended.push(step));
      await deleteWhen();
      const generated = `${this.physicalNameOf(resource)}-${randomUUID().slice(0, 12).toUpperCase()}`;
      const rollback = this.send('Rollback', resource, 'Delete', undefined, { lambda: second, physicalResourceId: generated }).then(
        (step) => ended.push(step),
      );
      await Promise.all([create, rollback]);
      resource.exists = false;
      return ended;
    } finally {
      await second.stop();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.functions.values()].map((f) => f.stop()));
    await this.receiver.close();
    if (this.ownsEmulator) await this.emulator.close();
  }

  private find(logicalId: string): ResourceState {
    const resource = this.resources.find((r) => r.logicalId === logicalId || `${r.stack.stackName}/${r.logicalId}` === logicalId);
    if (!resource) throw new Error(`no ${RESOURCE_TYPE} ${logicalId}; the assembly has ${this.resourceIds.join(', ')}`);
    return resource;
  }

  /** Every environment and user the template names exists; the handler's role is a superuser's API principal. */
  private seedEmulator(): void {
    for (const resource of this.resources) {
      const environmentId = String(resource.properties.environmentId);
      const userId = String(resource.properties.userId);
      if (!this.emulator.getUser(environmentId, userId)) {
        this.emulator.putUser(environmentId, { userId, type: 'APP_USER', apiAccess: 'DISABLED', firstName: 'Existing', lastName: 'User' });
      }
      const spec = this.functions.get(`${resource.stack.stackName}/${resource.functionLogicalId}`)!.spec;
      this.emulator.putUser(environmentId, {
        userId: LOCAL_ADMIN_USER_ID,
        type: 'SUPER_USER',
        apiAccess: 'ENABLED',
        apiAccessPrincipalArn: spec.roleArn,
        firstName: 'Local',
        lastName: 'Admin',
      });
    }
  }

  private physicalNameOf(resource: ResourceState): string {
    return `${resource.stack.stackName}-${resource.logicalId}`;
  }

  private async send(
    step: StepKind,
    resource: ResourceState,
    requestType: StepRecord['requestType'],
    oldProperties?: Record<string, unknown>,
    override: { readonly lambda?: LambdaContainer; readonly physicalResourceId?: string } = {},
  ): Promise<StepRecord> {
    const lambda = override.lambda ?? this.functions.get(`${resource.stack.stackName}/${resource.functionLogicalId}`)!;
    const request = { step, requestType, resource, oldProperties, physicalResourceId: override.physicalResourceId };
    const { record, exchange } = await sendRequest(request, lambda, this.receiver, this.emulator);
    this.exchanges.push(exchange);
    this.steps.push(record);
    return record;
  }
}

/** The next settings for a plain "update with changed settings": the user type flipped (API access if no type). */
export function flippedSettings(properties: Record<string, unknown>): Record<string, unknown> {
  const { ServiceToken: _token, ServiceTimeout: _timeout, ...settings } = properties;
  if (settings.type !== undefined) return { ...settings, type: settings.type === 'SUPER_USER' ? 'APP_USER' : 'SUPER_USER' };
  return { ...settings, apiAccess: settings.apiAccess === 'ENABLED' ? 'DISABLED' : 'ENABLED' };
}
