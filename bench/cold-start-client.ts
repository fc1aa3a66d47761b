/**
 * A cold-start reference, bundled by the cold-start benchmark exactly as the handler is: the same three requests
 * (GetProgrammaticAccessCredentials, UpdateUser, the answer PUT) through the project's FinSpace client alone, so
 * through the AWS SDK parts it is built from (SigV4 signer, Node HTTP handler, credentials from the environment),
 * with none of the handler: no validation, no retry loop, no deadline guard, no logging. The handler's cold start
 * minus this one is what the handler itself costs.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import * as http from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { FinSpaceDataClient, resolveEndpoint } from '../lambda/finspace-client';

export async function run(environmentId: string, userId: string, responseUrl: string): Promise<void> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const endpoint = resolveEndpoint(region);
  const httpHandler = new NodeHttpHandler({ connectionTimeout: 3000 });
  const role = new FinSpaceDataClient({ region, endpoint, credentials: fromEnv(), httpHandler });
  const { credentials } = await role.getProgrammaticAccessCredentials({ environmentId, durationInMinutes: 60 });
  const user = new FinSpaceDataClient({
    region,
    endpoint,
    credentials: {
      accessKeyId: credentials!.accessKeyId!,
      secretAccessKey: credentials!.secretAccessKey!,
      sessionToken: credentials!.sessionToken,
    },
    httpHandler,
  });
  await user.updateUser({ userId, apiAccess: 'ENABLED', clientToken: 'cold-start-reference' });
  await new Promise<void>((resolve, reject) => {
    const request = http.request(responseUrl, { method: 'PUT' }, (response) => response.resume().on('end', resolve));
    request.on('error', reject);
    request.end(JSON.stringify({ Status: 'SUCCESS', PhysicalResourceId: userId }));
  });
}
